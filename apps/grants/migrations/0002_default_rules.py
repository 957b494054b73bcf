"""Version 1 of the routing rules: the built-in defaults, published."""

from django.db import migrations


def seed(apps, schema_editor):
    from apps.grants.defaults import DEFAULT_RULES

    RuleSet = apps.get_model("grants", "RuleSet")
    RoutingRule = apps.get_model("grants", "RoutingRule")
    if RuleSet.objects.exists():
        return
    from django.utils import timezone

    ruleset = RuleSet.objects.create(
        version=1, status="published", note="Built-in defaults", published_at=timezone.now()
    )
    for i, (name, conditions, steps, automatic, final) in enumerate(DEFAULT_RULES):
        RoutingRule.objects.create(
            ruleset=ruleset,
            position=(i + 1) * 10,
            name=name,
            conditions={k: [str(x) for x in v] if isinstance(v, list) else str(v)
                        for k, v in conditions.items()},
            steps={str(k): v for k, v in steps.items()},
            automatic=automatic,
            final=final,
        )


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_routing_rules_holidays")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
