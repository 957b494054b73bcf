"""route(facts, ruleset): every classification and personal-data combination under the
built-in rules, the automatic path, renewals, and the reading order of rules."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.grants.choices import ApplicationKind as K
from apps.grants.choices import Classification as C
from apps.grants.choices import DeliveryMode as D
from apps.grants.choices import Flag
from apps.grants.choices import OpenType as O
from apps.grants.choices import StepKind as S
from apps.grants.choices import UseType as U
from apps.grants.defaults import default_specs
from apps.grants.routing import ApplicationFacts, Conditions, RuleSpec, route

DEFAULTS = default_specs()
AUTHORIZABLE = [C.IMPORTANT, C.GENERAL]
PERSONAL_LEVELS = ["none", "personal", "sensitive"]


def facts(classes, personal="none", *, open_types=(O.CONDITIONAL,), use=U.INDUSTRIAL, kind=K.NEW):
    return ApplicationFacts(
        classifications=frozenset(classes),
        open_types=frozenset(open_types),
        personal=personal != "none",
        sensitive=personal == "sensitive",
        use_type=use,
        delivery_modes=frozenset({D.API_PULL}),
        kind=kind,
    )


def expected_new(classes, personal) -> tuple:
    """The defaults of issue 10 §3 for a new application, written out independently."""
    steps = [S.OPERATOR]
    if C.IMPORTANT in classes:
        steps.append(S.PROVIDER)
    if personal != "none":
        steps.append(S.SECURITY)
    if personal == "sensitive" or C.IMPORTANT in classes:
        steps.append(S.REGULATOR)
    return tuple(steps)


CLASS_SETS = [
    frozenset(c)
    for n in (1, 2)
    for c in itertools.combinations([C.IMPORTANT, C.GENERAL, C.CORE], n)
]


@pytest.mark.parametrize("classes", CLASS_SETS, ids=lambda c: "+".join(sorted(c)))
@pytest.mark.parametrize("personal", PERSONAL_LEVELS)
@pytest.mark.parametrize("use", U.values)
def test_each_classification_and_personal_data_combination_gets_the_default_steps(
    classes, personal, use
):
    result = route(facts(classes, personal, use=use), DEFAULTS)
    assert not result.automatic and not result.fallback
    assert result.step_kinds == expected_new(classes, personal)


def test_open_general_data_for_public_welfare_without_personal_fields_is_automatic():
    result = route(facts([C.GENERAL], open_types=[O.UNCONDITIONAL], use=U.PUBLIC_WELFARE), DEFAULTS)
    assert result.automatic and result.steps == ()
    assert result.rule_names == (DEFAULTS[0].name,)


@pytest.mark.parametrize(
    "change",
    [
        dict(classes=[C.GENERAL, C.IMPORTANT]),
        dict(open_types=[O.UNCONDITIONAL, O.CONDITIONAL]),
        dict(use=U.INDUSTRIAL),
        dict(personal="personal"),
        dict(personal="sensitive"),
    ],
)
def test_one_fact_off_the_automatic_path_brings_the_review_back(change):
    base = dict(classes=[C.GENERAL], open_types=[O.UNCONDITIONAL], use=U.PUBLIC_WELFARE)
    base.update(change)
    classes = base.pop("classes")
    result = route(facts(classes, base.pop("personal", "none"), **base), DEFAULTS)
    assert not result.automatic and result.step_kinds[0] == S.OPERATOR


@pytest.mark.parametrize("classes", [[C.GENERAL], [C.IMPORTANT]])
@pytest.mark.parametrize("personal", PERSONAL_LEVELS)
def test_a_renewal_gets_a_shorter_route(classes, personal):
    result = route(facts(classes, personal, kind=K.RENEWAL), DEFAULTS)
    steps = dict((s.kind, s.days) for s in result.steps)
    assert steps[S.OPERATOR] == 3
    assert S.PROVIDER not in steps and S.SECURITY not in steps
    signs_off = personal == "sensitive" or C.IMPORTANT in classes
    assert (S.REGULATOR in steps) == signs_off
    if signs_off:
        assert steps[S.REGULATOR] == 3


def test_an_amendment_has_the_first_time_steps_with_a_shorter_operator_review():
    result = route(facts([C.IMPORTANT], "personal", kind=K.AMENDMENT), DEFAULTS)
    assert result.step_kinds == (S.OPERATOR, S.PROVIDER, S.SECURITY, S.REGULATOR)
    assert result.steps[0].days == 3


def test_the_first_rule_that_adds_a_step_sets_its_deadline_and_final_stops_the_reading():
    rules = [
        RuleSpec("short", Conditions(personal=Flag.YES), {S.OPERATOR: 2}, id=1),
        RuleSpec("long", Conditions(), {S.OPERATOR: 9, S.SECURITY: 4}, final=True, id=2),
        RuleSpec("never read", Conditions(), {S.REGULATOR: 1}, id=3),
    ]
    result = route(facts([C.GENERAL], "personal"), rules)
    assert [(s.kind, s.days) for s in result.steps] == [(S.OPERATOR, 2), (S.SECURITY, 4)]
    assert result.rule_ids == (1, 2)


def test_an_automatic_rule_after_a_step_was_added_does_not_skip_the_step():
    rules = [RuleSpec("always", Conditions(), {S.OPERATOR: 5}), RuleSpec("auto", automatic=True)]
    result = route(facts([C.GENERAL]), rules)
    assert not result.automatic and result.step_kinds == (S.OPERATOR,)


def test_no_matching_rule_falls_back_to_the_operators_review():
    result = route(facts([C.GENERAL]), [])
    assert result.fallback and result.step_kinds == (S.OPERATOR,)


@given(
    classes=st.sets(st.sampled_from(C.values), min_size=1),
    open_types=st.sets(st.sampled_from(O.values), min_size=1),
    personal=st.sampled_from(PERSONAL_LEVELS),
    use=st.sampled_from(U.values),
    kind=st.sampled_from(K.values),
)
def test_any_application_is_either_automatic_or_reviewed_by_its_operator_first(
    classes, open_types, personal, use, kind
):
    result = route(facts(classes, personal, open_types=open_types, use=use, kind=kind), DEFAULTS)
    automatic = (
        classes == {C.GENERAL}
        and open_types == {O.UNCONDITIONAL}
        and personal == "none"
        and use == U.PUBLIC_WELFARE
    )
    assert result.automatic == automatic
    if not automatic:
        assert result.step_kinds[0] == S.OPERATOR
        # Sensitive personal fields and important data always reach the regulator.
        if personal == "sensitive" or C.IMPORTANT in classes:
            assert result.step_kinds[-1] == S.REGULATOR


def test_conditions_survive_a_round_trip_through_their_stored_form():
    conditions = Conditions(kinds=(K.NEW,), personal=Flag.NO, classification_all=(C.GENERAL,))
    assert Conditions.from_dict(conditions.to_dict()) == conditions
    assert Conditions.from_dict({"unknown": 1}) == Conditions()
