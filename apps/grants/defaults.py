"""The built-in rules (issue 10 §3): the first published rule set is made of these, and
a new draft starts as a copy of the active version. Names are data, in the regulator's
language."""

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
        "自动通过：无条件开放的一般数据、不含个人信息、公益用途",
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
        "续期或变更：运营机构审核时限缩短",
        {"kinds": [K.RENEWAL, K.AMENDMENT]},
        {S.OPERATOR: 3},
        False,
        False,
    ),
    ("运营机构始终审核", {}, {S.OPERATOR: 5}, False, False),
    (
        "重要数据：数据提供单位审核",
        {"kinds": FIRST_TIME, "classification_any": [C.IMPORTANT]},
        {S.PROVIDER: 5},
        False,
        False,
    ),
    (
        "个人信息字段：安全审查",
        {"kinds": FIRST_TIME, "personal": Flag.YES},
        {S.SECURITY: 5},
        False,
        False,
    ),
    (
        "续期涉及敏感个人信息：监管方终审",
        {"kinds": [K.RENEWAL], "sensitive": Flag.YES},
        {S.REGULATOR: 3},
        False,
        False,
    ),
    (
        "续期涉及重要数据：监管方终审",
        {"kinds": [K.RENEWAL], "classification_any": [C.IMPORTANT]},
        {S.REGULATOR: 3},
        False,
        False,
    ),
    (
        "敏感个人信息字段：监管方终审",
        {"sensitive": Flag.YES},
        {S.REGULATOR: 5},
        False,
        False,
    ),
    (
        "重要数据：监管方终审",
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
