"""ZIP bombs: an XLSX whose parts unpack far beyond its size is refused from its central
directory, before openpyxl (or anything) unpacks it, at upload and in the job."""

import io
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import AuditEvent
from apps.catalog.ingest import services, zipcheck
from apps.catalog.ingest.errors import IngestError
from apps.catalog.ingest.pipeline import ingest_file
from apps.catalog.ingest.readers import peek
from apps.catalog.ingest.schema import FieldSpec
from apps.catalog.models import DatasetUpload, DatasetVersion
from apps.workflow.models import OutboxItem
from tests.catalog.ingest.conftest import HEADER, ROWS, ingest, upload_file
from tests.conftest import api_for, login_web

pytestmark = pytest.mark.django_db

CODE = "file_unpacks_too_large"
SHARED = "xl/sharedStrings.xml"
MiB = 1024 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": f'<Types xmlns="{_PKG}/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/{SHARED}" ContentType="{_TYPE}.sharedStrings+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet '
    f'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
}


def workbook(target, rows, shared=None, method=zipfile.ZIP_DEFLATED, name=SHARED):
    """A minimal XLSX laid out as Excel writes it, every cell a shared string. `shared`
    (chunks of bytes) is streamed in as the shared-strings part instead of `rows`' own;
    `name`, the part's name (the manifest says where it is)."""
    texts = [text for row in rows for text in row]
    cells = iter(range(len(texts)))
    sheet = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{chr(65 + c)}{r}" t="s"><v>{next(cells)}</v></c>' for c in range(len(row))
        )
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    if shared is None:
        shared = [
            f'<sst xmlns="{_MAIN}">'.encode(),
            *(f"<si><t>{escape(text)}</t></si>".encode() for text in texts),
            b"</sst>",
        ]
    with zipfile.ZipFile(target, "w", method) as archive:
        for part_name, xml in _PARTS.items():
            archive.writestr(part_name, xml.replace(f'"/{SHARED}"', f'"/{name}"'))
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_MAIN}"><sheetData>{sheet}</sheetData></worksheet>',
        )
        with archive.open(name, "w") as part:
            for chunk in shared:
                part.write(chunk)
    return target


