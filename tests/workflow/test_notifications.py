"""In-app notifications: notify writes one row per recipient and an e-mail per the
recipients' preferences; each user reads and marks only their own; the header's unread
count is one query; reminders and review decisions arrive through notify."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.choices import Role
from apps.workflow import notifications as service
from apps.workflow.models import Notification, NotificationCategory, OutboxItem
from apps.workflow.outbox_mail import MAIL_SEND
from tests.conftest import api_for, login_web
from tests.factories import member

pytestmark = pytest.mark.django_db
REMINDER = NotificationCategory.REMINDER


def tell(users, **extra):
    return service.notify(
        category=REMINDER, verb="test.reminder", title="提醒", body="正文", users=users, **extra
    )


def test_notify_writes_a_row_per_recipient_and_one_email(merchant, outsider):
    tell([merchant, outsider], link="/portal/", key="k1")
    assert Notification.objects.filter(recipient=merchant, title="提醒").count() == 1
    mails = OutboxItem.objects.filter(topic=MAIL_SEND, key="k1")
    assert mails.count() == 1
    assert sorted(mails.get().payload["to"]) == sorted([merchant.email, outsider.email])


def test_notify_with_a_key_is_once_however_often_it_runs(merchant):
    tell([merchant], key="once")
    tell([merchant], key="once")
    assert Notification.objects.filter(recipient=merchant).count() == 1
    assert OutboxItem.objects.filter(topic=MAIL_SEND, key="once").count() == 1


def test_notify_an_organization_reaches_the_members_with_the_roles(operator_admin, operator_member):
    service.notify(
        category=REMINDER, verb="x", title="t", organization=operator_admin.organization,
        roles=[Role.ADMIN],
    )  # fmt: skip
    assert Notification.objects.filter(recipient=operator_admin).count() == 1
    assert not Notification.objects.filter(recipient=operator_member).exists()


def test_a_user_who_turned_email_off_gets_the_notification_without_email(merchant):
    service.email_preferences_set(user=merchant, email_on=[NotificationCategory.DECISION])
    tell([merchant], key="quiet")
    assert Notification.objects.filter(recipient=merchant).exists()
    assert not OutboxItem.objects.filter(topic=MAIL_SEND, key="quiet").exists()


def test_the_unread_count_is_one_query(merchant):
    tell([merchant])
    tell([merchant])
    with CaptureQueriesContext(connection) as queries:
        assert service.unread_count(user=merchant) == 2
    assert len(queries) == 1


def test_marking_read_and_all_read(merchant):
    tell([merchant])
    tell([merchant])
    first = Notification.objects.filter(recipient=merchant).first()
    assert service.notification_mark_read(user=merchant, notification_id=first.pk).read_at
    assert service.unread_count(user=merchant) == 1
    assert service.notification_mark_all_read(user=merchant) == 1
    assert service.unread_count(user=merchant) == 0


def test_an_outsider_can_neither_read_nor_mark_anothers_notification(merchant, outsider):
    from django.http import Http404

    tell([merchant])
    mine = Notification.objects.get(recipient=merchant)
    assert list(service.notification_list(user=outsider)) == []
    with pytest.raises(Http404):
        service.notification_mark_read(user=outsider, notification_id=mine.pk)
    assert service.notification_mark_all_read(user=outsider) == 0
    mine.refresh_from_db()
    assert mine.read_at is None


def test_even_the_regulator_does_not_read_a_merchants_notifications(merchant, regulator):
    tell([merchant])
    assert list(service.notification_list(user=regulator)) == []


# Web ----------------------------------------------------------------------------------


def test_the_portal_lists_my_notifications_with_the_unread_count_in_the_header(
    web, merchant, outsider
):
    tell([merchant], link="/portal/api-keys/")
    service.notify(category=REMINDER, verb="x", title="别人的提醒", users=[outsider])
    login_web(web, merchant)
    page = web.get("/portal/notifications/").content.decode()
    assert "提醒" in page and "别人的提醒" not in page
    assert 'data-link="/portal/api-keys/"' in page
    assert '<span class="badge"' in page


def test_marking_read_on_the_web_and_an_outsider_gets_404(web, merchant, outsider):
    tell([merchant])
    mine = Notification.objects.get(recipient=merchant)
    login_web(web, outsider)
    assert web.post(f"/portal/notifications/{mine.pk}/read/").status_code == 404
    web.logout()
    login_web(web, merchant)
    assert web.post(f"/portal/notifications/{mine.pk}/read/").status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    tell([merchant])
    web.post("/portal/notifications/read-all/")
    assert service.unread_count(user=merchant) == 0


def test_following_a_notification_marks_it_read_and_leads_to_its_object(web, merchant, outsider):
    tell([merchant], link="/portal/api-keys/")
    mine = Notification.objects.get(recipient=merchant)
    login_web(web, outsider)
    assert web.get(f"/portal/notifications/{mine.pk}/open/").status_code == 404
    web.logout()
    login_web(web, merchant)
    response = web.get(f"/portal/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/portal/api-keys/"
    assert service.unread_count(user=merchant) == 0
    # a link elsewhere than this site leads back to the list instead
    tell([merchant], link="https://evil.example.com/")
    other = Notification.objects.filter(recipient=merchant).latest("pk")
    response = web.get(f"/portal/notifications/{other.pk}/open/")
    assert response["Location"] == "/portal/notifications/"


def test_the_preferences_form_turns_email_off(web, merchant):
    login_web(web, merchant)
    web.post("/portal/notifications/preferences/", {"email": [NotificationCategory.DECISION]})
    prefs = service.email_preferences(user=merchant)
    assert prefs[NotificationCategory.DECISION] and not prefs[REMINDER]


def test_the_console_lists_the_regulators_notifications(web, regulator):
    tell([regulator])
    login_web(web, regulator)
    assert "提醒" in web.get("/console/notifications/").content.decode()


def test_a_page_costs_one_query_for_the_unread_count(web, merchant):
    login_web(web, merchant)
    with CaptureQueriesContext(connection) as queries:
        web.get("/portal/")
    counts = [q["sql"] for q in queries if "workflow_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


# API ----------------------------------------------------------------------------------


def test_the_api_lists_counts_and_marks_only_the_callers_notifications(merchant, outsider):
    tell([merchant])
    tell([outsider])
    mine = Notification.objects.get(recipient=merchant)
    theirs = Notification.objects.get(recipient=outsider)
    client = api_for(merchant)
    listed = client.get("/api/v1/notifications/").json()["results"]
    assert [n["id"] for n in listed] == [mine.pk]
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read"] is True
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}


def test_the_api_refuses_bad_query_parameters_with_a_code(merchant):
    client = api_for(merchant)
    response = client.get("/api/v1/notifications/?unread=perhaps&category=nope")
    assert response.status_code == 400 and response.json()["code"]
    assert client.get("/api/v1/notifications/?page_size=100000").status_code == 400


def test_the_api_answers_anonymous_callers_401(api):
    assert api.get("/api/v1/notifications/").status_code == 401


def test_an_organization_without_admins_email_still_gets_the_row(db):
    user = member("merchant", username="noemail")
    user.email = ""
    user.save()
    tell([user], key="no-mail")
    assert Notification.objects.filter(recipient=user).exists()
    assert not OutboxItem.objects.filter(topic=MAIL_SEND, key="no-mail").exists()


def test_a_notification_reads_in_the_readers_language_whoever_wrote_it(merchant):
    """Written while the writer's UI was English, read in Chinese on the page and in
    English over the API: the title and its parameters (an organization's English name)
    in each reader's language; a plain text (a reviewer's note) as written."""
    from django.test import Client
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    merchant.organization.name_en = "Merchant Ltd"
    merchant.organization.save()
    with translation.override("en"):
        service.notify(
            category=REMINDER,
            verb="test.phrase",
            title=service.Phrase(
                gettext_lazy("Annual report overdue: %(operator)s"),
                operator=merchant.organization,
            ),
            body="请补充材料",
            users=[merchant],
        )
    row = Notification.objects.get(recipient=merchant, verb="test.phrase")
    assert row.title == f"年度报告逾期：{merchant.organization.name}"
    assert row.title_en == "Annual report overdue: Merchant Ltd" and row.body_en == ""
    web = login_web(Client(), merchant)
    web.cookies["pdp_language"] = "zh-hans"
    page = web.get("/portal/notifications/").content.decode()
    assert row.title in page and "Annual report overdue" not in page
    api = api_for(merchant)
    listed = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [(n["title"], n["body"]) for n in listed if n["verb"] == "test.phrase"] == [
        ("Annual report overdue: Merchant Ltd", "请补充材料")
    ]


def test_a_sentence_the_system_writes_as_a_body_reads_in_either_language(merchant):
    """A step's note that the system wrote ("Every review step approved.") is a plain
    text when it reaches notify; it is stored in both languages all the same."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        service.notify(
            category=REMINDER, verb="test.note", title="提醒",
            body=gettext("Every review step approved."), users=[merchant],
        )  # fmt: skip
    row = Notification.objects.get(verb="test.note")
    assert row.body == "所有审核环节均已通过。"
    assert row.body_en == "Every review step approved." and row.title_en == ""


