"""The regulator's supervision dashboard on the console home: live to-dos first, then the
day's precomputed figures as tables (and chart data), each number linked to its list."""

import json
import re

import pytest
from django.conf import settings
from django.utils import timezone

from apps.catalog import services as catalog
from apps.console import figures
from apps.console.models import DashboardSnapshot
from apps.console.tasks import dashboard_refresh
from apps.grants import approval
from apps.workflow import review
from tests.catalog.conftest import payload
from tests.conftest import login_web
from tests.grants.conftest import run_checks, submitted

pytestmark = pytest.mark.django_db


def home(web, regulator) -> str:
    login_web(web, regulator)
    response = web.get("/console/")
    assert response.status_code == 200
    return response.content.decode()


def chart_block(page: str) -> dict:
    match = re.search(
        r'<script id="dashboard-charts" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, "the chart data block is missing"
    return json.loads(match.group(1))


def test_the_first_visit_computes_the_figures_once_and_later_visits_read_them(
    web, regulator, listed
):
    # given no snapshot yet
    assert not DashboardSnapshot.objects.exists()
    # when the regulator opens the console
    page = home(web, regulator)
    # then today's figures were computed and stored, and the page says when
    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.figures["resources"]["by"]
    assert 'id="figures-as-of"' in page
    # and a later visit reads the stored row: a new registration waits for the refresh
    before = snapshot.figures["resources"]["by"]
    web.get("/console/")
    assert DashboardSnapshot.objects.get().figures["resources"]["by"] == before


def test_registered_resources_are_counted_by_classification_and_open_type_with_links(
    web, regulator, listed
):
    # given the two registered general, conditionally open resources of the world
    figures.dashboard_refresh()
    page = home(web, regulator)
    # then the table cell links the catalog list filtered the same way
    assert '<a href="/catalog/?classification=general&amp;open_type=conditional">2</a>' in page
    # and the chart shows the same numbers, stacked by open type
    chart = chart_block(page)["resources"]
    assert chart["stack"] is True
    conditional = next(s for s in chart["series"] if s["name"] == "有条件开放")
    assert conditional["data"][2] == 2
    assert conditional["links"][2] == "/catalog/?classification=general&open_type=conditional"


def test_the_figures_count_operators_agreements_applications_and_grants(
    web, regulator, listed, merchant, operator_admin
):
    # given an application approved by the operator, so a grant is active
    application = submitted(listed, merchant)
    run_checks(application)
    step = review.steps_for(application).get(decision="pending")
    approval.application_decide(
        application=application, user=operator_admin, step_id=step.pk,
        decision="approved", comment="用途合理",
    )  # fmt: skip
    # when beat refreshes the figures
    result = dashboard_refresh.apply().get()
    assert result["day"] == str(DashboardSnapshot.objects.get().day)
    page = home(web, regulator)
    data = DashboardSnapshot.objects.get().figures
    # then each figure counts what exists
    assert data["operators"]["by_status"] == {"qualified": 1}
    assert data["agreements"]["by_status"] == {"effective": 1}
    assert data["applications"]["by_status"] == {"approved": 1}
    assert data["grants"]["by_status"] == {"active": 1}
    # and links the filtered lists
    assert 'href="/console/operators/?status=qualified">1</a>' in page
    assert 'href="/console/agreements/?status=effective">1</a>' in page
    assert 'href="/console/applications/list/?status=approved">1</a>' in page


def test_median_time_to_decision_is_reported_per_step_kind_against_its_deadline(
    regulator, listed, merchant, operator_admin
):
    application = submitted(listed, merchant)
    run_checks(application)
    step = review.steps_for(application).get(decision="pending")
    approval.application_decide(
        application=application, user=operator_admin, step_id=step.pk,
        decision="approved", comment="用途合理",
    )  # fmt: skip
    by_kind = figures.dashboard_refresh().figures["decision_times"]["by_kind"]
    operator = by_kind["operator"]
    assert operator["decided"] == 1 and operator["late"] == 0
    assert operator["median_hours"] < 1  # decided at once
    assert operator["deadline_hours"] > 24  # the routing gives days, not hours


def test_todos_count_what_waits_and_link_the_queues(web, regulator, provider, listed, merchant):
    # given a resource submitted for registration and an application in review
    resource = catalog.resource_create(user=provider, data=payload(name="待审资源"))
    catalog.resource_submit(resource=resource, user=provider)
    application = submitted(listed, merchant, fields=["credit_code", "legal_rep"])
    run_checks(application)
    page = home(web, regulator)
    registrations = re.search(r'id="todo-registrations">(.*?)</li>', page, re.S).group(1)
    assert 'href="/console/registrations/"' in registrations
    assert '<span class="todo-count">1</span>' in registrations
    # the to-dos are live: no refresh needed
    assert re.search(r'id="todo-reports_late">.*?todo-count">0<', page, re.S)


def test_the_numbers_are_tables_and_the_charts_need_no_inline_script(web, regulator, listed):
    page = home(web, regulator)
    assert page.count('class="figure-table"') >= 6
    assert '<th scope="row">' in page
    # every script is a file or a JSON data block, which CSP does not execute
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert "unsafe-inline" not in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]