def one_string(size: int):
    """A shared-strings part holding one string of `size` bytes, produced a MiB at a time."""
    chunk = b"A" * MiB
    yield f'<sst xmlns="{_MAIN}"><si><t>'.encode()
    for _ in range(size // MiB):
        yield chunk
    yield b"</t></si></sst>"


def xlsx_bytes(rows=ROWS, header=HEADER) -> bytes:
    """A workbook as openpyxl writes it."""
    book = openpyxl.Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def declared(content: bytes, name: str, size: int) -> bytes:
    """The archive with `name`'s unpacked size in the central directory replaced (a lie)."""
    data = bytearray(content)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name.encode():
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(name)


@pytest.fixture(scope="session")
def bomb(tmp_path_factory) -> bytes:
    """600 MiB of one shared string (over the 512 MiB default) in well under 1 MiB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    workbook(path, [["name"]], one_string(600 * MiB))
    content = path.read_bytes()
    assert len(content) < MiB
    return content


@pytest.fixture
def nothing_unpacked(monkeypatch):
    """Fails the test if openpyxl opens a workbook or any ZIP part is read."""

    def refuse(*args, **kwargs):
        raise AssertionError("the archive was unpacked")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def post(client, resource, content: bytes, name="data.xlsx"):
    return client.post(
        f"/api/v1/catalog/resources/{resource.pk}/uploads/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def stored_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "uploads").rglob("*") if p.is_file()]


def test_the_api_refuses_a_bomb_at_once_creates_nothing_and_audits(
    provider, resource, data_dir, bomb, nothing_unpacked
):
    client = api_for(provider)
    started = time.monotonic()
    response = post(client, resource, bomb)
    assert time.monotonic() - started < 5  # no 600 MiB is read: milliseconds in fact

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == CODE
    assert body["details"]["member"] == SHARED
    assert body["details"]["max_ratio"] == zipcheck.MAX_RATIO
    assert not DatasetUpload.objects.exists()
    assert not OutboxItem.objects.exists()
    assert stored_files(data_dir) == []
    assert AuditEvent.objects.filter(
        outcome="denied", reason=CODE, action__startswith="api."
    ).exists()


def test_the_web_form_shows_the_refusal_and_audits_it(web, provider, resource, data_dir, bomb):
    login_web(web, provider)
    web.cookies["pdp_language"] = "en"
    response = web.post(
        f"/portal/resources/{resource.pk}/upload/", {"file": SimpleUploadedFile("b.xlsx", bomb)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error"' in page
    assert "compressed far more than a real spreadsheet" in page
    assert not DatasetUpload.objects.exists()
    assert stored_files(data_dir) == []
    assert AuditEvent.objects.filter(
        outcome="denied", reason=CODE, action__startswith="web."
    ).exists()


def test_a_normal_workbook_still_uploads_and_becomes_a_version(provider, resource):
    response = post(api_for(provider), resource, xlsx_bytes())
    assert response.status_code == 202, response.content
    upload = services.dataset_ingest_run(upload_id=response.json()["id"])
    assert upload.status == "succeeded", upload.problems
    assert upload.version.row_count == len(ROWS)


def test_the_hand_made_workbook_of_the_bombs_is_a_real_one(provider, resource):
    content = workbook(io.BytesIO(), [HEADER, *ROWS]).getvalue()
    upload = ingest(resource, provider, content, "m.xlsx")
    assert upload.status == "succeeded", (upload.error, upload.problems)
    assert upload.version.row_count == len(ROWS)


def test_the_total_unpacked_size_has_a_configurable_limit(provider, resource, settings):
    content = xlsx_bytes()
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist())
    settings.CATALOG_INGEST_MAX_UNPACKED_BYTES = unpacked - 1
    with pytest.raises(IngestError) as error:
        services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file(content, "d.xlsx"), user=provider
        )
    assert error.value.code == CODE
    assert error.value.details == {"unpacked_bytes": unpacked, "max_unpacked_bytes": unpacked - 1}
    assert error.value.status == 422

    settings.CATALOG_INGEST_MAX_UNPACKED_BYTES = unpacked
    assert ingest(resource, provider, content, "d.xlsx").status == "succeeded"


@pytest.mark.parametrize("name", [SHARED, "xl/media/image1.xml"])
def test_the_shared_strings_have_a_limit_of_their_own_wherever_they_are(
    provider, resource, settings, name
):
    """openpyxl keeps each shared string as a Python object (about 3.5 times the part's
    size for short texts), found through the manifest whatever the part's name."""
    rows = [HEADER, *ROWS]
    content = workbook(io.BytesIO(), rows, name=name).getvalue()
    size = zipfile.ZipFile(io.BytesIO(content)).getinfo(name).file_size
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert [c.value for c in next(book.active.iter_rows())] == HEADER  # found by openpyxl
    book.close()
    settings.CATALOG_INGEST_MAX_SHARED_STRINGS_BYTES = size - 1
    with pytest.raises(IngestError) as error:
        services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file(content, "d.xlsx"), user=provider
        )
    assert error.value.code == CODE and error.value.status == 422
    assert error.value.details == {
        "member": name, "unpacked_bytes": size, "max_shared_strings_bytes": size - 1,
    }  # fmt: skip
    assert not DatasetUpload.objects.exists()
    settings.CATALOG_INGEST_MAX_SHARED_STRINGS_BYTES = size
    assert ingest(resource, provider, content, "d.xlsx").status == "succeeded"


@pytest.mark.parametrize(
    ("part", "xml"),
    [
        ("[Content_Types].xml", b"<Types"),  # not XML
        # entities (a billion laughs starts so): refused by defusedxml, here and in openpyxl
        ("[Content_Types].xml", b'<!DOCTYPE t [<!ENTITY a "b">]><Types>&a;</Types>'),
        (  # a good workbook but for an entity: read by openpyxl without defusedxml
            "xl/workbook.xml",
            b'<!DOCTYPE w [<!ENTITY a "Sheet1">]>'
            + _PARTS["xl/workbook.xml"].replace('name="Sheet1"', 'name="&a;"').encode(),
        ),
    ],
)
def test_a_part_that_is_not_plain_xml_is_unreadable(tmp_path, part, xml):
    buffer = io.BytesIO(workbook(io.BytesIO(), [HEADER, *ROWS]).getvalue())
    with zipfile.ZipFile(buffer) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = xml
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, data in parts.items():
            archive.writestr(part_name, data)
    fields = [FieldSpec(name, "string", False) for name in HEADER]
    result = ingest_file(path=path, fields=fields, out_dir=tmp_path / "out", fmt="xlsx")
    assert (result.ok, result.error_code) == (False, "unreadable")


def test_too_many_parts_are_refused_before_zipfile_reads_the_directory(
    provider, resource, monkeypatch
):
    monkeypatch.setattr(zipcheck, "MAX_MEMBERS", 5)
    content = xlsx_bytes()
    assert len(zipfile.ZipFile(io.BytesIO(content)).infolist()) > 5
    monkeypatch.setattr(zipfile, "ZipFile", None)  # the end record alone refuses it
    with pytest.raises(IngestError) as error:
        services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file(content, "d.xlsx"), user=provider
        )
    assert (error.value.code, error.value.details["max_members"]) == (CODE, 5)