def test_the_email_reads_in_both_languages_whoever_wrote_it(merchant):
    """The recipient's language is not known when the mail leaves: it carries the Chinese
    text and, where it differs, the English, the same whichever language the writer's
    pages were in."""
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    merchant.organization.name_en = "Merchant Ltd"
    merchant.organization.save()
    payloads = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            service.notify(
                category=REMINDER, verb="test.mail", users=[merchant], key=f"mail-{language}",
                title=service.Phrase(
                    gettext_lazy("Annual report overdue: %(operator)s"),
                    operator=merchant.organization,
                ),
                body=gettext_lazy("Every review step approved."), link="/portal/x/",
            )  # fmt: skip
        payloads.append(OutboxItem.objects.get(topic=MAIL_SEND, key=f"mail-{language}").payload)
    english_writer, chinese_writer = payloads
    assert english_writer["subject"] == chinese_writer["subject"]
    assert english_writer["body"] == chinese_writer["body"]
    name = merchant.organization.name
    assert english_writer["subject"] == (
        f"年度报告逾期：{name} / Annual report overdue: Merchant Ltd"
    )
    assert english_writer["body"] == (
        "所有审核环节均已通过。\n\n"
        "Annual report overdue: Merchant Ltd\nEvery review step approved.\n\n/portal/x/"
    )


def test_a_persons_own_words_are_mailed_once(merchant):
    tell([merchant], key="own-words")
    payload = OutboxItem.objects.get(topic=MAIL_SEND, key="own-words").payload
    assert (payload["subject"], payload["body"]) == ("提醒", "正文")


@pytest.mark.parametrize("target", ["ADMIN", "notifications", "a\x00b", "//evil.example/"])
def test_a_next_that_is_no_address_of_this_site_leads_back_to_the_list(web, merchant, target):
    """`next=ADMIN` was taken for a view name by redirect(): NoReverseMatch, a 500
    (security review 2026-12-05)."""
    login_web(web, merchant)
    response = web.post("/portal/notifications/read-all/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/portal/notifications/"


def test_a_next_on_this_site_is_followed(web, merchant):
    login_web(web, merchant)
    response = web.post("/portal/notifications/read-all/", {"next": "/portal/?x=1"})
    assert response["Location"] == "/portal/?x=1"
