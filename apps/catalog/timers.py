"""Periodic registration work: close notices, expire registrations, send reminders."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.choices import Role
from apps.catalog import services
from apps.catalog.choices import OUT_OF_REGISTRY, IngestStatus
from apps.catalog.ingest.mapping import dataset_upload_discard
from apps.catalog.models import DataResource, DatasetUpload, ReminderSent
from apps.core.exceptions import TransitionNotAllowed
from apps.workflow import notice
from apps.workflow.models import NotificationCategory
from apps.workflow.notifications import Phrase, notify


def run(now=None) -> dict:
    now = now or timezone.now()
    closed = [
        services.resource_close_notice(resource_id=pk, now=now)
        for pk in notice.due_notice_ids(DataResource, now=now)
    ]
    expired = [
        services.resource_expire(resource_id=pk, now=now)
        for pk in services.expiry_due(now).values_list("pk", flat=True)
    ]
    reminded = send_reminders(now)
    return {
        "closed_notices": sum(1 for r in closed if r),
        "expired": sum(1 for r in expired if r),
        "reminders": reminded,
        "unmapped_uploads": discard_unmapped(now),
    }


def discard_unmapped(now) -> int:
    """Uploads nobody mapped in CATALOG_MAPPING_HOLD_HOURS: their files go."""
    cutoff = now - timedelta(hours=settings.CATALOG_MAPPING_HOLD_HOURS)
    held = DatasetUpload.objects.filter(status=IngestStatus.MAPPING, created_at__lt=cutoff)
    done = 0
    for upload in held:
        try:
            dataset_upload_discard(
                upload=upload, user=None, reason="No column mapping was given in time."
            )
        except TransitionNotAllowed:
            continue  # mapped or cancelled meanwhile
        done += 1
    return done


def send_reminders(now) -> int:
    """One reminder per lead time (90/30/7 days): the nearest one due, never twice."""
    days = sorted(settings.CATALOG_REMINDER_DAYS)
    horizon = now + timedelta(days=max(days))
    candidates = (
        DataResource.objects.filter(
            registry_code__isnull=False, expires_at__gt=now, expires_at__lte=horizon
        )
        .exclude(status__in=OUT_OF_REGISTRY)
        .select_related("provider")
    )
    sent = 0
    for resource in candidates:
        due = [d for d in days if resource.expires_at <= now + timedelta(days=d)]
        sent += _remind(resource, due)
    return sent


@transaction.atomic
def _remind(resource: DataResource, due: list[int]) -> bool:
    """Marks every lead time already reached and queues the e-mail in the same transaction
    (the outbox sends it, retrying while the mail server is down); True when the nearest
    lead time is new."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                resource=resource, expires_at=resource.expires_at, days_before=min(due)
            )
    except IntegrityError:
        return False
    ReminderSent.objects.bulk_create(
        [
            ReminderSent(resource=resource, expires_at=resource.expires_at, days_before=d)
            for d in due
        ],
        ignore_conflicts=True,
    )
    _notify_expiry(resource, min(due))
    return True


def _notify_expiry(resource: DataResource, days: int) -> None:
    """The provider's admins, in the app and (unless they turned it off) by e-mail."""
    subject = Phrase(
        gettext_lazy("Registration of %(name)s expires in %(days)d days"), name=resource, days=days
    )
    body = Phrase(
        gettext_lazy(
            "The registration %(code)s of %(name)s expires on %(date)s. Apply for renewal "
            "before then."
        ),
        code=resource.registry_code,
        name=resource,
        date=f"{resource.expires_at:%Y-%m-%d}",
    )
    notify(
        category=NotificationCategory.REMINDER,
        verb="catalog.resource.expiring",
        title=subject,
        body=body,
        organization=resource.provider_id,
        roles=[Role.ADMIN],
        obj=resource,
        link=reverse("portal:resource_detail", args=[resource.pk]),
        key=f"catalog.expiry:{resource.pk}:{resource.expires_at:%Y%m%d}:{days}",
    )