def test_the_audit_chain_state_is_shown(web, regulator):
    page = home(web, regulator)
    assert 'id="figure-audit"' in page
    assert 'href="/console/audit/verify/"' in page


def test_the_dashboard_is_cheap_in_queries(web, regulator, listed, django_assert_max_num_queries):
    figures.dashboard_refresh()
    login_web(web, regulator)
    with django_assert_max_num_queries(40):
        assert web.get("/console/").status_code == 200


def test_beat_refreshes_the_dashboard():
    entry = settings.CELERY_BEAT_SCHEDULE["console-dashboard-refresh"]
    assert entry["task"] == "console.dashboard_refresh"


def test_agreements_list_filters_by_status_and_by_ending_soon(web, regulator, effective):
    login_web(web, regulator)

    def listed_agreements(query: str) -> str:
        page = web.get(f"/console/agreements/?{query}").content.decode()
        return page.split('id="all-agreements"')[1]

    ending = (effective.term_end - timezone.localdate()).days
    assert effective.number in listed_agreements(f"ending_within={ending}")
    assert effective.number not in listed_agreements(f"ending_within={ending - 1}")
    assert effective.number in listed_agreements("status=effective")
    assert effective.number not in listed_agreements("status=revoked")


def test_applications_list_filters_by_status(web, regulator, listed, merchant):
    draft = submitted(listed, merchant)
    login_web(web, regulator)
    page = web.get("/console/applications/list/?status=submitted").content.decode()
    assert f">{draft.pk}<" in page
    page = web.get("/console/applications/list/?status=approved").content.decode()
    assert f">{draft.pk}<" not in page


@pytest.mark.parametrize("user", ["operator_admin", "merchant", "provider"])
def test_others_are_refused_the_dashboard_and_its_lists(web, request, user):
    login_web(web, request.getfixturevalue(user))
    for url in ("/console/", "/console/applications/list/"):
        assert web.get(url).status_code == 403


def test_revenue_is_shown_against_each_agreements_cap(
    web, regulator, listed, merchant, operator_admin
):
    from decimal import Decimal

    from apps.delivery.statements import statements_refresh_current
    from apps.operators.models import AuthorizationAgreement
    from tests.delivery.billing import use
    from tests.grants.conftest import issued

    agreement = listed.agreement
    AuthorizationAgreement.objects.filter(pk=agreement.pk).update(max_revenue=Decimal("100.00"))
    use(issued(listed, merchant, operator_admin), calls=30)  # 30 calls at 0.50: 15.00
    statements_refresh_current()
    figures.dashboard_refresh()

    page = home(web, regulator)
    section = page[page.index('id="figure-revenue"') :]
    section = section[: section.index("</section>")]
    assert agreement.number in section and f"/console/agreements/{agreement.pk}/" in section
    assert "15" in section and "100" in section
    chart = chart_block(page)["revenue"]
    assert chart["series"][0]["data"] == [15.0]
