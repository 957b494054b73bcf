"""A grant issued before its issue was recorded has an empty history: it starts with the
issue row that grant_issue now writes (when the grant was made, by no named person). A
grant with later rows (suspended, resumed) is left as it is, since history is read in id
order and a row added now would come after them."""

from django.db import migrations

NOTE = "Issued on the approval of application #%(id)d."  # apps.workflow.system_notes


def forwards(apps, schema_editor):
    Grant = apps.get_model("grants", "Grant")
    StatusHistory = apps.get_model("workflow", "StatusHistory")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind, _created = ContentType.objects.get_or_create(app_label="grants", model="grant")
    recorded = set(
        StatusHistory.objects.filter(content_type=kind).values_list("object_id", flat=True)
    )
    StatusHistory.objects.bulk_create(
        [
            StatusHistory(
                content_type=kind,
                object_id=grant.pk,
                from_status="",
                to_status="active",
                note=NOTE % {"id": grant.application_id},
                created_at=grant.created_at,
            )
            for grant in Grant.objects.order_by("pk").iterator()
            if grant.pk not in recorded
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0004_delivery_mode_names"),
        ("workflow", "0006_notification_english"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
