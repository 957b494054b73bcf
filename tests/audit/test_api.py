import json

import pytest

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/audit/events/"


@pytest.fixture
def trails(merchant, outsider, regulator):
    """One event about each merchant organization's own object."""
    mine = audit_record(actor=merchant, action="thing.touch", target=merchant.organization)
    theirs = audit_record(actor=outsider, action="thing.touch", target=outsider.organization)
    return mine, theirs


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_regulator_reads_every_organizations_events(regulator, trails):
    assert {e.pk for e in trails} <= ids(api_for(regulator).get(EVENTS))


def test_an_outsider_reads_only_its_own_organizations_events(outsider, trails):
    mine, theirs = trails
    seen = ids(api_for(outsider).get(EVENTS))
    assert theirs.pk in seen
    assert mine.pk not in seen


def test_an_outsider_cannot_open_another_organizations_event(outsider, trails):
    mine, _ = trails
    assert api_for(outsider).get(f"{EVENTS}{mine.pk}/").status_code == 404


def test_an_outsider_sees_an_empty_timeline_of_another_organizations_object(
    outsider, merchant, trails
):
    query = f"?target_type=accounts.organization&target_id={merchant.organization_id}"
    assert ids(api_for(outsider).get(f"{EVENTS}timeline/{query}")) == set()


def test_an_outsider_cannot_export_another_organizations_events(outsider, trails):
    mine, theirs = trails
    response = api_for(outsider).get(f"{EVENTS}export/jsonl/")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    exported = {line["id"] for line in lines if line["type"] == "event"}
    assert theirs.pk in exported and mine.pk not in exported


def test_anonymous_clients_cannot_read_events(api, trails):
    assert api.get(EVENTS).status_code == 401
    assert api.get(f"{EVENTS}export/csv/").status_code == 401


def test_events_filter_by_action_outcome_organization_and_time(regulator, merchant, trails):
    client = api_for(regulator)
    org = merchant.organization_id
    assert ids(client.get(EVENTS, {"organization": org, "action": "thing."})) == {trails[0].pk}
    assert ids(client.get(EVENTS, {"actor": "merchant", "outcome": "allowed"})) >= {trails[0].pk}
    assert ids(client.get(EVENTS, {"since": "2999-01-01T00:00:00Z"})) == set()
    assert client.get(EVENTS, {"outcome": "maybe"}).status_code == 400


