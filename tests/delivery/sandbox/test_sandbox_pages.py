"""The sandbox page of a grant, as people use it in a browser (no script): the holder
writes SQL beside the view's columns, sees the released groups or the refusal in its
language, and the history below; the operator and the regulator read the history;
nobody else gets in."""

import pytest

from apps.delivery.models import SandboxQuery
from apps.grants.issuing import grant_suspend
from tests.conftest import login_web

pytestmark = pytest.mark.django_db
GROUPED = "SELECT legal_rep, count(*) AS n FROM grant_data GROUP BY legal_rep ORDER BY n"


def page_url(grant, ns="portal") -> str:
    return f"/{ns}/grants/{grant.pk}/sandbox/"


def test_the_holder_sees_the_editor_the_columns_with_types_and_examples(
    web, sandbox_grant, merchant
):
    login_web(web, merchant)
    detail = web.get(f"/portal/grants/{sandbox_grant.pk}/").content.decode()
    assert page_url(sandbox_grant) in detail
    page = web.get(page_url(sandbox_grant)).content.decode()
    assert 'name="sql"' in page and "grant_data" in page
    assert "legal_rep" in page and "VARCHAR" in page and "DECIMAL" in page
    assert "credit_code" not in page  # offered by the product, not granted
    assert "?example=1" in page
    filled = web.get(page_url(sandbox_grant) + "?example=1").content.decode()
    assert "GROUP BY &quot;legal_rep&quot;" in filled


def test_a_query_sent_by_the_form_shows_its_groups_and_enters_the_history(
    web, sandbox_grant, merchant
):
    login_web(web, merchant)
    response = web.post(page_url(sandbox_grant), {"sql": GROUPED})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="sandbox-rows"' in page and page.count("<tr>") >= 5
    assert SandboxQuery.objects.get().decision == "accepted"
    assert 'id="sandbox-queries"' in page and "legal_rep, count(*)" in page


