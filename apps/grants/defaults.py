"""The built-in rules (issue 10 §3): the first published rule set is made of these, and
a new draft starts as a copy of the active version."""

from apps.grants.choices import ApplicationKind as K
from apps.grants.choices import Classification as C
from apps.grants.choices import Flag
from apps.grants.choices import OpenType as O
from apps.grants.choices import StepKind as S
from apps.grants.choices import UseType as U

FIRST_TIME = [K.NEW, K.AMENDMENT]

# (name, conditions, steps {kind: working days}, automatic, final)
DEFAULT_RULES = [
    (
        "Automatic: unconditionally open general data, no personal fields, public welfare",
        {
            "classification_all": [C.GENERAL],
            "open_type_all": [O.UNCONDITIONAL],
            "personal": Flag.NO,
            "use_types": [U.PUBLIC_WELFARE],
        },
        {},
        True,
        True,
    ),
    (
        "Renewal or amendment: shorter operator review",
        {"kinds": [K.RENEWAL, K.AMENDMENT]},
        {S.OPERATOR: 3},
        False,
        False,
    ),
    ("The operator always reviews", {}, {S.OPERATOR: 5}, False, False),
    (
        "Important data: the provider agency reviews",
        {"kinds": FIRST_TIME, "classification_any": [C.IMPORTANT]},
        {S.PROVIDER: 5},
        False,
        False,
    ),
    (
        "Personal fields: security review",
        {"kinds": FIRST_TIME, "personal": Flag.YES},
        {S.SECURITY: 5},
        False,
        False,
    ),
    (
        "Renewal with sensitive personal fields or important data: regulator sign-off",
        {"kinds": [K.RENEWAL], "sensitive": Flag.YES},
        {S.REGULATOR: 3},
        False,
        False,
    ),
    (
        "Renewal of important data: regulator sign-off",
        {"kinds": [K.RENEWAL], "classification_any": [C.IMPORTANT]},
        {S.REGULATOR: 3},
        False,
        False,
    ),
    (
        "Sensitive personal fields: regulator sign-off",
        {"sensitive": Flag.YES},
        {S.REGULATOR: 5},
        False,
        False,
    ),
    (
        "Important data: regulator sign-off",
        {"classification_any": [C.IMPORTANT]},
        {S.REGULATOR: 5},
        False,
        False,
    ),
]


def default_specs():
    from apps.grants.routing import Conditions, RuleSpec

    return [
        RuleSpec(
            name=name,
            conditions=Conditions.from_dict(conditions),
            steps={str(k): v for k, v in steps.items()},
            automatic=automatic,
            final=final,
        )
        for name, conditions, steps, automatic, final in DEFAULT_RULES
    ]
