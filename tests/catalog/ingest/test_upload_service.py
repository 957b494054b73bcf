"""dataset_upload_create: who may upload, what is refused, and the job queued on commit."""

from pathlib import Path
from unittest import mock

import pytest

from apps.catalog.ingest import services
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
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
    with mock.patch("apps.catalog.ingest.tasks.dataset_ingest.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            upload = create(resource, provider)
        assert not delay.called
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(upload.pk)
    assert (upload.status, upload.detected_format, upload.detected_encoding) == (
        "pending", "csv", "utf-8"
    )  # fmt: skip
    assert Path(upload.file_path).read_bytes() == csv_bytes(ROWS)


def test_the_task_is_routed_to_the_ingest_queue():
    from config.celery import app

    route = app.amqp.router.route({}, "catalog.ingest.run")
    assert route["queue"].name == "ingest"
