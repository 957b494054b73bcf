"""Every CSV the platform writes neutralizes cells a spreadsheet would run (apps.core.csvsafe)."""

import csv
import io

import hypothesis
import hypothesis.strategies as st
import pyarrow as pa
import pytest

from apps.audit.models import AuditEvent
from apps.core.csvsafe import is_formula, neutralize
from apps.delivery.export_files import neutralize_column
from tests.conftest import api_for

DANGEROUS = [
    "=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-1+cmd", "@SUM(A1)", "\t=1", "\r=1",
    "  =1+1", "\u200b=1+1", "\u200b\u200c\u200d\u2060\ufeff=1", "\u3000=1",
    "＝1+1", "＋1", "－1", "＠SUM(A1)", "\u200b＝1", "﹦1",
]  # fmt: skip
HARMLESS = ["hello", "1+1=2", "a@b.cn", "", "中文", " x=1", "'=already"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_dangerous_cells_get_a_leading_quote(value):
    assert is_formula(value)
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_harmless_cells_are_left_alone(value):
    assert neutralize(value) == value
    assert neutralize(42) == 42 and neutralize(None) is None


def test_an_export_column_is_neutralized_exactly_like_each_cell():
    """Exports neutralize whole Arrow columns (apps.delivery.export_files): the same
    result as `neutralize` cell by cell."""
    values = [*DANGEROUS, *HARMLESS, None, "①=1", "ª+1", "⁺1", "\x00=1", "é", "-"]
    assert neutralize_column(pa.array(values)).to_pylist() == [neutralize(v) for v in values]


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(
    st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=40),
    st.integers(0, 5),
    st.sampled_from([pa.string(), pa.large_string()]),
)
def test_column_neutralization_agrees_with_the_cell_rule_on_any_text(values, skip, kind):
    """Either width, and slices of a batch (their buffers start before their values)."""
    column = pa.array(values, kind).slice(min(skip, len(values)))
    assert neutralize_column(column).to_pylist() == [neutralize(v) for v in values[skip:]]


@pytest.mark.django_db
def test_a_user_agent_formula_from_an_anonymous_caller_is_neutralized_in_the_audit_csv(
    api, regulator
):
    api.get("/api/v1/me/", HTTP_USER_AGENT='=HYPERLINK("http://evil","click")')
    assert AuditEvent.objects.filter(user_agent__startswith="=HYPERLINK").exists()
    response = api_for(regulator).get("/api/v1/audit/events/export/csv/")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    agents = [row["user_agent"] for row in rows if "HYPERLINK" in row["user_agent"]]
    assert agents and all(agent.startswith("'=") for agent in agents)
