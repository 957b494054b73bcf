"""Rule set versions: draft → publish, published versions never change, every change
audited, only regulator admins and reviewers write; the holiday calendar's services."""

from datetime import date

import pytest

from apps.accounts.choices import OrganizationKind, Role
from apps.audit.models import AuditEvent
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.grants import selectors, services
from apps.grants.choices import DayKind, RuleSetStatus, StepKind
from apps.grants.defaults import DEFAULT_RULES
from apps.grants.models import Holiday, RuleSet
from apps.grants.routing import ApplicationFacts, route
from tests.factories import member

pytestmark = pytest.mark.django_db

RULE = {
    "name": "个人信息：安全审查",
    "position": 5,
    "conditions": {"personal": "yes"},
    "steps": {StepKind.SECURITY: 2},
}


def last_event() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def regulator_member(regulator):
    return member(
        OrganizationKind.REGULATOR, role=Role.MEMBER, organization=regulator.organization,
        username="regulator_member",
    )  # fmt: skip


def test_the_built_in_rules_are_published_as_version_one_by_the_migration():
    import importlib

    from django.apps import apps

    RuleSet.objects.all().delete()
    importlib.import_module("apps.grants.migrations.0002_default_rules").seed(apps, None)
    active = selectors.active_ruleset()
    assert active.version == 1 and active.status == RuleSetStatus.PUBLISHED
    assert active.rules.count() == len(DEFAULT_RULES)


def test_a_draft_copies_the_active_version_then_publishing_makes_it_active(regulator):
    RuleSet.objects.all().delete()
    first = services.ruleset_draft_create(user=regulator, note="初版")
    assert first.rules.count() == len(DEFAULT_RULES)  # nothing published: the defaults
    services.ruleset_publish(user=regulator, ruleset=first)
    second = services.ruleset_draft_create(user=regulator)
    assert second.version == first.version + 1
    assert [r.name for r in second.rules.all()] == [r.name for r in first.rules.all()]
    services.rule_save(user=regulator, ruleset=second, data=RULE)
    assert selectors.active_ruleset() == first  # a draft is not active
    services.ruleset_publish(user=regulator, ruleset=second)
    assert selectors.active_ruleset() == second
    facts = ApplicationFacts({"general"}, {"conditional"}, personal=True, sensitive=False)
    security = [s for s in route(facts, second).steps if s.kind == StepKind.SECURITY]
    assert security[0].days == 2


def test_a_published_version_never_changes(regulator):
    RuleSet.objects.all().delete()
    ruleset = services.ruleset_draft_create(user=regulator)
    services.ruleset_publish(user=regulator, ruleset=ruleset)
    rule = ruleset.rules.first()
    for call in (
        lambda: services.rule_save(user=regulator, ruleset=ruleset, data=RULE),
        lambda: services.rule_save(user=regulator, ruleset=ruleset, rule=rule, data=RULE),
        lambda: services.rule_delete(user=regulator, rule=rule),
        lambda: services.ruleset_publish(user=regulator, ruleset=ruleset),
    ):
        with pytest.raises(TransitionNotAllowed):
            call()
    assert ruleset.rules.count() == len(DEFAULT_RULES)


def test_one_draft_at_a_time(regulator):
    services.ruleset_draft_create(user=regulator)
    with pytest.raises(TransitionNotAllowed):
        services.ruleset_draft_create(user=regulator)


def test_a_bad_rule_is_refused_with_details(regulator):
    draft = services.ruleset_draft_create(user=regulator)
    with pytest.raises(InvalidInput) as refused:
        services.rule_save(
            user=regulator, ruleset=draft,
            data={"name": "", "steps": {StepKind.OPERATOR: 0}, "automatic": True},
        )  # fmt: skip
    assert {"name", "steps"} <= set(refused.value.details)
    with pytest.raises(InvalidInput) as refused:
        services.rule_save(
            user=regulator, ruleset=draft,
            data={"name": "x", "steps": {StepKind.OPERATOR: 3}, "automatic": True},
        )  # fmt: skip
    assert "automatic" in refused.value.details


def test_every_change_is_audited(regulator):
    start = last_event()
    draft = services.ruleset_draft_create(user=regulator)
    rule = services.rule_save(user=regulator, ruleset=draft, data=RULE)
    services.rule_save(user=regulator, ruleset=draft, rule=rule, data={**RULE, "name": "改"})
    services.rule_delete(user=regulator, rule=rule)
    services.ruleset_publish(user=regulator, ruleset=draft)
    actions = list(
        AuditEvent.objects.filter(id__gt=start).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "grants.ruleset.create",
        "grants.rule.create",
        "grants.rule.update",
        "grants.rule.delete",
        "grants.ruleset.publish",
    ]


def test_other_regulator_users_and_other_organizations_cannot_write(
    regulator_member, operator_admin
):
    for user in (regulator_member, operator_admin):
        with pytest.raises(PermissionDeniedError):
            services.ruleset_draft_create(user=user)
        with pytest.raises(PermissionDeniedError):
            services.holiday_add(user=user, day=date(2031, 1, 1), name="元旦")
    assert list(selectors.ruleset_list(user=operator_admin)) == []
    assert selectors.ruleset_list(user=regulator_member).exists()


def test_holidays_added_removed_and_a_year_imported(regulator):
    start = last_event()
    day = services.holiday_add(user=regulator, day=date(2031, 1, 1), name="元旦")
    services.holiday_remove(user=regulator, holiday=day)
    text = "# 2031\n2031-10-01 国庆节\n2031-10-02,国庆节\n2031-09-28 国庆调休 workday\n\n"
    assert services.holidays_import(user=regulator, year=2031, text=text) == 3
    assert services.holidays_import(user=regulator, year=2031, text=text) == 3  # replaces
    kinds = dict(Holiday.objects.filter(day__year=2031).values_list("day", "kind"))
    assert kinds[date(2031, 9, 28)] == DayKind.WORKDAY
    assert kinds[date(2031, 10, 1)] == DayKind.HOLIDAY
    actions = set(AuditEvent.objects.filter(id__gt=start).values_list("action", flat=True))
    assert {"grants.holiday.set", "grants.holiday.remove", "grants.holiday.import"} <= actions


def test_an_import_with_a_bad_line_names_it_and_changes_nothing(regulator):
    services.holiday_add(user=regulator, day=date(2031, 1, 1), name="元旦")
    with pytest.raises(InvalidInput) as refused:
        services.holidays_import(
            user=regulator, year=2031, text="2031-10-01 国庆\n2030-01-01 x\nbad"
        )
    assert "2, 3" in str(refused.value.message)
    assert Holiday.objects.filter(day__year=2031).count() == 1


def test_routing_now_uses_the_active_version_and_says_which(regulator):
    facts = ApplicationFacts({"important"}, {"conditional"}, personal=False, sensitive=False)
    RuleSet.objects.all().delete()
    version, result = selectors.route_now(facts)
    assert version is None and result.step_kinds[-1] == StepKind.REGULATOR  # built-in rules
    draft = services.ruleset_draft_create(user=regulator)
    draft.rules.exclude(name="运营机构始终审核").delete()
    services.ruleset_publish(user=regulator, ruleset=draft)
    version, result = selectors.route_now(facts)
    assert version == draft and result.step_kinds == (StepKind.OPERATOR,)
