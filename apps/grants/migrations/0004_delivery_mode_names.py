"""Routing conditions name delivery modes as data products do (api_pull, bulk_export,
sandbox_only) since the two vocabularies became one."""

from django.db import migrations

RENAMED = {"api": "api_pull", "bulk": "bulk_export", "sandbox": "sandbox_only"}


def forwards(apps, schema_editor):
    RoutingRule = apps.get_model("grants", "RoutingRule")
    for rule in RoutingRule.objects.exclude(conditions={}):
        modes = (rule.conditions or {}).get("delivery_any")
        if modes:
            rule.conditions["delivery_any"] = [RENAMED.get(m, m) for m in modes]
            rule.save(update_fields=["conditions"])


class Migration(migrations.Migration):
    dependencies = [("grants", "0003_accessapplication_applicationattachment_and_more")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
