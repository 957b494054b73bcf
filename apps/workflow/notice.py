"""Public notice: open it, lodge objections during it, close it when it is due.

The domain service keeps the object's status (public notice, under review...) and calls
these in its own transaction; the notice rows say when a notice ran and how it ended.
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.workflow.models import Notice, NoticeOutcome, Objection


def _of(model_or_obj) -> QuerySet[Notice]:
    return Notice.objects.filter(content_type=ContentType.objects.get_for_model(model_or_obj))


def open_notice(obj: Model) -> Notice | None:
    return _of(obj).filter(object_id=obj.pk, closed_at=None).first()


def notice_open(obj: Model, *, days: int, now: datetime | None = None) -> Notice:
    """Starts a notice of `days` days (an open one is cancelled first)."""
    now = now or timezone.now()
    notice_cancel(obj, now=now)
    return Notice.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        starts_at=now,
        ends_at=now + timedelta(days=days),
    )


def _close(notice_qs: QuerySet[Notice], outcome: str, now: datetime) -> int:
    # Compare-and-swap on closed_at: a notice closes once, by whoever gets there first.
    return notice_qs.filter(closed_at=None).update(closed_at=now, outcome=outcome)


def notice_cancel(obj: Model, *, now: datetime | None = None) -> int:
    return _close(_of(obj).filter(object_id=obj.pk), NoticeOutcome.CANCELLED, now or timezone.now())


def notice_object(obj: Model, *, user, reason: str, now: datetime | None = None) -> Objection:
    """A member of any organization objects during the open notice; the notice ends
    (the caller sends the object back to review)."""
    if getattr(user, "organization_id", None) is None:
        raise PermissionDeniedError(_("Only members of an organization may lodge objections."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Give the reason for the objection."),
            code="reason_required",
            details={"reason": [_("This field is required.")]},
        )
    now = now or timezone.now()
    notice = open_notice(obj)
    if (
        notice is None
        or _close(Notice.objects.filter(pk=notice.pk), NoticeOutcome.OBJECTED, now) != 1
    ):
        raise TransitionNotAllowed(
            _("Objections are accepted only during public notice."), code="no_open_notice"
        )
    return Objection.objects.create(
        notice=notice, organization_id=user.organization_id, raised_by=user, reason=reason
    )


def notice_end_now(obj: Model, *, now: datetime | None = None) -> datetime:
    """Demo data only: the open notice ends now instead of days ahead, so that seeding can
    register at once without dating anything in the future. Returns the new end."""
    now = now or timezone.now()
    _of(obj).filter(object_id=obj.pk, closed_at=None).update(ends_at=now)
    return now


def notice_close_if_due(obj: Model, *, now: datetime | None = None) -> Notice | None:
    """Closes the open notice as passed if it has ended; None if there is none due."""
    now = now or timezone.now()
    notice = _of(obj).filter(object_id=obj.pk, closed_at=None, ends_at__lte=now).first()
    if (
        notice is None
        or _close(Notice.objects.filter(pk=notice.pk), NoticeOutcome.PASSED, now) != 1
    ):
        return None
    notice.closed_at, notice.outcome = now, NoticeOutcome.PASSED
    return notice


def due_notice_ids(model, *, now: datetime | None = None) -> list[int]:
    """Ids of `model` objects whose open notice has ended (for the timers)."""
    now = now or timezone.now()
    return list(
        _of(model).filter(closed_at=None, ends_at__lte=now).values_list("object_id", flat=True)
    )


def objections_for(obj: Model) -> QuerySet[Objection]:
    """Every objection lodged against the object over all its notices, newest first."""
    return Objection.objects.filter(
        notice__content_type=ContentType.objects.get_for_model(obj), notice__object_id=obj.pk
    ).select_related("organization", "raised_by", "notice")


def objections_resolve(obj: Model, *, resolution: str, now: datetime | None = None) -> int:
    """The reviewer has considered the open objections (review decided again)."""
    return (
        objections_for(obj)
        .filter(resolved_at=None)
        .update(resolved_at=now or timezone.now(), resolution=resolution)
    )
