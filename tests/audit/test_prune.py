from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.audit import services
from apps.audit.choices import CheckpointKind, Retention
from apps.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from apps.audit.partitions import audit_prune, ensure_partitions
from apps.audit.sealer import seal_pending
from apps.audit.verify import verify_chain
from tests.audit.conftest import record_many

pytestmark = pytest.mark.usefixtures("empty_audit_log")


def record_at(monkeypatch, moment, count: int, retention: str):
    ensure_partitions(around=moment, ahead=0)
    monkeypatch.setattr(services.timezone, "now", lambda: moment)
    record_many(count, retention=retention)
    monkeypatch.undo()
    seal_pending()


def test_pruning_drops_expired_months_and_the_rest_still_verifies(monkeypatch):
    now = timezone.now()
    old = now - timedelta(days=4 * 365)
    record_at(monkeypatch, old, 3, Retention.ACCESS)
    record_at(monkeypatch, now - timedelta(days=365), 2, Retention.PERSONAL_INFO)
    record_many(2)
    seal_pending()

    result = audit_prune()

    assert result.events_removed == 3
    assert result.anchor_seq == 3
    assert "retention" in result.stopped_because
    assert AuditEvent.objects.filter(retention=Retention.PERSONAL_INFO).count() == 2
    assert not AuditSeal.objects.filter(seq__lte=3).exists()
    assert AuditCheckpoint.objects.filter(kind=CheckpointKind.ANCHOR, seq=3).exists()
    verified = verify_chain()
    assert verified.ok, verified.summary
    assert verified.start_seq == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"audit_event_p{old:%Y%m}"])
        assert cursor.fetchone()[0] is None  # a partition drop, not row deletes


def test_personal_information_events_are_kept_for_three_years(monkeypatch):
    record_at(monkeypatch, timezone.now() - timedelta(days=2 * 365), 2, Retention.PERSONAL_INFO)
    assert audit_prune().events_removed == 0
    assert AuditEvent.objects.filter(retention=Retention.PERSONAL_INFO).count() == 2


def test_the_pruning_run_is_itself_recorded():
    audit_prune()
    assert AuditEvent.objects.filter(action="audit.prune").exists()
