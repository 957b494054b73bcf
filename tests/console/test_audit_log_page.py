"""The console's audit log as a regulator reads it: a refusal's reason as a sentence in
the page's language with its code beside it (a person's note as written), the actor's
organization by name, and filters that say what they filter."""

import pytest
from django.conf import settings
from django.utils import translation

from apps.audit.reasons import reason_label
from apps.audit.services import audit_record, audit_record_denial
from tests.conftest import login_web

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(merchant):
    audit_record_denial(actor=merchant, action="delivery.records.read", reason="grant_suspended")
    audit_record(actor=merchant, action="catalog.resource.create", reason="内部核对备注")


def page_in(web, language: str, query: str = "") -> str:
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = web.get(f"/console/audit/{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("en", "The grant is suspended."), ("zh-hans", "该授权已暂停。")],
)
def test_a_refusal_reads_as_a_sentence_with_its_code(web, regulator, events, language, sentence):
    login_web(web, regulator)
    page = page_in(web, language, "?outcome=denied")
    assert f'<span title="grant_suspended">{sentence}</span>' in page
    assert "<code>grant_suspended</code>" in page  # still there for whoever knows the codes


def test_a_persons_note_is_shown_as_written(web, regulator, events):
    login_web(web, regulator)
    page = page_in(web, "en", "?action=catalog.resource.create")
    assert "内部核对备注" in page and "<code>内部核对备注</code>" not in page


def test_the_actor_is_named_by_its_organization(web, regulator, merchant, events):
    login_web(web, regulator)
    page = page_in(web, "zh-hans", "?outcome=denied")
    org = merchant.organization
    assert f'<a href="?organization={org.pk}"' in page and org.name in page


def test_the_time_filters_are_a_range_not_a_status(web, regulator):
    login_web(web, regulator)
    page = page_in(web, "zh-hans")
    assert "起始时间" in page and "截止时间" in page and "原状态" not in page
    assert page.count('type="datetime-local"') == 2
    # a picker's value is read back as the moment it names
    assert 'value="2026-05-01T08:00"' in page_in(web, "en", "?since=2026-05-01T08:00")


def test_the_filters_say_how_many_are_in_use(web, regulator):
    login_web(web, regulator)
    assert 'id="filters-active"' not in page_in(web, "en")
    page = page_in(web, "en", "?outcome=denied&actor=merchant")
    assert "data-in-use" in page and "2 in use" in page and 'id="clear-filters"' in page


def test_the_delivery_refusals_have_sentences_too():
    # registered by DeliveryConfig.ready(): the audit app knows none of them itself
    with translation.override("en"):
        assert reason_label("sql_not_aggregated") == "Results are released only as groups."
        assert reason_label("link_expired") == "The download link has expired."
    assert reason_label("no such code") is None and reason_label("") is None