def test_a_refusal_shows_its_reason_in_the_current_language(web, sandbox_grant, merchant):
    login_web(web, merchant)
    sql = {"sql": "SELECT count(*) FROM grant_data -- note"}
    response = web.post(page_url(sandbox_grant), sql)
    assert response.status_code == 422
    assert "不接受注释" in response.content.decode() and "sql_comment" in response.content.decode()
    web.cookies["pdp_language"] = "en"
    english = web.post(page_url(sandbox_grant), sql, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Comments are not accepted" in english
    # The history labels past refusals in the reader's language too.
    assert english.count("Comments are not accepted") >= 3  # the result and two history rows
    assert SandboxQuery.objects.filter(refusal_code="sql_comment").count() == 2


def test_a_suspended_grant_shows_why_and_refuses_a_posted_query(
    web, sandbox_grant, merchant, regulator
):
    grant_suspend(grant=sandbox_grant, user=regulator, reason="整改")
    login_web(web, merchant)
    page = web.get(page_url(sandbox_grant)).content.decode()
    assert 'id="sandbox-unavailable"' in page and 'name="sql"' not in page
    response = web.post(page_url(sandbox_grant), {"sql": GROUPED})
    assert response.status_code == 403 and "grant_suspended" in response.content.decode()
    assert SandboxQuery.objects.get().refusal_code == "grant_suspended"


def test_the_operator_and_the_regulator_read_the_history_without_an_editor(
    web, sandbox_grant, merchant, operator_admin, regulator
):
    login_web(web, merchant)
    web.post(page_url(sandbox_grant), {"sql": GROUPED})
    web.logout()
    login_web(web, operator_admin)
    assert (
        page_url(sandbox_grant) in web.get(f"/portal/grants/{sandbox_grant.pk}/").content.decode()
    )
    page = web.get(page_url(sandbox_grant)).content.decode()
    assert "legal_rep, count(*)" in page and 'name="sql"' not in page
    assert web.post(page_url(sandbox_grant), {"sql": GROUPED}).status_code == 403
    web.logout()
    login_web(web, regulator)
    console = web.get(page_url(sandbox_grant, "console"))
    assert console.status_code == 200 and "legal_rep, count(*)" in console.content.decode()
    detail = web.get(f"/console/grants/{sandbox_grant.pk}/").content.decode()
    assert page_url(sandbox_grant, "console") in detail
    assert web.post(page_url(sandbox_grant, "console"), {"sql": GROUPED}).status_code == 405
    assert SandboxQuery.objects.count() == 1


def test_the_provider_outsiders_and_anonymous_visitors_are_kept_out(
    web, sandbox_grant, provider, outsider, operator_admin
):
    assert web.get(page_url(sandbox_grant)).status_code == 302  # to the sign-in page
    login_web(web, provider)
    assert web.get(page_url(sandbox_grant)).status_code == 403
    assert (
        page_url(sandbox_grant)
        not in web.get(f"/portal/grants/{sandbox_grant.pk}/").content.decode()
    )
    web.logout()
    login_web(web, outsider)
    assert web.get(page_url(sandbox_grant)).status_code == 404
    assert web.post(page_url(sandbox_grant), {"sql": GROUPED}).status_code == 404
    web.logout()
    login_web(web, operator_admin)
    assert web.get(page_url(sandbox_grant, "console")).status_code == 403
    assert not SandboxQuery.objects.exists()


def test_every_example_query_on_the_page_is_accepted(web, sandbox_grant, merchant):
    from apps.delivery import pages, sandbox
    from apps.delivery.scoped import scoped_data

    examples = pages.examples(sandbox.view_columns(scoped_data(sandbox_grant)))
    assert len(examples) == 4
    login_web(web, merchant)
    for sql in examples:
        response = web.post(page_url(sandbox_grant), {"sql": sql})
        assert response.status_code == 200, (sql, response.content.decode()[-2000:])
        assert 'id="sandbox-rows"' in response.content.decode()
    assert set(SandboxQuery.objects.values_list("decision", flat=True)) == {"accepted"}


def test_on_the_demo_grant_every_example_is_accepted_and_decimals_read_as_typed(
    web, tmp_path, settings
):
    """The demo's view starts with credit_code (one company a value) and has a date: the
    examples group by year, never by the identifier, so none is refused; and a decimal
    of the view (DECIMAL(38,10)) reads 10.7, not 10.7000000000."""
    import re
    from io import StringIO

    from django.core.management import call_command

    from apps.accounts.models import User
    from apps.delivery import pages, sandbox
    from apps.delivery.quotas import counters
    from apps.delivery.scoped import scoped_data
    from apps.grants.models import Grant

    counters().clear()
    settings.OPERATORS_FILES_DIR = tmp_path / "operators"
    call_command("seed_demo", force=True, stdout=StringIO())
    grant = Grant.objects.get(merchant__code="merchant-a", product__use_type="industrial")
    examples = pages.examples(sandbox.view_columns(scoped_data(grant)))
    assert not any('GROUP BY "credit_code"' in sql for sql in examples), examples
    web.force_login(User.objects.get(username="merchant-a"))
    for index, sql in enumerate(examples):
        filled = web.get(f"{page_url(grant)}?example={index}").content.decode()
        assert "grant_data" in filled
        response = web.post(page_url(grant), {"sql": sql})
        page = response.content.decode()
        assert response.status_code == 200 and 'id="sandbox-rows"' in page, (sql, page[-1500:])
        cells = re.findall(
            r"<td>([^<]*)</td>", page.split('id="sandbox-rows"')[1].split("</table>")[0]
        )
        assert cells and not [c for c in cells if re.fullmatch(r"-?\d+\.\d*0", c)], (sql, cells)
    decisions = set(SandboxQuery.objects.filter(grant=grant).values_list("decision", flat=True))
    assert decisions == {"accepted"}
