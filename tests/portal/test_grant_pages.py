"""Portal pages of grants: the merchant's grant with its scope and masking, keys bound
and unbound, renewal drafts; the operator suspends, resumes and revokes (a reason is
required); nobody else sees them."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from django.utils.translation import gettext

from apps.accounts import services as accounts
from apps.accounts.choices import OrganizationKind, Role
from apps.grants.choices import ApplicationKind
from apps.grants.choices import GrantStatus as G
from apps.grants.models import AccessApplication, GrantKey
from apps.workflow.history import history_for
from apps.workflow.models import Notification
from tests.conftest import login_web
from tests.factories import member
from tests.grants.web import granted

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(listed, merchant, operator_admin):
    return granted(listed, merchant, operator_admin)


@pytest.fixture
def merchant_member(merchant):
    return member(
        OrganizationKind.MERCHANT,
        role=Role.MEMBER,
        organization=merchant.organization,
        username="merchant_member",
    )


def test_the_merchant_sees_the_grant_with_its_scope_quota_and_term(web, grant, merchant):
    login_web(web, merchant)
    assert grant.number in web.get("/portal/grants/").content.decode()
    page = web.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert "credit_code" in page
    assert str(grant.calls_per_day) in page
    assert grant.ends_at.strftime("%Y-%m-%d") in page
    assert "revoke-grant" not in page  # the merchant does not decide


def test_the_approval_notification_links_to_the_application_page(web, grant, merchant):
    login_web(web, merchant)
    note = Notification.objects.filter(verb="grants.application.approved").get()
    assert note.link == f"/portal/applications/{grant.application_id}/"
    page = web.get(note.link).content.decode()
    assert f"/portal/grants/{grant.pk}/" in page


def test_the_merchant_binds_and_unbinds_a_key(web, grant, merchant):
    key, _raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name="生产环境"
    )
    login_web(web, merchant)
    page = web.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert f'<option value="{key.pk}">' in page
    web.post(f"/portal/grants/{grant.pk}/keys/bind/", {"api_key": key.pk})
    assert GrantKey.objects.get().api_key == key
    # bound keys are not offered again; binding twice is refused with a message
    assert (
        f'<option value="{key.pk}">' not in web.get(f"/portal/grants/{grant.pk}/").content.decode()
    )
    response = web.post(f"/portal/grants/{grant.pk}/keys/bind/", {"api_key": key.pk}, follow=True)
    assert "已绑定" in response.content.decode() or "already bound" in response.content.decode()
    web.post(f"/portal/grants/{grant.pk}/keys/unbind/", {"api_key": key.pk})
    assert not GrantKey.objects.exists()


def test_a_renewal_draft_is_created_from_the_grant(web, grant, merchant):
    login_web(web, merchant)
    response = web.post(f"/portal/grants/{grant.pk}/follow-up/", {"kind": "renewal"})
    draft = AccessApplication.objects.get(previous_grant=grant)
    assert draft.kind == ApplicationKind.RENEWAL
    assert response.url == f"/portal/applications/{draft.pk}/edit/"
    assert draft.purpose == grant.application.purpose  # nothing re-typed
    page = web.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert f"/portal/applications/{draft.pk}/" in page  # the open follow-up


def test_the_operator_suspends_resumes_and_revokes_with_a_reason(web, grant, operator_admin):
    login_web(web, operator_admin)
    assert grant.number in web.get("/portal/grants/").content.decode()
    response = web.post(f"/portal/grants/{grant.pk}/suspend/", {"reason": " "}, follow=True)
    grant.refresh_from_db()
    assert grant.status == G.ACTIVE
    assert "原因" in response.content.decode() or "reason" in response.content.decode()
    web.post(f"/portal/grants/{grant.pk}/suspend/", {"reason": "核查异常调用"})
    grant.refresh_from_db()
    assert grant.status == G.SUSPENDED
    web.post(f"/portal/grants/{grant.pk}/resume/", {"reason": ""})
    grant.refresh_from_db()
    assert grant.status == G.ACTIVE
    web.post(f"/portal/grants/{grant.pk}/revoke/", {"reason": "违反使用条款"})
    grant.refresh_from_db()
    assert grant.status == G.REVOKED


def test_an_invalid_note_refuses_the_action_instead_of_being_dropped(web, grant, operator_admin):
    """A resume note over 2,000 characters (or with a NUL) was dropped and the grant resumed
    without it: the note the history and the merchant would read was lost silently."""
    login_web(web, operator_admin)
    web.post(f"/portal/grants/{grant.pk}/suspend/", {"reason": "核查异常调用"})
    for note in ("说明" * 1001, "a\x00b"):
        response = web.post(
            f"/portal/grants/{grant.pk}/resume/", {"reason": note}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 302
        grant.refresh_from_db()
        assert grant.status == G.SUSPENDED
    shown = web.get(f"/portal/grants/{grant.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Null characters are not allowed" in shown
    web.post(f"/portal/grants/{grant.pk}/resume/", {"reason": "已核实"})
    grant.refresh_from_db()
    assert grant.status == G.ACTIVE
    assert history_for(grant).last().note == "已核实"


def test_outsiders_get_404_and_the_merchant_cannot_decide(web, grant, merchant, outsider):
    login_web(web, outsider)
    assert web.get(f"/portal/grants/{grant.pk}/").status_code == 404
    assert web.post(f"/portal/grants/{grant.pk}/keys/bind/", {"api_key": 1}).status_code == 404
    assert web.post(f"/portal/grants/{grant.pk}/follow-up/", {"kind": "renewal"}).status_code == 404
    assert grant.number not in web.get("/portal/grants/").content.decode()
    web.logout()
    login_web(web, merchant)
    assert web.post(f"/portal/grants/{grant.pk}/revoke/", {"reason": "x"}).status_code == 403
    grant.refresh_from_db()
    assert grant.status == G.ACTIVE


def test_a_member_may_renew_but_only_an_admin_binds_keys(web, grant, merchant_member):
    login_web(web, merchant_member)
    page = web.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert "renew-grant" in page and "bind-key" not in page
    assert web.post(f"/portal/grants/{grant.pk}/keys/bind/", {"api_key": 1}).status_code == 403


def test_the_operator_sees_no_renewal_buttons(web, grant, operator_admin):
    login_web(web, operator_admin)
    page = web.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert "renew-grant" not in page and "revoke-grant" in page


def test_a_party_who_cannot_open_the_application_gets_no_link_to_it(web, grant, merchant, provider):
    link = f'href="/portal/applications/{grant.application_id}/"'
    login_web(web, provider)
    page = web.get(f"/portal/grants/{grant.pk}/")
    assert page.status_code == 200  # the provider sees the grant over its data
    assert f"#{grant.application_id}" in page.content.decode()
    assert link not in page.content.decode()
    assert web.get(f"/portal/applications/{grant.application_id}/").status_code == 404
    web.logout()
    login_web(web, merchant)
    assert link in web.get(f"/portal/grants/{grant.pk}/").content.decode()


def test_a_freshly_issued_grant_shows_its_issue_in_its_history(web, grant, merchant):
    # given a grant just issued from its approved application
    (issued,) = history_for(grant)
    assert (issued.from_status, issued.to_status) == ("", G.ACTIVE)
    # when its holder opens it (in the default language)
    login_web(web, merchant)
    page = web.get(f"/portal/grants/{grant.pk}/").content.decode()
    # then the history holds the issue, with the application it came from
    history = page.split('id="grant-history"')[1].split("</section>")[0]
    with translation.override("zh-hans"):
        note = gettext("Issued on the approval of application #%(id)d.") % {
            "id": grant.application_id
        }
        active = str(G.ACTIVE.label)
    assert note in history and f"<td>{active}</td>" in history and "history-empty" not in history
    assert f'href="/portal/applications/{grant.application_id}/">#' in history


def test_a_grant_without_history_says_so_instead_of_an_empty_table(web, grant, operator_admin):
    history_for(grant).delete()  # a grant issued before its issue was recorded
    login_web(web, operator_admin)
    page = web.get(f"/portal/grants/{grant.pk}/").content.decode()
    history = page.split('id="grant-history"')[1].split("</section>")[0]
    assert 'id="history-empty"' in history and "<table" not in history


def test_the_grant_actions_are_labelled_by_their_action(web, grant, operator_admin):
    login_web(web, operator_admin)
    page = web.get(f"/portal/grants/{grant.pk}/").content.decode()
    actions = BeautifulSoup(page, "html.parser").select_one("#grant-actions")
    with translation.override("zh-hans"):
        suspend, revoke = gettext("Suspend"), gettext("Revoke")
    labels = {
        field["id"]: actions.find("label", attrs={"for": field["id"]}).get_text(strip=True)
        for field in actions.select("textarea")
    }
    assert labels["suspend-reason"].startswith(f"{suspend}：")  # a Chinese colon
    assert labels["revoke-reason"].startswith(f"{revoke}：")
    assert "visually-hidden" not in str(actions) and "placeholder" not in str(actions)


def test_a_grant_issued_before_the_issue_was_recorded_gets_its_first_row(grant):
    """The data migration (grants 0005) gives such a grant its issue row, and only such
    a grant: one with a history keeps it as it is."""
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("apps.grants.migrations.0005_grant_issue_history")
    history_for(grant).delete()
    backfill.forwards(apps, None)
    backfill.forwards(apps, None)  # twice: still one row
    [row] = history_for(grant)
    assert (row.from_status, row.to_status, row.actor) == ("", G.ACTIVE, None)
    assert row.created_at == grant.created_at
    with translation.override("zh-hans"):
        from apps.workflow.system_notes import system_note

        assert system_note(row.note) == f"经申请 #{grant.application_id} 批准签发。"
