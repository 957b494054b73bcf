"""What a record request's values may be. A date or datetime field takes an ISO date (and
time, to the second, without an offset) only: DuckDB's cast, like PostgreSQL's, would read
`infinity`, `-infinity` and `epoch` as dates and drop an offset. An `in` list names 1 to
100 values, none of them empty. `source` is a resource id: anything else is 400
`source_invalid`; an id that is not one of the grant's sources is 422
`source_not_in_grant`, whether the resource exists or not. Every refusal is audited."""

import datetime as dt
import hashlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from apps.audit.models import AuditEvent
from apps.catalog.models import DatasetVersion
from apps.grants.models import Grant
from tests.delivery.conftest import ROWS, credit, url

pytestmark = pytest.mark.django_db

DAY_ONE = dt.date(2020, 1, 1)


@pytest.fixture
def dated(grant, resources, tmp_path):
    """The grant with two more unmasked fields on a new version of its resource:
    `established` (row i: 2020-01-01 + i days) and `updated_at` (row i: 2020-01-01
    00:00:00 + i hours). The grant's row filter keeps rows 0..100."""
    resource, path = resources[1], tmp_path / "dated.parquet"
    table = pa.table(
        {
            "credit_code": [credit(i) for i in range(ROWS)],
            "legal_rep": ["张三某"] * ROWS,
            "reg_capital": pa.array([10 * i for i in range(ROWS)], pa.decimal128(18, 2)),
            "established": pa.array(
                [DAY_ONE + dt.timedelta(days=i) for i in range(ROWS)], pa.date32()
            ),
            "updated_at": pa.array(
                [dt.datetime(2020, 1, 1) + dt.timedelta(hours=i) for i in range(ROWS)],
                pa.timestamp("s"),
            ),
            "employees": pa.array(range(ROWS), pa.int64()),
            "listed": pa.array([i % 2 == 0 for i in range(ROWS)], pa.bool_()),
            "capital": pa.array([10 * i for i in range(ROWS)], pa.decimal128(18, 2)),
        }
    )
    pq.write_table(table, path)
    types = [("credit_code", "string"), ("legal_rep", "string"), ("reg_capital", "decimal")]
    types += [("established", "date"), ("updated_at", "datetime")]
    types += [("employees", "integer"), ("listed", "boolean"), ("capital", "decimal")]
    version = DatasetVersion.objects.create(
        resource=resource,
        number=resource.versions.count() + 1,
        parquet_path=str(path),
        row_count=ROWS,
        byte_size=path.stat().st_size,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        schema=[{"name": name, "type": kind} for name, kind in types],
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    scope = grant.scope
    for name in ("established", "updated_at", "employees", "listed", "capital"):
        scope["sources"][0]["fields"].append(
            {"name": name, "ident": name, "masking": "none", "personal_info": "none"}
        )
    Grant.objects.filter(pk=grant.pk).update(scope=scope)
    grant.refresh_from_db()
    return grant


def rows(client, grant, **params) -> list[dict]:
    response = client.get(url(grant, page_size=1000, **params))
    assert response.status_code == 200, response.content
    return response.json()["results"]


def refused(client, grant, code: str, status: int = 400, **params) -> AuditEvent:
    """Asserts the refusal and returns its audit event (denied, against the grant)."""
    response = client.get(url(grant, **params))
    assert (response.status_code, response.json()["code"]) == (status, code), params
    denial = AuditEvent.objects.filter(action="delivery.records.read", outcome="denied").last()
    assert (denial.reason, denial.target_id) == (code, str(grant.pk))
    return denial


def test_iso_dates_and_datetimes_filter_as_before(key_client, dated):
    on_day_three = rows(key_client, dated, **{"filter[established][eq]": "2020-01-03"})
    assert [r["established"] for r in on_day_three] == ["2020-01-03"]
    first_five = {"filter[established][range]": "2020-01-01,2020-01-05"}
    assert len(rows(key_client, dated, **first_five)) == 5
    assert len(rows(key_client, dated, **{"filter[established][range]": ",2020-01-02"})) == 2
    two = {"filter[established][in]": "2020-01-02,2020-02-01"}
    assert len(rows(key_client, dated, **two)) == 2
    # A datetime takes a date (midnight), minutes or seconds, with T or a space.
    hours = {"filter[updated_at][range]": "2020-01-01,2020-01-01T02:00"}
    assert len(rows(key_client, dated, **hours)) == 3
    at = {"filter[updated_at][eq]": "2020-01-01 05:00:00"}
    assert [r["updated_at"] for r in rows(key_client, dated, **at)] == ["2020-01-01T05:00:00"]
    # prefix compares the text, so a partial date is a prefix, not a date.
    assert len(rows(key_client, dated, **{"filter[established][prefix]": "2020-01-"})) == 31


@pytest.mark.parametrize(
    "value",
    [
        "infinity", "-infinity", "Infinity", "epoch", "today", "now", "allballs",
        "2020-1-3", " 2020-01-03", "20200103", "2020-02-30", "0000-01-01", "2020-01-03 BC",
        "294247-01-10", "２０２０-01-03", "",
    ],
)  # fmt: skip
def test_a_date_filter_takes_an_iso_date_only(key_client, dated, value):
    denial = refused(key_client, dated, "filter_invalid", **{"filter[established][eq]": value})
    assert denial.outcome == "denied"


@pytest.mark.parametrize(
    "params",
    [
        {"filter[established][range]": "-infinity,2020-01-05"},
        {"filter[established][range]": "2020-01-05,infinity"},
        {"filter[established][in]": "2020-01-03,epoch"},
        {"filter[updated_at][eq]": "infinity"},
        {"filter[updated_at][range]": "epoch,"},
        {"filter[updated_at][eq]": "2020-01-01T10:00:00+08:00"},  # the cast drops offsets
        {"filter[updated_at][eq]": "2020-01-01T10:00:00Z"},
        {"filter[updated_at][eq]": "2020-01-01T10:00:00.5"},  # fields keep whole seconds
        {"filter[updated_at][eq]": "2020-01-01T24:00:00"},
    ],
)
def test_every_date_and_datetime_value_of_a_filter_is_checked(key_client, dated, params):
    refused(key_client, dated, "filter_invalid", **params)


@pytest.mark.parametrize("value", ["", ",", ",,,", f"{credit(5)},", f",{credit(5)}", "a,,b"])
def test_an_in_list_with_no_value_or_an_empty_one_is_refused(key_client, grant, value):
    refused(key_client, grant, "filter_invalid", **{"filter[credit_code][in]": value})


def test_an_in_list_without_a_value_at_all_is_refused(key_client, grant):
    path = f"/api/v1/grants/{grant.pk}/records/?filter[credit_code][in]"
    response = key_client.get(path)
    assert (response.status_code, response.json()["code"]) == (400, "filter_invalid")
    assert AuditEvent.objects.filter(outcome="denied", reason="filter_invalid").exists()


@pytest.mark.parametrize(
    "value", ["abc", "1.5", "-1", " 2", "2 ", "+2", "0x2", "²", "２", "9" * 19, "2,1"]
)
def test_a_source_that_is_not_a_resource_id_is_400(key_client, grant, value):
    denial = refused(key_client, grant, "source_invalid", source=value)
    assert denial.outcome == "denied"


def test_a_source_outside_the_grant_is_422_whether_or_not_it_exists(key_client, grant, resources):
    assert resources[0].pk != grant.scope["sources"][0]["resource"]
    for value in (resources[0].pk, 999_999_999, 0):
        refused(key_client, grant, "source_not_in_grant", status=422, source=value)
    own = grant.scope["sources"][0]["resource"]
    assert len(rows(key_client, grant, source=own)) == 101
    assert len(rows(key_client, grant, source=f"0{own}")) == 101  # the same number
    assert len(rows(key_client, grant, source="")) == 101  # the first source


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("employees", {"7": 1, "-1": 0}, ["1.5", "1e3", "0x10", "1_000", " 7", "+7", "", "7 "]),
        ("capital", {"70": 1, "70.00": 1, "-1.5": 0}, ["1e3", "7.", ".5", "NaN", "inf", "+7"]),
        ("listed", {"true": 51, "false": 50}, ["t", "yes", "1", "TRUE", "on"]),
    ],
)
def test_a_number_or_boolean_filter_takes_its_plain_form_only(key_client, dated, name, good, bad):
    """Plain digits, true or false: the cast would round 1.5 to 2, read 1e3, 0x10 and
    1_000, and take t or yes for true."""
    for value, count in good.items():
        assert len(rows(key_client, dated, **{f"filter[{name}][eq]": value})) == count, value
    for value in bad:
        refused(key_client, dated, "filter_invalid", **{f"filter[{name}][eq]": value})


def test_a_decimal_value_has_no_more_digits_than_its_column(key_client, dated):
    """capital is DECIMAL(18, 2): 69.995 would be rounded to the 70.00 it then finds."""
    assert len(rows(key_client, dated, **{"filter[capital][eq]": "70.0"})) == 1
    for params in (
        {"filter[capital][eq]": "69.995"},
        {"filter[capital][range]": "69.995,70.004"},
        {"filter[capital][in]": "70.00,70.004999"},
        {"filter[capital][eq]": "1" * 17},
    ):
        denial = refused(key_client, dated, "filter_invalid", **params)
        assert denial.reason == "filter_invalid"
    response = key_client.get(url(dated, **{"filter[capital][eq]": "69.995"}))
    assert "filter[capital][eq]" in response.json()["details"]
    past_bigint = {"filter[employees][range]": "0,9223372036854775808"}
    refused(key_client, dated, "filter_invalid", **past_bigint)
    assert "filter[employees][range]" in key_client.get(url(dated, **past_bigint)).json()["details"]
