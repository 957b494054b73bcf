"""Two beat processes signing checkpoints at once give one checkpoint per chain position."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from apps.audit.checkpoints import checkpoint_create, checkpoint_sign, last_checkpoint
from apps.audit.choices import CheckpointKind
from apps.audit.models import AuditCheckpoint
from apps.audit.sealer import seal_pending
from tests.audit.conftest import record_many


@pytest.mark.django_db(transaction=True)
def test_a_second_checkpoint_run_waits_for_the_first_and_signs_nothing():
    record_many(2)
    seal_pending()
    first_signed = threading.Event()
    results: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = checkpoint_create()
                first_signed.set()
                # Still uncommitted while the second run starts.
                second_thread.join(timeout=1.0)
        finally:
            connection.close()

    def second():
        try:
            first_signed.wait(timeout=10)
            results["second"] = checkpoint_create()
        except BaseException as error:  # reported to the main thread below
            results["second"] = error
        finally:
            connection.close()

    second_thread = threading.Thread(target=second)
    first_thread = threading.Thread(target=first)
    first_thread.start()
    second_thread.start()
    first_thread.join(timeout=20)
    second_thread.join(timeout=20)
    signed = results["first"]
    assert signed is not None
    assert results["second"] is None
    assert AuditCheckpoint.objects.filter(kind=signed.kind, seq=signed.seq).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_checkpoint_of_the_same_position():
    record_many(1)
    seal_pending()
    signed = checkpoint_create() or last_checkpoint()
    with pytest.raises(IntegrityError), transaction.atomic():
        checkpoint_sign(
            kind=CheckpointKind.CHECKPOINT, seq=signed.seq, chain_hash=bytes(signed.hash)
        )
