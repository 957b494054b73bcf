"""Rules in words for the console (labels in the current language)."""

from django.utils.text import capfirst

from apps.core.names import colon, in_parentheses, listing
from apps.grants.choices import Flag, StepKind
from apps.grants.forms import LIST_CONDITIONS, RuleForm
from apps.grants.routing import Conditions


def conditions_text(rule) -> list[str]:
    """One line per condition that restricts: "Use: Public-welfare use"."""
    conditions = Conditions.from_dict(rule.conditions)
    lines = []
    for name, (label, choices) in LIST_CONDITIONS.items():
        values = getattr(conditions, name)
        if values:
            names = dict(choices)
            lines.append(f"{capfirst(label)}{colon()}{listing(names.get(v, v) for v in values)}")
    for name in ("personal", "sensitive"):
        value = getattr(conditions, name)
        if value != Flag.ANY:
            lines.append(
                f"{capfirst(RuleForm.base_fields[name].label)}{colon()}{Flag(value).label}"
            )
    return lines


def steps_text(rule) -> list[str]:
    steps = rule.steps or {}
    return [f"{StepKind(k).label}{in_parentheses(steps[k])}" for k in StepKind.values if k in steps]


def rows(rules) -> list[tuple]:
    return [(rule, conditions_text(rule), steps_text(rule)) for rule in rules]
