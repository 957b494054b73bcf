"""Qualification and agreement history, agreement objections, open notices and waiting
reviews move to the workflow kernel; the old tables go."""

from django.db import migrations


def to_kernel(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Membership = apps.get_model("accounts", "Membership")
    StatusHistory = apps.get_model("workflow", "StatusHistory")
    Notice = apps.get_model("workflow", "Notice")
    Objection = apps.get_model("workflow", "Objection")
    ReviewStep = apps.get_model("workflow", "ReviewStep")
    OperatorProfile = apps.get_model("operators", "OperatorProfile")
    Agreement = apps.get_model("operators", "AuthorizationAgreement")

    profile_ct, _ = ContentType.objects.get_or_create(
        app_label="operators", model="operatorprofile"
    )
    agreement_ct, _ = ContentType.objects.get_or_create(
        app_label="operators", model="authorizationagreement"
    )
    org_of = dict(Membership.objects.values_list("user_id", "organization_id"))
    # Both histories in the order they were written, so ids keep per-object order.
    rows = [
        (e.created_at, e.pk, profile_ct.pk, e.profile_id, e, e.reason)
        for e in apps.get_model("operators", "QualificationEvent").objects.all()
    ] + [
        (e.created_at, e.pk, agreement_ct.pk, e.agreement_id, e, e.note)
        for e in apps.get_model("operators", "AgreementEvent").objects.all()
    ]
    rows.sort(key=lambda row: (row[0], row[1]))
    StatusHistory.objects.bulk_create(
        (
            StatusHistory(
                content_type_id=ct_id,
                object_id=object_id,
                from_status=e.from_status,
                to_status=e.to_status,
                actor_id=e.actor_id,
                actor_organization_id=org_of.get(e.actor_id),
                note=note,
                created_at=created_at,
            )
            for created_at, _pk, ct_id, object_id, e, note in rows
        ),
        batch_size=1000,
    )
    old_objections = apps.get_model("operators", "AgreementObjection").objects.order_by("id")
    for old in old_objections.iterator():
        notice = Notice.objects.create(
            content_type_id=agreement_ct.pk,
            object_id=old.agreement_id,
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
        )
    for agreement in Agreement.objects.filter(status="public_notice", notice_ends_at__isnull=False):
        Notice.objects.create(
            content_type_id=agreement_ct.pk,
            object_id=agreement.pk,
            starts_at=agreement.updated_at,
            ends_at=agreement.notice_ends_at,
        )
    for agreement in Agreement.objects.filter(status="under_review"):
        ReviewStep.objects.create(
            content_type_id=agreement_ct.pk,
            object_id=agreement.pk,
            stage="agreement",
            assignee_organization_id=agreement.authority_id,
            assignee_role="reviewer",
        )
    for profile in OperatorProfile.objects.filter(status__in=["applied", "under_review"]):
        ReviewStep.objects.create(
            content_type_id=profile_ct.pk,
            object_id=profile.pk,
            stage="qualification",
            assignee_role="reviewer",
            claimed_at=profile.updated_at if profile.status == "under_review" else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("operators", "0001_initial"),
        ("workflow", "0002_kernel"),
    ]

    operations = [
        migrations.RunPython(to_kernel, migrations.RunPython.noop),
        migrations.DeleteModel(name="AgreementEvent"),
        migrations.DeleteModel(name="AgreementObjection"),
        migrations.DeleteModel(name="QualificationEvent"),
    ]