def test_a_huge_central_directory_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(zipcheck, "MAX_DIRECTORY_BYTES", 200)
    path = tmp_path / "d.xlsx"
    path.write_bytes(xlsx_bytes())
    with pytest.raises(IngestError) as error:
        zipcheck.checked_archive(path)
    assert error.value.code == CODE
    assert error.value.details["directory_bytes"] > 200


def test_compression_xlsx_never_uses_is_refused(tmp_path):
    path = workbook(tmp_path / "d.xlsx", [HEADER], method=zipfile.ZIP_BZIP2)
    with pytest.raises(IngestError) as error:
        zipcheck.checked_archive(path)
    assert error.value.code == "unsupported_format"


def test_a_damaged_archive_is_a_client_error_not_a_crash(provider, resource):
    content = xlsx_bytes()[:-30]  # the end record is cut off
    with pytest.raises(IngestError) as error:
        services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file(content, "d.xlsx"), user=provider
        )
    assert error.value.code == "unreadable"


def test_a_part_that_lies_about_its_size_is_unpacked_no_further(tmp_path, monkeypatch):
    """20 MiB declared as 1,000 bytes passes the directory check; zipfile stops at the
    declared size, the CRC then fails, and the reader reports a damaged file."""
    real = workbook(io.BytesIO(), [HEADER], one_string(20 * MiB)).getvalue()
    path = tmp_path / "lie.xlsx"
    path.write_bytes(declared(real, SHARED, 1000))
    zipcheck.checked_archive(path).close()  # the declared sizes are harmless

    unpacked = []
    read = zipfile.ZipExtFile.read

    def counted(self, n=-1):
        data = read(self, n)
        unpacked.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    with pytest.raises(IngestError) as error:
        peek(path, "xlsx", "")
    assert error.value.code == "unreadable"
    assert sum(unpacked) < 64 * 1024


def test_the_mapping_step_reader_refuses_a_bomb(tmp_path, bomb, nothing_unpacked):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(IngestError) as error:
        peek(path, "xlsx", "")
    assert error.value.code == CODE


def test_the_pipeline_refuses_a_bomb_when_given_the_format(tmp_path, bomb, nothing_unpacked):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    out = tmp_path / "out"
    result = ingest_file(
        path=path, fields=[FieldSpec("name", "string", True)], out_dir=out, fmt="xlsx"
    )
    assert (result.ok, result.error_code) == (False, CODE)
    assert not out.exists() or not any(out.iterdir())


def test_the_job_refuses_a_workbook_over_the_limit_and_keeps_nothing(
    provider, resource, settings, monkeypatch
):
    upload = services.dataset_upload_create(
        resource=resource, uploaded_file=upload_file(xlsx_bytes(), "d.xlsx"), user=provider
    )
    settings.CATALOG_INGEST_MAX_UNPACKED_BYTES = 1024  # lowered after the upload was taken
    monkeypatch.setattr(openpyxl, "load_workbook", None)

    done = services.dataset_ingest_run(upload_id=upload.pk)

    assert done.status == "failed"
    assert done.error.startswith("The workbook unpacks to more data than")
    assert done.version is None
    assert not DatasetVersion.objects.exists()
    assert not Path(done.file_path).exists()
    assert AuditEvent.objects.filter(action="catalog.datasetupload.fail", reason=CODE).exists()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "members",
    [
        {"hello.txt": b"not a workbook"},
        {"[Content_Types].xml": b"<Types><unclosed"},
        {"[Content_Types].xml": b"<?xml version='1.0'?><Types/>", "xl/workbook.xml": b"<x"},
    ],
    ids=["no-parts", "bad-xml", "missing-sheet"],
)
def test_a_zip_that_is_no_workbook_is_a_client_error_not_a_crash(provider, resource, members):
    """Found in review: a valid ZIP without a workbook in it, or with broken XML, was a 500
    at upload."""
    response = post(api_for(provider), resource, _zip(members))
    assert response.status_code in {202, 422}, response.content[:300]
    if response.status_code == 422:
        assert response.json()["code"] in {"unreadable", "unsupported_format"}
        assert not DatasetUpload.objects.exists()
        return
    # taken (the header is read by the job, as for any file whose header cannot be read
    # at once), then failed by the job with the reason
    done = services.dataset_ingest_run(upload_id=response.json()["id"])
    assert done.status == "failed" and done.version is None
    assert AuditEvent.objects.filter(
        action="catalog.datasetupload.fail", reason="unreadable"
    ).exists()
