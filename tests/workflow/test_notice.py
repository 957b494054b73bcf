"""Public notice: open, object (ends it), close once when due."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.workflow import notice
from apps.workflow.models import NoticeOutcome

pytestmark = pytest.mark.django_db


def test_an_objection_ends_the_notice(draft, merchant):
    opened = notice.notice_open(draft, days=5)
    objection = notice.notice_object(draft, user=merchant, reason="字段含个人信息")
    opened.refresh_from_db()
    assert opened.outcome == NoticeOutcome.OBJECTED and opened.closed_at
    assert objection.organization_id == merchant.organization_id
    assert list(notice.objections_for(draft)) == [objection]
    with pytest.raises(TransitionNotAllowed) as error:
        notice.notice_object(draft, user=merchant, reason="again")
    assert error.value.code == "no_open_notice"


def test_objections_need_an_organization_and_a_reason(draft, merchant, django_user_model):
    notice.notice_open(draft, days=5)
    loner = django_user_model.objects.create_user("loner", password="x")
    with pytest.raises(PermissionDeniedError):
        notice.notice_object(draft, user=loner, reason="x")
    with pytest.raises(InvalidInput):
        notice.notice_object(draft, user=merchant, reason="  ")
    assert notice.open_notice(draft) is not None


def test_a_notice_closes_once_and_only_when_due(draft):
    now = timezone.now()
    opened = notice.notice_open(draft, days=5, now=now)
    assert notice.notice_close_if_due(draft, now=now + timedelta(days=4)) is None
    assert notice.due_notice_ids(type(draft), now=now + timedelta(days=5)) == [draft.pk]
    closed = notice.notice_close_if_due(draft, now=now + timedelta(days=5))
    assert closed.pk == opened.pk and closed.outcome == NoticeOutcome.PASSED
    assert notice.notice_close_if_due(draft, now=now + timedelta(days=6)) is None
    assert notice.due_notice_ids(type(draft), now=now + timedelta(days=6)) == []


def test_opening_a_notice_again_cancels_the_open_one(draft):
    first = notice.notice_open(draft, days=5)
    notice.notice_open(draft, days=5)
    first.refresh_from_db()
    assert first.outcome == NoticeOutcome.CANCELLED


def test_resolving_marks_only_open_objections(draft, merchant):
    notice.notice_open(draft, days=5)
    notice.notice_object(draft, user=merchant, reason="a")
    assert notice.objections_resolve(draft, resolution="considered") == 1
    assert notice.objections_resolve(draft, resolution="again") == 0
