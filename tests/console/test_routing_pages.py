"""Console: routing rule versions, the structured rule editor (no JSON, no JavaScript),
publishing, the route preview and the holiday calendar."""

import pytest

from apps.accounts.choices import OrganizationKind, Role
from apps.grants import services
from apps.grants.choices import RuleSetStatus, StepKind
from apps.grants.models import Holiday, RoutingRule, RuleSet
from tests.conftest import login_web
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg_web(web, regulator):
    return login_web(web, regulator)


@pytest.fixture
def published(regulator):
    RuleSet.objects.all().delete()
    ruleset = services.ruleset_draft_create(user=regulator)
    return services.ruleset_publish(user=regulator, ruleset=ruleset)


def test_the_versions_page_lists_versions_and_creates_a_draft(reg_web, published):
    page = reg_web.get("/console/routing/").content.decode()
    assert f"v{published.version}" in page
    # the draft's note is a form field like any other (its label above its box), and the
    # active version's badge reads "Active" in English
    assert '<div class="field"><label for="note">' in page
    english = reg_web.get("/console/routing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Active</span>" in english and ">active<" not in english
    response = reg_web.post("/console/routing/new/", {"note": "收紧个人信息"})
    draft = RuleSet.objects.get(status=RuleSetStatus.DRAFT)
    assert response.url == f"/console/routing/{draft.pk}/"
    assert draft.note == "收紧个人信息"


def test_a_rule_is_added_with_check_boxes_and_numbers_then_the_draft_is_published(
    reg_web, regulator, published
):
    draft = services.ruleset_draft_create(user=regulator)
    assert (
        "step_security" in reg_web.get(f"/console/routing/{draft.pk}/rules/new/").content.decode()
    )
    response = reg_web.post(
        f"/console/routing/{draft.pk}/rules/new/",
        {
            "name": "工业用途个人信息",
            "position": "1",
            "personal": "yes",
            "sensitive": "any",
            "use_types": ["industrial"],
            "step_security": "2",
        },
    )
    assert response.status_code == 302
    rule = draft.rules.get(name="工业用途个人信息")
    assert rule.conditions == {"use_types": ["industrial"], "personal": "yes"}
    assert rule.steps == {StepKind.SECURITY: 2}
    page = reg_web.get(f"/console/routing/{draft.pk}/").content.decode()
    assert "工业用途个人信息" in page
    reg_web.post(f"/console/routing/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == RuleSetStatus.PUBLISHED


def test_an_invalid_rule_shows_its_errors_on_the_form(reg_web, regulator, published):
    draft = services.ruleset_draft_create(user=regulator)
    response = reg_web.post(
        f"/console/routing/{draft.pk}/rules/new/",
        {"name": "x", "position": "1", "personal": "any", "sensitive": "any",
         "automatic": "on", "step_operator": "3"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not draft.rules.filter(name="x").exists()
    assert 'class="error"' in response.content.decode()


def test_editing_a_rule_of_a_published_version_is_refused(reg_web, published):
    rule = published.rules.first()
    response = reg_web.post(
        f"/console/routing/rules/{rule.pk}/",
        {"name": "改", "position": "1", "personal": "any", "sensitive": "any"},
    )
    assert response.status_code == 200
    assert RoutingRule.objects.get(pk=rule.pk).name == rule.name


def test_the_preview_shows_the_steps_for_the_facts(reg_web, published):
    base = {"version": published.pk, "kind": "new", "use_type": "industrial",
            "open_types": ["conditional"]}  # fmt: skip
    page = reg_web.get(
        "/console/routing/preview/",
        {**base, "classifications": ["important"], "sensitive": "on"},
    ).content.decode()
    route = page.split('id="route"')[1]
    for kind in ("operator", "provider", "security", "regulator"):
        assert f'data-step="{kind}"' in route
    automatic = reg_web.get(
        "/console/routing/preview/",
        {**base, "classifications": ["general"], "open_types": ["unconditional"],
         "use_type": "public_welfare"},
    ).content.decode()  # fmt: skip
    assert "data-step=" not in automatic.split('id="route"')[1]


def test_a_regulator_member_reads_but_cannot_edit(web, regulator, published):
    reader = member(
        OrganizationKind.REGULATOR, role=Role.MEMBER, organization=regulator.organization,
        username="reader",
    )  # fmt: skip
    from tests.factories import totp_device

    totp_device(reader)
    login_web(web, reader)
    assert web.get(f"/console/routing/{published.pk}/").status_code == 200
    assert web.post("/console/routing/new/").status_code == 403
    assert web.post("/console/holidays/", {"day": "2031-01-01", "name": "x"}).status_code == 403
    assert not RuleSet.objects.filter(status=RuleSetStatus.DRAFT).exists()


def test_an_operator_cannot_open_the_routing_console(web, operator_admin, published):
    login_web(web, operator_admin)
    assert web.get("/console/routing/").status_code == 403
    assert web.get("/console/holidays/").status_code == 403


def test_the_holiday_calendar_adds_imports_and_removes_days(reg_web):
    reg_web.post("/console/holidays/", {"day": "2031-01-01", "name": "元旦", "kind": "holiday"})
    assert Holiday.objects.filter(name="元旦").exists()
    response = reg_web.post(
        "/console/holidays/import/",
        {"year": "2031", "text": "2031-10-01 国庆节\n2031-09-28 国庆调休 workday"},
    )
    assert response.status_code == 302
    assert Holiday.objects.filter(day__year=2031).count() == 2  # the import replaced the year
    page = reg_web.get("/console/holidays/?year=2031").content.decode()
    assert "国庆调休" in page
    day = Holiday.objects.get(name="国庆节")
    reg_web.post(f"/console/holidays/{day.pk}/delete/")
    assert not Holiday.objects.filter(pk=day.pk).exists()


def test_a_bad_import_line_is_shown_on_the_form(reg_web):
    response = reg_web.post("/console/holidays/import/", {"year": "2031", "text": "不是日期"})
    assert response.status_code == 200
    assert "1" in response.content.decode() and not Holiday.objects.exists()


def test_the_built_in_rule_set_note_reads_in_the_pages_language(reg_web):
    """Written by a migration in English; shown in the reader's language."""
    assert RuleSet.objects.filter(note="Built-in defaults").exists()
    reg_web.cookies["pdp_language"] = "zh-hans"
    assert "内置默认规则" in reg_web.get("/console/routing/").content.decode()
    reg_web.cookies["pdp_language"] = "en"
    assert "Built-in defaults" in reg_web.get("/console/routing/").content.decode()
