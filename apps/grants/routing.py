"""Which approval steps an application gets: a pure function of its facts and a rule set.

Rules are read in order. Every matching rule adds its steps; the first rule that adds a
step sets that step's deadline (so a renewal rule placed early gives a shorter one). A
matching rule marked `final` ends the reading. A matching `automatic` rule is always
final: when no earlier rule added a step, the route is automatic (the automated checks
alone decide). A route that is neither automatic nor has a step gets the operator's
review (`fallback`), so that no application is ever approved by the absence of a rule.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from apps.grants.choices import STEP_ORDER, ApplicationKind, Flag, StepKind, UseType

FALLBACK_DAYS = 5


@dataclass(frozen=True)
class ApplicationFacts:
    """What routing knows of an application (the products and applications apps build
    it; routing never reads them)."""

    classifications: frozenset[str]  # of the source resources: core/important/general
    open_types: frozenset[str]  # of the source resources: unconditional/conditional/...
    personal: bool  # some requested field is personal (or sensitive personal) information
    sensitive: bool  # some requested field is sensitive personal information
    use_type: str = UseType.INDUSTRIAL
    delivery_modes: frozenset[str] = frozenset()
    kind: str = ApplicationKind.NEW

    def __post_init__(self):
        object.__setattr__(self, "classifications", frozenset(self.classifications))
        object.__setattr__(self, "open_types", frozenset(self.open_types))
        object.__setattr__(self, "delivery_modes", frozenset(self.delivery_modes))
        # Sensitive personal information is personal information.
        object.__setattr__(self, "personal", bool(self.personal or self.sensitive))


def _flag(wanted: str, value: bool) -> bool:
    return wanted == Flag.ANY or (wanted == Flag.YES) == value


@dataclass(frozen=True)
class Conditions:
    """Every condition must hold; an empty list or `any` does not restrict.

    `classification_any`: some source resource has one of these classifications;
    `classification_all`: every source resource has one of these;
    `open_type_all`: every source resource has one of these open types;
    `delivery_any`: some delivery mode is one of these.
    """

    kinds: tuple[str, ...] = ()
    classification_any: tuple[str, ...] = ()
    classification_all: tuple[str, ...] = ()
    open_type_all: tuple[str, ...] = ()
    personal: str = Flag.ANY
    sensitive: str = Flag.ANY
    use_types: tuple[str, ...] = ()
    delivery_any: tuple[str, ...] = ()

    def holds(self, facts: ApplicationFacts) -> bool:
        return (
            (not self.kinds or facts.kind in self.kinds)
            and (
                not self.classification_any
                or bool(facts.classifications & set(self.classification_any))
            )
            and (
                not self.classification_all or facts.classifications <= set(self.classification_all)
            )
            and (not self.open_type_all or facts.open_types <= set(self.open_type_all))
            and _flag(self.personal, facts.personal)
            and _flag(self.sensitive, facts.sensitive)
            and (not self.use_types or facts.use_type in self.use_types)
            and (not self.delivery_any or bool(facts.delivery_modes & set(self.delivery_any)))
        )

    def to_dict(self) -> dict:
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in self.__dict__.items()
            if value not in ((), Flag.ANY)
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Conditions":
        known = cls.__dataclass_fields__
        values = {}
        for name, value in (data or {}).items():
            if name in known:
                values[name] = tuple(value) if isinstance(value, list | tuple) else value
        return cls(**values)


@dataclass(frozen=True)
class RuleSpec:
    """One rule as routing reads it: a row of `RoutingRule`, or a built-in default."""

    name: str
    conditions: Conditions = field(default_factory=Conditions)
    steps: dict[str, int] = field(default_factory=dict)  # step kind → working days
    automatic: bool = False
    final: bool = False
    id: int | None = None


@dataclass(frozen=True)
class RouteStep:
    kind: str
    days: int
    rule: str  # the name of the rule that set its deadline

    @property
    def label(self) -> str:
        return StepKind(self.kind).label


@dataclass(frozen=True)
class Route:
    steps: tuple[RouteStep, ...]
    automatic: bool
    rule_ids: tuple[int | None, ...]  # the matching rules, in order
    rule_names: tuple[str, ...] = ()
    fallback: bool = False

    @property
    def step_kinds(self) -> tuple[str, ...]:
        return tuple(step.kind for step in self.steps)


def _specs(ruleset) -> list[RuleSpec]:
    return list(ruleset.specs()) if hasattr(ruleset, "specs") else list(ruleset)


def route(facts: ApplicationFacts, ruleset, *, fallback_days: int = FALLBACK_DAYS) -> Route:
    """The steps `facts` get under `ruleset` (a RuleSet or an iterable of RuleSpec)."""
    deadlines: dict[str, RouteStep] = {}
    matched: list[RuleSpec] = []
    automatic = False
    for rule in _specs(ruleset):
        if not rule.conditions.holds(facts):
            continue
        matched.append(rule)
        if rule.automatic:
            automatic = not deadlines
            break
        for kind, days in rule.steps.items():
            deadlines.setdefault(kind, RouteStep(kind, int(days), rule.name))
        if rule.final:
            break
    fallback = not automatic and not deadlines
    if fallback:
        deadlines[StepKind.OPERATOR] = RouteStep(StepKind.OPERATOR, fallback_days, "")
    steps = tuple(deadlines[k] for k in STEP_ORDER if k in deadlines)
    return Route(
        steps=() if automatic else steps,
        automatic=automatic,
        rule_ids=tuple(rule.id for rule in matched),
        rule_names=tuple(rule.name for rule in matched),
        fallback=fallback,
    )


def specs_of(rules: Iterable) -> list[RuleSpec]:
    """RuleSpecs of `RoutingRule` rows (in their order)."""
    return [
        RuleSpec(
            name=rule.name,
            conditions=Conditions.from_dict(rule.conditions),
            steps={k: int(v) for k, v in (rule.steps or {}).items()},
            automatic=rule.automatic,
            final=rule.final,
            id=rule.pk,
        )
        for rule in rules
    ]
