"""Leak tracing through the real delivery path: 51 grants are each served a page of the
same 1,000 rows by the record service (watermarked per grant); a 200-row extract of a
delivered page (a subset of rows and columns, shuffled) written as CSV, JSON Lines or
Parquet traces to its grant, and never to another; the unmarked data to none."""

import csv
import io
import json
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from apps.audit.models import AuditEvent
from apps.core.exceptions import InvalidInput
from apps.delivery import services
from apps.delivery.api.views import as_json
from apps.delivery.leaks import leak_read, leak_trace, leak_trace_file
from apps.grants.issuing import grant_issue
from apps.grants.models import AccessApplication
from tests.delivery.billing import priced_product
from tests.delivery.conftest import publish
from tests.grants import conftest as grants_conftest

pytestmark = pytest.mark.django_db

GRANTS = 51
ROWS = 1000


@pytest.fixture
def delivered(effective, resources, operator_admin, regulator, merchant, tmp_path):
    """{grant: the rows its one served page carried (as the JSON body had them)}."""
    publish(resources[1], tmp_path / "leak.parquet", rows=ROWS)
    source = {
        "resource": resources[1].pk,
        "fields": [{"name": "credit_code"}, {"name": "legal_rep"}, {"name": "reg_capital"}],
        "row_filter": [],
    }
    product = priced_product(
        effective, resources, operator_admin, regulator, sources=[source], max_rows_per_day=None
    )
    first = grants_conftest.issued(
        product, merchant, operator_admin, fields=["credit_code", "reg_capital"]
    )
    grants = [first]
    for _ in range(GRANTS - 1):  # more approvals of the same request, issued as the last step
        application = AccessApplication.objects.get(pk=first.application_id)
        application.pk = application.id = None
        application.save()
        grants.append(grant_issue(application, actor=None))
    pages = {}
    for grant in grants:
        _page, body = services.records_read(
            grant=grant, user=merchant, params={"page_size": str(ROWS)}, render=as_json
        )
        pages[grant] = json.loads(body)["results"]
        assert len(pages[grant]) == ROWS
    return pages


def extract(rng: random.Random, rows: list[dict]) -> list[dict]:
    """200 rows, the watermarked credit_code and maybe reg_capital, shuffled (row and
    column order)."""
    columns = ["credit_code"] + (["reg_capital"] if rng.random() < 0.5 else [])
    rng.shuffle(columns)
    return [{c: row[c] for c in columns} for row in rng.sample(rows, 200)]


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_parquet(rows: list[dict]) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), out)
    return out.getvalue()


def test_an_extract_of_any_grants_page_traces_to_that_grant_and_no_other(delivered):
    rng = random.Random(11)
    grants = list(delivered)
    for source in rng.sample(grants, 12):
        leaked = extract(rng, delivered[source])
        for name, raw in (("x.csv", as_csv(leaked)), ("x.parquet", as_parquet(leaked))):
            ranking = leak_trace_file(io.BytesIO(raw), name, top=GRANTS)
            assert ranking[0].grant == source and ranking[0].matched, name
            assert not any(s.matched for s in ranking[1:]), name
            assert len(ranking) == GRANTS  # every served grant was a candidate


def test_the_unmarked_data_traces_to_no_grant(delivered, resources):
    table = pq.read_table(resources[1].current_version.parquet_path, columns=["credit_code"])
    rows = random.Random(3).sample(table.to_pylist(), 200)
    assert not any(s.matched for s in leak_trace(rows, top=GRANTS))


def test_the_trace_leak_command_names_the_grant_from_csv_parquet_and_json_lines(
    delivered, tmp_path
):
    rng = random.Random(5)
    for number, fmt in enumerate(["csv", "parquet", "jsonl"]):
        grant = list(delivered)[17 + number]
        leaked = extract(rng, delivered[grant])
        path = tmp_path / f"leak.{fmt}"
        if fmt == "jsonl":
            raw = "\n".join(json.dumps(r, ensure_ascii=False) for r in leaked).encode()
            assert leak_read(io.BytesIO(raw), path.name) == leaked
        else:
            raw = as_csv(leaked) if fmt == "csv" else as_parquet(leaked)
        path.write_bytes(raw)
        out = io.StringIO()
        call_command("trace_leak", str(path), "--top", "3", stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0].startswith(f"MATCH\tgrant {grant.pk} "), fmt
        assert not any(line.startswith("MATCH") for line in lines[1:3])
        assert lines[-1] == f"Most likely source: grant {grant.pk}"
        event = AuditEvent.objects.filter(action="delivery.leak.trace").latest("id")
        assert event.target_id == str(grant.pk)
        assert json.loads(event.data)["rows"] == 200


def test_an_unreadable_file_is_refused_with_a_code():
    with pytest.raises(InvalidInput) as refused:
        leak_read(io.BytesIO(b"PAR1 not really"), "x.parquet")
    assert refused.value.code == "leak_unreadable"
    with pytest.raises(InvalidInput):
        leak_read(io.BytesIO(b"\xff\xfe\x00garbage"), "x.csv")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"a," + b"x" * 200_000 + b"\n1,2\n", "leak.csv"),  # over the csv field limit
        (b"[" * 100_000 + b"\n", "leak.jsonl"),  # deeper than Python's decoder recurses
        (b'{"a": ' + b"[" * 100_000 + b"\n", "leak.jsonl"),
        # half a UTF-16 pair, which Arrow refused while scoring (UnicodeEncodeError)
        (b'{"credit_code": "\\ud800x"}\n', "leak.jsonl"),
    ],
    ids=["overlong_csv_cell", "deep_json", "deep_json_value", "half_surrogate_pair"],
)
def test_a_hostile_leaked_file_is_unreadable_not_a_server_error(content, name):
    """Both were 500s on the console's leak page (security review 2026-12-05)."""
    with pytest.raises(InvalidInput) as refused:
        leak_read(io.BytesIO(content), name)
    assert refused.value.code == "leak_unreadable"
