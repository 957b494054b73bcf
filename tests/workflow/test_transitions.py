"""transition(): the table decides; one history row and one audit event per move."""

import pytest

from apps.audit.models import AuditEvent
from apps.catalog.choices import REGISTRATION_TRANSITIONS, RegistrationKind
from apps.catalog.choices import RegistrationStatus as S
from apps.core.exceptions import TransitionNotAllowed
from apps.workflow.history import history_for, history_record
from apps.workflow.transitions import record_change, transition

pytestmark = pytest.mark.django_db

TABLE = REGISTRATION_TRANSITIONS[RegistrationKind.INITIAL]


def test_a_move_outside_the_table_is_refused_and_leaves_no_trace(draft, provider):
    events = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowed) as error:
        transition(draft, S.REGISTERED, table=TABLE, actor=provider)
    assert error.value.details == {"status": "draft", "requested": "registered"}
    assert draft.status == S.DRAFT
    assert not history_for(draft).exists()
    assert AuditEvent.objects.count() == events


def test_a_move_writes_one_history_row_and_one_audit_event(draft, provider):
    transition(draft, S.SUBMITTED, table=TABLE, actor=provider, note="请审核", kind="initial")
    assert draft.status == S.SUBMITTED  # set, not saved: the caller saves
    (row,) = history_for(draft)
    assert (row.from_status, row.to_status, row.kind, row.note) == (
        "draft",
        "submitted",
        "initial",
        "请审核",
    )
    assert row.actor == provider and row.actor_organization_id == provider.organization_id
    assert row.get_to_status_display() == str(S.SUBMITTED.label)
    assert row.get_kind_display() == str(RegistrationKind.INITIAL.label)
    event = AuditEvent.objects.get(action="catalog.dataresource.submitted")
    assert event.target_org_id == draft.provider_id and event.reason == "请审核"


def test_a_system_move_has_no_actor_in_the_history(draft):
    transition(draft, S.SUBMITTED, table=TABLE)
    assert history_for(draft).get().actor is None


def test_history_reads_one_object_in_order(draft, provider):
    history_record(draft, from_status="draft", to_status="draft", actor=provider, note="a")
    history_record(draft, from_status="draft", to_status="submitted", note="b")
    assert [h.note for h in history_for(draft)] == ["a", "b"]
    assert list(draft.history.values_list("note", flat=True)) == ["a", "b"]


def test_record_change_joins_the_owners_audit_trail(draft, provider):
    record_change(provider, "catalog.dataresource.touch", draft, after={"x": 1})
    event = AuditEvent.objects.get(action="catalog.dataresource.touch")
    assert event.target_org_id == draft.provider_id
