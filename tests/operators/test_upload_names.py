"""A stored file is named with the extension of the type found in its bytes, never the one
the uploader gave: `invoice.html` holding a PDF is stored and served as `invoice.pdf`, so a
download saved and opened locally opens as a PDF, not as a page that runs its script.
Every surface storing through apps.operators.files is checked: application attachments,
qualification documents, signed agreements and annual report attachments."""

import re
from urllib.parse import unquote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.operators import services
from apps.operators.files import named_as
from tests.conftest import api_for, login_web
from tests.grants.conftest import draft_application  # noqa: F401  (a fixture)
from tests.operators.conftest import PNG, profile_data
from tests.products.conftest import draft_product, in_review, listed  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
# A PDF by its first bytes whose body is a page with a script.
POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.domain)</script></html>\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def upload(name: str, content: bytes = POLYGLOT) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/html")


def served_name(response) -> str:
    """The file name a browser saves the download under."""
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    encoded = re.search(r"filename\*=utf-8''([^;]+)", disposition)
    return unquote(encoded[1]) if encoded else re.search(r'filename="([^"]*)"', disposition)[1]


@pytest.mark.parametrize(
    ("given", "content_type", "suffix", "stored"),
    [
        ("invoice.html", "application/pdf", ".pdf", "invoice.pdf"),
        ("invoice.exe", "application/pdf", ".pdf", "invoice.pdf"),
        ("scan", "application/pdf", ".pdf", "scan.pdf"),
        ("report.PDF", "application/pdf", ".pdf", "report.pdf"),
        ("report.pdf", "application/pdf", ".pdf", "report.pdf"),
        ("invoice.html.", "application/pdf", ".pdf", "invoice.pdf"),
        ("archive.tar.gz", "application/pdf", ".pdf", "archive.tar.pdf"),
        ("合同.html", "application/pdf", ".pdf", "合同.pdf"),
        ("../../etc/page.svg", "image/png", ".png", "page.png"),
        ("photo.jpeg", "image/jpeg", ".jpg", "photo.jpeg"),
        ("photo.JPG", "image/jpeg", ".jpg", "photo.jpg"),
        ("photo.png", "image/jpeg", ".jpg", "photo.jpg"),
        ("", "application/pdf", ".pdf", "upload.pdf"),
    ],
)
def test_the_name_takes_the_extension_of_the_detected_type(given, content_type, suffix, stored):
    assert named_as(given, content_type, suffix) == stored


def test_a_long_name_keeps_its_extension_within_255_characters():
    name = named_as("x" * 300 + ".html", "application/pdf", ".pdf")
    assert len(name) == 255 and name.endswith("x.pdf")


@pytest.mark.parametrize(
    ("given", "expected"),
    [("invoice.html", "invoice.pdf"), ("invoice.exe", "invoice.pdf"), ("scan", "scan.pdf")],
)
def test_an_application_attachment_is_served_under_the_detected_type(
    draft_application,  # noqa: F811
    merchant,
    operator_admin,
    given,
    expected,
):
    url = f"/api/v1/applications/{draft_application.pk}/attachments/"
    created = api_for(merchant).post(url, {"file": upload(given)}, format="multipart")
    assert created.status_code == 201, created.json()
    assert (created.json()["name"], created.json()["content_type"]) == (expected, "application/pdf")
    assert api_for(merchant).get(url).json()[0]["name"] == expected
    download = login_web(Client(), merchant).get(f"/portal/attachments/{created.json()['id']}/")
    assert download.status_code == 200 and download.content == POLYGLOT
    assert download["Content-Type"] == "application/pdf"
    assert served_name(download) == expected


def test_an_image_attachment_gets_its_image_extension(draft_application, merchant):  # noqa: F811
    url = f"/api/v1/applications/{draft_application.pk}/attachments/"
    created = api_for(merchant).post(url, {"file": upload("photo.html", PNG)}, format="multipart")
    assert (created.json()["name"], created.json()["content_type"]) == ("photo.png", "image/png")
    download = login_web(Client(), merchant).get(f"/portal/attachments/{created.json()['id']}/")
    assert served_name(download) == "photo.png"


@pytest.mark.parametrize(
    ("given", "content", "expected", "content_type"),
    [
        ("invoice.html", POLYGLOT, "invoice.pdf", "application/pdf"),
        ("licence.exe", JPEG, "licence.jpg", "image/jpeg"),
        ("合同.html", POLYGLOT, "合同.pdf", "application/pdf"),
    ],
)
def test_a_qualification_document_is_served_under_the_detected_type(
    operator_admin, regulator, given, content, expected, content_type
):
    profile = services.profile_save(user=operator_admin, data=profile_data())
    client = api_for(operator_admin)
    base = f"/api/v1/operators/profiles/{profile.pk}/documents/"
    created = client.post(base, {"kind": "licence", "file": upload(given, content)})
    assert created.status_code == 201, created.json()
    assert created.json()["original_name"] == expected
    assert created.json()["content_type"] == content_type
    pk = created.json()["id"]
    api_download = api_for(regulator).get(f"{base}{pk}/file/")
    assert api_download.status_code == 200 and api_download["Content-Type"] == content_type
    assert served_name(api_download) == expected
    web_download = login_web(Client(), operator_admin).get(f"/portal/operator/documents/{pk}/")
    assert web_download.status_code == 200 and served_name(web_download) == expected


def test_a_signed_agreement_is_served_under_the_detected_type(draft_agreement, operator_admin):
    client = api_for(operator_admin)
    base = f"/api/v1/operators/agreements/{draft_agreement.pk}/document/"
    attached = client.post(base, {"file": upload("signed.exe")})
    assert attached.status_code == 200, attached.json()
    assert served_name(client.get(f"{base}file/")) == "signed.pdf"
    web = login_web(Client(), operator_admin).get(
        f"/portal/agreements/{draft_agreement.pk}/document/"
    )
    assert web.status_code == 200 and served_name(web) == "signed.pdf"


@time_machine.travel("2027-03-10 10:00+08:00")
def test_an_annual_report_attachment_is_named_by_the_detected_type(profile, operator_admin):
    report = services.report_file(
        user=operator_admin, content="年度报告", upload=upload("report.html")
    )
    assert report.attachment_name == "report.pdf"
    assert report.attachment_path.endswith(".pdf")


def test_a_document_stored_before_names_followed_their_type_downloads_right(
    operator_admin, regulator
):
    """Stored as `invoice.html` before the fix: served as `invoice.pdf` all the same."""
    from apps.operators.models import QualificationDocument

    profile = services.profile_save(user=operator_admin, data=profile_data())
    base = f"/api/v1/operators/profiles/{profile.pk}/documents/"
    created = api_for(operator_admin).post(
        base, {"kind": "licence", "file": upload("a.pdf", POLYGLOT)}
    )
    pk = created.json()["id"]
    QualificationDocument.objects.filter(pk=pk).update(original_name="invoice.html")
    assert served_name(api_for(regulator).get(f"{base}{pk}/file/")) == "invoice.pdf"
    web = login_web(Client(), operator_admin).get(f"/portal/operator/documents/{pk}/")
    assert served_name(web) == "invoice.pdf"
