"""The report names the row (header = row 1), the column, the value and the reason."""

import pytest

from apps.catalog.ingest import services
from apps.catalog.ingest.errors import ColumnsUnmatched
from apps.catalog.ingest.services import uploads_dir
from apps.catalog.models import DatasetUpload
from tests.catalog.ingest.conftest import HEADER, ROWS, csv_bytes, ingest, upload_file

pytestmark = pytest.mark.django_db


def problems(upload) -> list[tuple]:
    return [(p["row"], p["column"], p["value"], p["code"]) for p in upload.problems]


def row(**changes) -> list[str]:
    values = dict(zip(HEADER, ROWS[0], strict=True)) | changes
    return [values[name] for name in HEADER]


def test_wrong_types_are_reported_cell_by_cell(provider, resource):
    rows = [
        row(),
        row(age="三十四", income="1,23.4"),
        row(member="maybe", born="2023-02-29", updated="yesterday"),
    ]
    upload = ingest(resource, provider, csv_bytes(rows))

    assert upload.status == "failed"
    assert problems(upload) == [
        (3, "age", "三十四", "integer"),
        (3, "income", "1,23.4", "decimal"),
        (4, "born", "2023-02-29", "date"),
        (4, "member", "maybe", "boolean"),
        (4, "updated", "yesterday", "datetime"),
    ]
    assert upload.problem_count == 5
    assert upload.version is None


def test_ragged_rows_are_reported_with_their_line_and_do_not_shift_later_rows(provider, resource):
    content = (
        csv_bytes([row()])
        + b"short,row\n"
        + csv_bytes([row(age="x")])[len(",".join(HEADER) + "\n") :]
        + ",".join([*row(), "extra"]).encode()
        + b"\n"
    )
    upload = ingest(resource, provider, content)

    assert problems(upload) == [
        (3, None, "short,row", "ragged"),
        (4, "age", "x", "integer"),
        (5, None, ",".join([*row(), "extra"]), "ragged"),
    ]


def test_missing_required_value(provider, resource):
    upload = ingest(resource, provider, csv_bytes([row(), row(name=" ", id_number="")]))
    assert problems(upload) == [(3, "id_number", "", "required"), (3, "name", " ", "required")]


def test_duplicate_unknown_and_missing_header_names_are_refused_at_upload(provider, resource):
    header = [*HEADER[:-1], "name", "nickname"]
    with pytest.raises(ColumnsUnmatched) as refused:
        ingest(resource, provider, csv_bytes([[*row()[:-1], "x", "y"]], header=header))

    details = refused.value.details
    assert (details["duplicate_columns"], details["unmatched_columns"]) == (["name"], ["nickname"])
    assert details["missing_fields"] == ["updated"]
    assert not DatasetUpload.objects.exists()
    assert not any(uploads_dir(resource.pk).iterdir())  # the file is not kept


def test_a_header_that_no_longer_matches_when_the_job_runs_stops_before_any_row(provider, resource):
    upload = services.dataset_upload_create(
        resource=resource, uploaded_file=upload_file(csv_bytes([row()])), user=provider
    )
    # the field list changed between the upload and its job
    resource.fields.filter(name="updated").update(name="changed_at", label="变更时间")
    services.dataset_ingest_run(upload_id=upload.pk)
    upload.refresh_from_db()

    assert upload.status == "failed"
    assert upload.error.startswith("The header")
    assert problems(upload) == [
        (1, "changed_at", None, "missing_column"),
        (1, "updated", "updated", "unknown_column"),
    ]


def test_header_columns_may_come_in_any_order(provider, resource):
    order = list(reversed(HEADER))
    upload = ingest(resource, provider, csv_bytes([list(reversed(row()))], header=order))
    assert upload.status == "succeeded", upload.problems
    assert [c["name"] for c in upload.version.schema] == HEADER


@pytest.mark.parametrize(
    "value", ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+cmd|' /C calc'!A0",
              "-cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1",
              "\u200b=1+1", "\ufeff\u2060@SUM(A1)", "＝HYPERLINK(\"http://x\")", "＋cmd",
              "\u3000－cmd", "\u200b+86 138"],
)  # fmt: skip
def test_formula_like_text_is_refused_as_csv_injection(provider, resource, value):
    upload = ingest(resource, provider, csv_bytes([row(), row(address=value)]))
    assert problems(upload) == [(3, "address", value, "formula")]


@pytest.mark.parametrize("value", ["+86 138 1234 5678", "-12.5", "-", "邮箱 a@b.cn", "1+1=2"])
def test_text_that_only_looks_odd_is_accepted(provider, resource, value):
    upload = ingest(resource, provider, csv_bytes([row(address=value)]))
    assert upload.status == "succeeded", upload.problems


def test_only_the_first_problems_are_kept_but_all_are_counted(provider, resource, settings):
    settings.CATALOG_MAX_REPORTED_PROBLEMS = 5
    upload = ingest(resource, provider, csv_bytes([row(age="x")] * 20))

    assert upload.problem_count == 20
    assert [p["row"] for p in upload.problems] == [2, 3, 4, 5, 6]


def test_a_file_with_only_a_header_is_refused(provider, resource):
    upload = ingest(resource, provider, csv_bytes([]))
    assert upload.status == "failed"
    assert "no data rows" in upload.error
