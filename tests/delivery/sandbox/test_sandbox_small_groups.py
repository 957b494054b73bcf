"""Through the API, a grouping with a group under k rows is refused whole, recorded and
audited, and spends one of the day's data refusals; a coarser grouping is answered with
every group. Nothing says any more how many groups were left out: none ever is."""

import pytest

from apps.audit.models import AuditEvent
from apps.delivery.models import SandboxQuery
from apps.delivery.sandbox import data_refusals_today
from tests.delivery.sandbox.conftest import session, url

pytestmark = pytest.mark.django_db

# The view's reg_capital is 0, 10, ..., 1000 (101 rows): 900-940 is five rows, 950-1000 six.
FINE = (
    "SELECT reg_capital >= 900 AS top, reg_capital >= 950 AS very, count(*) AS n "
    "FROM grant_data GROUP BY 1, 2 ORDER BY 1, 2"
)
COARSE = "SELECT reg_capital >= 900 AS top, count(*) AS n FROM grant_data GROUP BY 1 ORDER BY 1"


def test_a_grouping_with_small_groups_is_refused_and_releases_nothing(sandbox_grant, merchant):
    client = session(merchant)
    # the two small groups hold 11 rows together: once left out, the 90 others released
    response = client.post(url(sandbox_grant), {"sql": FINE}, format="json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "sql_suppressed_below_k"
    assert "10" in body["message"]  # k, in the caller's language
    assert set(body) == {"code", "message", "details"}  # no rows, not even the large group
    record = SandboxQuery.objects.get()
    assert (record.decision, record.refusal_code, record.rows_released) == (
        "refused",
        "sql_suppressed_below_k",
        0,
    )
    assert AuditEvent.objects.filter(
        action="delivery.sandbox.query", outcome="denied", reason="sql_suppressed_below_k"
    ).exists()
    assert data_refusals_today(sandbox_grant) == 1  # it answered a question about the rows


def test_a_grouping_whose_every_group_holds_k_rows_is_answered_whole(sandbox_grant, merchant):
    client = session(merchant)
    response = client.post(url(sandbox_grant), {"sql": COARSE}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rows"] == [[False, 90], [True, 11]]
    assert "suppressed_groups" not in body
    history = client.get(url(sandbox_grant)).json()
    [entry] = history["results"]
    assert entry["rows_released"] == 2 and "suppressed_groups" not in entry
