"""Registration history, objections, open notices and waiting reviews move to the
workflow kernel (StatusHistory, Notice/Objection, ReviewStep); the old tables go."""

from django.db import migrations, models


def to_kernel(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Membership = apps.get_model("accounts", "Membership")
    StatusHistory = apps.get_model("workflow", "StatusHistory")
    Notice = apps.get_model("workflow", "Notice")
    Objection = apps.get_model("workflow", "Objection")
    ReviewStep = apps.get_model("workflow", "ReviewStep")
    DataResource = apps.get_model("catalog", "DataResource")
    RegistrationEvent = apps.get_model("catalog", "RegistrationEvent")
    OldObjection = apps.get_model("catalog", "Objection")

    ct, _ = ContentType.objects.get_or_create(app_label="catalog", model="dataresource")
    org_of = dict(Membership.objects.values_list("user_id", "organization_id"))
    StatusHistory.objects.bulk_create(
        (
            StatusHistory(
                content_type_id=ct.pk,
                object_id=e.resource_id,
                kind=e.kind,
                from_status=e.from_status,
                to_status=e.to_status,
                actor_id=e.actor_id,
                actor_organization_id=org_of.get(e.actor_id),
                note=e.note,
                created_at=e.created_at,
            )
            for e in RegistrationEvent.objects.order_by("id").iterator()
        ),
        batch_size=1000,
    )
    # Each old objection ended the notice it was lodged in (it sent the resource back to
    # review): one closed notice per objection keeps that record.
    for old in OldObjection.objects.order_by("id").iterator():
        notice = Notice.objects.create(
            content_type_id=ct.pk,
            object_id=old.resource_id,
            starts_at=old.created_at,
            ends_at=old.created_at,
            closed_at=old.created_at,
            outcome="objected",
        )
        Objection.objects.create(
            notice=notice,
            organization_id=old.organization_id,
            raised_by_id=old.raised_by_id,
            reason=old.reason,
            created_at=old.created_at,
            resolved_at=old.resolved_at,
            resolution=old.resolution,
        )
    for resource in DataResource.objects.filter(
        status="public_notice", notice_ends_at__isnull=False
    ):
        Notice.objects.create(
            content_type_id=ct.pk,
            object_id=resource.pk,
            starts_at=resource.updated_at,
            ends_at=resource.notice_ends_at,
        )
    for resource in DataResource.objects.filter(status__in=["submitted", "under_review"]):
        ReviewStep.objects.create(
            content_type_id=ct.pk,
            object_id=resource.pk,
            stage="registration",
            assignee_role="reviewer",
            claimed_at=resource.updated_at if resource.status == "under_review" else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0004_search_index"),
        ("workflow", "0002_kernel"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataresource",
            name="grace_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="renewal grace until"),
        ),
        migrations.RunPython(to_kernel, migrations.RunPython.noop),
        migrations.DeleteModel(name="Objection"),
        migrations.DeleteModel(name="RegistrationEvent"),
    ]
