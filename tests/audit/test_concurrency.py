import threading

import pytest
from django.db import connection

from apps.audit.context import SYSTEM
from apps.audit.models import AuditSeal
from apps.audit.sealer import seal_pending
from apps.audit.services import audit_record
from apps.audit.verify import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS, EACH = 8, 40


def test_concurrent_writers_and_sealers_give_a_gap_free_verifiable_chain():
    start = AuditSeal.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    errors: list[BaseException] = []
    writing = threading.Event()
    writing.set()

    def writer(n: int):
        try:
            for i in range(EACH):
                audit_record(actor=SYSTEM, action="test.concurrent", data={"w": n, "i": i})
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    def sealer():
        # Two sealers racing each other: the advisory lock must keep them from colliding.
        try:
            while writing.is_set():
                seal_pending(batch_size=25)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in sealers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    for thread in sealers:
        thread.join()
    assert not errors
    seal_pending()

    seqs = list(AuditSeal.objects.filter(seq__gt=start).values_list("seq", flat=True))
    assert seqs == list(range(start + 1, start + 1 + len(seqs)))
    sealed = AuditSeal.objects.filter(seq__gt=start, event__action="test.concurrent").count()
    assert sealed == WRITERS * EACH
    result = verify_chain()
    assert result.ok, result.summary