def test_the_event_list_pages_with_a_cursor_in_few_queries(
    regulator, django_assert_max_num_queries
):
    client = api_for(regulator)
    for n in range(5):
        audit_record(actor=regulator, action="thing.page", data={"n": n})
    with django_assert_max_num_queries(8):
        first = client.get(EVENTS, {"action": "thing.page", "page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_the_timeline_lists_what_happened_to_one_object_oldest_first(merchant):
    from apps.accounts import services

    key, _ = services.api_key_create(
        organization=merchant.organization, created_by=merchant, name="k"
    )
    services.api_key_revoke(api_key=key, actor=merchant)
    response = api_for(merchant).get(
        f"{EVENTS}timeline/", {"target_type": "accounts.apikey", "target_id": key.pk}
    )
    assert [r["action"] for r in response.json()["results"]] == ["api_key.create", "api_key.revoke"]


def test_the_csv_export_carries_the_covering_signed_checkpoint(regulator, trails):
    response = api_for(regulator).get(f"{EVENTS}export/csv/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("seq,hash,id,")
    newest = max(int(line.split(",")[0]) for line in body.splitlines()[1:])
    assert int(response["X-Audit-Checkpoint-Seq"]) >= newest
    assert len(response["X-Audit-Checkpoint-Signature"]) == 128


@pytest.mark.parametrize(
    ("file_format", "accept", "content_type"),
    [
        ("csv", "text/csv", "text/csv; charset=utf-8"),
        ("jsonl", "application/x-ndjson", "application/x-ndjson"),
        ("csv", "image/png", "text/csv; charset=utf-8"),
    ],
)
def test_the_export_answers_whatever_the_accept_header_asks(
    regulator, trails, file_format, accept, content_type
):
    """The path names the file's format: an `Accept` naming it (or anything else) was a
    406 before, as the action had only the JSON renderer."""
    response = api_for(regulator).get(f"{EVENTS}export/{file_format}/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content)


def test_a_refused_export_is_json_whatever_the_accept_header(outsider, trails):
    response = api_for(outsider).get(f"{EVENTS}export/csv/?since=nonsense", HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "validation_error"


def test_the_jsonl_export_starts_with_the_checkpoint_and_public_key(regulator, trails):
    response = api_for(regulator).get(f"{EVENTS}export/jsonl/")
    first = json.loads(b"".join(response.streaming_content).splitlines()[0])
    assert first["type"] == "checkpoint"
    assert "BEGIN PUBLIC KEY" in first["checkpoint"]["public_key"]


def test_checkpoints_and_the_public_key_are_public(api, regulator, trails):
    api_for(regulator).get(f"{EVENTS}export/csv/")  # makes sure a checkpoint exists
    checkpoints = api.get("/api/v1/audit/checkpoints/")
    assert checkpoints.status_code == 200
    assert checkpoints.json()["results"][0]["signature"]
    key = api.get("/api/v1/audit/public-key/")
    assert key.status_code == 200 and key.json()["algorithm"] == "Ed25519"


def test_checkpoints_cannot_be_written_through_the_api(api, regulator):
    assert api_for(regulator).post("/api/v1/audit/checkpoints/", {}).status_code == 405
    assert AuditEvent.objects.filter(reason="method_not_allowed").exists()


@pytest.mark.parametrize("by", ["actor_label", "actor_id"])
def test_the_actor_filter_does_not_find_a_person_the_row_leaves_blank(merchant, regulator, by):
    """An organization reads the events about its objects without who did them; filtering
    on that person's name or id must not tell it either (it found the row by a guess)."""
    about_me = audit_record(actor=regulator, action="thing.review", target=merchant.organization)
    mine = audit_record(actor=merchant, action="thing.touch", target=merchant.organization)
    client = api_for(merchant)
    listed = {row["id"]: row for row in client.get(EVENTS).json()["results"]}
    assert listed[about_me.pk]["actor_label"] == ""  # the row hides the regulator
    hidden = getattr(about_me, by)
    assert ids(client.get(EVENTS, {"actor": hidden})) == set()
    export = client.get(f"{EVENTS}export/csv/", {"actor": hidden})
    assert len(b"".join(export.streaming_content).splitlines()) == 1  # the header alone
    assert mine.pk in ids(client.get(EVENTS, {"actor": getattr(mine, by)}))
    assert about_me.pk in ids(api_for(regulator).get(EVENTS, {"actor": hidden}))


def test_a_row_that_hides_its_person_hides_the_hash_covering_it(merchant, regulator):
    """The chain hash covers the actor, IP and user agent: a reader who may not see them
    must not get a value to test guesses of them against."""
    from apps.audit.sealer import seal_pending

    about_me = audit_record(actor=regulator, action="thing.review", target=merchant.organization)
    mine = audit_record(actor=merchant, action="thing.touch", target=merchant.organization)
    seal_pending()
    listed = {row["id"]: row for row in api_for(merchant).get(EVENTS).json()["results"]}
    assert listed[about_me.pk]["hash"] is None and listed[about_me.pk]["seq"] is not None
    assert len(listed[mine.pk]["hash"]) == 64  # its own people's rows keep theirs
    export = api_for(merchant).get(f"{EVENTS}export/jsonl/")
    rows = [json.loads(line) for line in b"".join(export.streaming_content).splitlines()[1:]]
    exported = {row["id"]: row for row in rows}
    assert exported[about_me.pk]["hash"] is None and exported[mine.pk]["hash"]
    regulators = {row["id"]: row for row in api_for(regulator).get(EVENTS).json()["results"]}
    assert len(regulators[about_me.pk]["hash"]) == 64
