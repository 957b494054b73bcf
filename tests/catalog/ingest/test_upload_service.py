"""dataset_upload_create: who may upload, what is refused, and the job queued on commit."""

from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from apps.catalog.ingest import services
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import outbox_items_for
from tests.catalog.ingest.conftest import ROWS, csv_bytes, make_resource, upload_file

pytestmark = pytest.mark.django_db


def create(resource, user, content=None, name="data.csv"):
    return services.dataset_upload_create(
        resource=resource, uploaded_file=upload_file(content or csv_bytes(ROWS), name), user=user
    )


@pytest.mark.parametrize("persona", ["outsider", "merchant", "operator_admin"])
def test_only_the_provider_may_upload(request, resource, persona, data_dir):
    with pytest.raises(PermissionDeniedError):
        create(resource, request.getfixturevalue(persona))
    assert not (data_dir / "uploads").exists()


def test_another_provider_may_not_upload_to_my_resource(resource):
    from apps.accounts.choices import OrganizationKind
    from tests.factories import member

    with pytest.raises(PermissionDeniedError):
        create(resource, member(OrganizationKind.PROVIDER, username="other_provider"))


def test_a_file_over_the_limit_is_refused(provider, resource, settings, data_dir):
    settings.CATALOG_MAX_UPLOAD_BYTES = 100
    with pytest.raises(InvalidInput) as error:
        create(resource, provider, b"x" * 101)
    assert error.value.code == "file_too_large"
    assert error.value.details == {"max_bytes": 100, "size": 101}
    assert not (data_dir / "uploads").exists()


def test_empty_files_and_resources_without_fields_are_refused(provider, resource):
    with pytest.raises(InvalidInput) as error:
        services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file(b""), user=provider
        )
    assert error.value.code == "empty_file"
    with pytest.raises(InvalidInput) as error:
        create(make_resource(provider, fields=[]), provider)
    assert error.value.code == "no_fields"


def test_a_deregistered_resource_takes_no_data(provider):
    with pytest.raises(TransitionNotAllowed):
        create(make_resource(provider, status="deregistered"), provider)


def test_the_upload_is_stored_and_its_job_queued_after_commit(
    provider, resource, django_capture_on_commit_callbacks
):
    with mock.patch("apps.workflow.tasks.outbox_run_task.apply_async") as nudge:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            upload = create(resource, provider)
        assert not nudge.called
        item = outbox_items_for(upload, topic=services.INGEST).get()
        for callback in callbacks:
            callback()
    (args,), options = nudge.call_args
    assert args == (item.pk,) and item.payload == {"upload": upload.pk}
    assert options["queue"] == "ingest"
    assert options["time_limit"] == settings.CATALOG_INGEST_TIME_LIMIT
    assert (upload.status, upload.detected_format, upload.detected_encoding) == (
        "pending", "csv", "utf-8"
    )  # fmt: skip
    assert Path(upload.file_path).read_bytes() == csv_bytes(ROWS)


def test_the_upload_and_its_job_are_written_together_or_not_at_all(provider, resource):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        create(resource, provider)
        raise RuntimeError("the caller fails after the upload")
    assert not OutboxItem.objects.filter(topic=services.INGEST).exists()
