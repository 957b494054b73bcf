"""Stored documents are served only to their operator and the regulator, only while they
still match their SHA-256, and every read is recorded."""

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.core.exceptions import TransitionNotAllowed
from apps.operators import services
from apps.operators.files import StoredFileDamaged
from tests.conftest import api_for, login_web
from tests.operators.conftest import PDF, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(profile):
    return profile.documents.get()


def test_the_operator_and_the_regulator_download_a_document(document, operator_admin, regulator):
    for user in (operator_admin, regulator):
        response = login_web(Client(), user).get(f"/portal/operator/documents/{document.pk}/")
        assert response.status_code == 200
        assert response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    reads = AuditEvent.objects.filter(action="operators.qualificationdocument.read")
    assert {e.actor_label for e in reads} >= {operator_admin.username, regulator.username}


def test_a_document_changed_on_disk_is_refused_not_served(document, operator_admin, settings):
    (settings.OPERATORS_FILES_DIR / document.file_path).write_bytes(PDF + b"tampered")
    with pytest.raises(StoredFileDamaged):
        services.document_read(document=document, user=operator_admin)
    response = login_web(Client(), operator_admin).get(f"/portal/operator/documents/{document.pk}/")
    assert response.status_code == 409
    assert b"tampered" not in response.content


def test_outsiders_and_anonymous_visitors_get_nothing(document, outsider, profile):
    assert (
        login_web(Client(), outsider).get(f"/portal/operator/documents/{document.pk}/").status_code
        == 404
    )
    assert Client().get(f"/portal/operator/documents/{document.pk}/").status_code == 302
    url = f"/api/v1/operators/profiles/{profile.pk}/documents/{document.pk}/file/"
    assert api_for(outsider).get(url).status_code == 404


def test_the_api_serves_the_verified_file(document, profile, regulator):
    url = f"/api/v1/operators/profiles/{profile.pk}/documents/{document.pk}/file/"
    response = api_for(regulator).get(url)
    assert response.status_code == 200 and response.content == PDF


def test_the_signed_agreement_is_downloadable_by_its_parties(
    draft_agreement, operator_admin, regulator, outsider
):
    services.agreement_attach_document(agreement=draft_agreement, user=operator_admin, upload=pdf())
    url = f"/api/v1/operators/agreements/{draft_agreement.pk}/document/file/"
    assert api_for(operator_admin).get(url).content == PDF
    assert api_for(regulator).get(url).status_code == 200
    assert api_for(outsider).get(url).status_code == 404
    web = login_web(Client(), operator_admin).get(
        f"/portal/agreements/{draft_agreement.pk}/document/"
    )
    assert web.status_code == 200 and web.content == PDF


def test_a_refused_attachment_leaves_no_file_behind(effective, operator_admin, settings):
    before = set(settings.OPERATORS_FILES_DIR.rglob("*.pdf"))
    with pytest.raises(TransitionNotAllowed):
        services.agreement_attach_document(agreement=effective, user=operator_admin, upload=pdf())
    assert set(settings.OPERATORS_FILES_DIR.rglob("*.pdf")) == before


def test_a_head_on_a_stored_document_records_no_read(
    document, profile, draft_agreement, operator_admin
):
    """Every read is recorded, so a HEAD (the GET view with the body dropped) would record
    a read that delivered nothing: refused instead."""
    services.agreement_attach_document(agreement=draft_agreement, user=operator_admin, upload=pdf())
    web, api = login_web(Client(), operator_admin), api_for(operator_admin)
    for client, url in (
        (web, f"/portal/operator/documents/{document.pk}/"),
        (web, f"/portal/agreements/{draft_agreement.pk}/document/"),
        (api, f"/api/v1/operators/profiles/{profile.pk}/documents/{document.pk}/file/"),
        (api, f"/api/v1/operators/agreements/{draft_agreement.pk}/document/file/"),
    ):
        assert client.head(url).status_code == 405, url
    reads = (
        "operators.qualificationdocument.read",
        "operators.authorizationagreement.document_read",
    )
    assert not AuditEvent.objects.filter(action__in=reads).exists()
