"""Every accepted CSV encoding is detected and read; anything else is refused clearly."""

import codecs

import pyarrow.parquet as pq
import pytest
from django.utils import translation

from apps.catalog.ingest import services
from apps.core.exceptions import InvalidInput
from tests.catalog.ingest.conftest import ROWS, csv_bytes, ingest, upload_file

pytestmark = pytest.mark.django_db


def names_in(upload) -> list[str]:
    return pq.read_table(upload.version.parquet_path, columns=["name"]).column(0).to_pylist()


@pytest.mark.parametrize(
    ("encoding", "content_encoding"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"), ("gb18030", "gb18030")],
)
def test_csv_in_each_encoding_is_detected_and_read(provider, resource, encoding, content_encoding):
    rows = [list(row) for row in ROWS]
    if encoding == "gb18030":
        rows[2][0] = "𠀾李"  # a character GBK cannot encode: four bytes in GB18030
    upload = ingest(resource, provider, csv_bytes(rows, encoding=content_encoding))

    assert upload.status == "succeeded", upload.problems or upload.error
    assert upload.detected_encoding == encoding
    assert names_in(upload) == [row[0] for row in rows]


def test_bom_is_not_part_of_the_first_column_name(provider, resource):
    content = csv_bytes(ROWS, encoding="utf-8-sig")
    assert content.startswith(codecs.BOM_UTF8)
    upload = ingest(resource, provider, content)
    assert upload.status == "succeeded"
    assert upload.version.schema[0]["name"] == "name"


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 20,  # binary
        "姓名,年龄\n张三,34\n".encode("utf-16"),  # NUL bytes
        "name,age\nJos\xe9 \xc0\xff\xfe,1\n".encode("latin-1") + b"\x81\x20",  # not GB either
    ],
    ids=["binary", "utf-16", "latin-1"],
)
def test_unknown_encoding_is_refused_at_upload(provider, resource, content, data_dir):
    with pytest.raises(InvalidInput) as error:
        services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file(content), user=provider
        )
    assert error.value.code == "unknown_encoding"
    assert not any((data_dir / "uploads").rglob("*.csv"))


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 8, "binary data"),  # an .exe
        ("姓名,年龄\n张三,34\n".encode("utf-16"), "UTF-16"),  # with its BOM
        ("name,age\nAda,36\n".encode("utf-16-le"), "UTF-16"),  # without
        ("name,age\nJos\xe9 \xc0\xff\xfe,1\n".encode("latin-1") + b"\x81\x20", "UTF-8"),
    ],
    ids=["executable", "utf-16", "utf-16-le", "latin-1"],
)
def test_a_refused_file_is_told_what_it_is(provider, resource, content, says):
    # The uploader learns what to do: a binary file is no table, a UTF-16 one needs saving
    # again as UTF-8; the code stays `unknown_encoding` for programs.
    with pytest.raises(InvalidInput) as error, translation.override("en"):
        services.dataset_upload_create(
            resource=resource, uploaded_file=upload_file(content, "data.csv"), user=provider
        )
    with translation.override("en"):
        assert says in str(error.value.message)


def test_an_undecodable_byte_far_into_the_file_fails_the_job_clearly(provider, resource):
    # The first megabyte is clean UTF-8, so detection accepts the file.
    good = csv_bytes([ROWS[0]] * 12000)
    assert len(good) > 1024 * 1024
    upload = ingest(resource, provider, good + ",".join(["王五", *ROWS[0][1:]]).encode("gbk"))

    assert upload.status == "failed"
    assert "could not be read" in upload.error
    assert upload.version is None
