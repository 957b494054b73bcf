"""The outbox: asynchronous work as rows, Celery messages as nudges, leases as liveness.

    item = outbox_add(topic="catalog.ingest", payload={"upload": upload.pk}, obj=upload)

writes the row in the caller's transaction and sends a nudge (`workflow.outbox.run`) when
it commits. The worker claims the row with a compare-and-swap UPDATE, runs the handler
registered for its topic and marks it done; a failure is retried with exponential backoff
and, after `max_attempts`, left as `failed` (admin list, audit event). A running job
holds a lease; long jobs renew it with `lease_renew(item)` at each batch of progress, and
a job whose lease lapsed (its worker died) is claimed again. One beat sweeper
(apps.workflow.outbox_sweep) nudges the rows whose nudge is overdue.

Upper apps register their handlers in `AppConfig.ready()`; this module never imports them.
"""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.audit.choices import Outcome
from apps.audit.services import audit_record
from apps.workflow.models import OutboxItem, OutboxStatus

log = logging.getLogger(__name__)
S = OutboxStatus


class LeaseLost(Exception):
    """Another worker holds the item now: the caller must stop without touching it."""


class PermanentFailure(Exception):
    """The work cannot succeed by trying again: the item fails at once."""


@dataclass(frozen=True)
class Handler:
    topic: str
    func: Callable[[OutboxItem], None]
    queue: str = "default"
    # Name of the setting holding the attempt limit (OUTBOX_MAX_ATTEMPTS when empty).
    max_attempts_setting: str = ""
    # Hard time limit of one run in seconds (soft limit 30 s less); None: Celery's default.
    time_limit: int | None = None


HANDLERS: dict[str, Handler] = {}


def register(
    topic: str,
    func: Callable[[OutboxItem], None],
    *,
    queue: str = "default",
    max_attempts_setting: str = "",
    time_limit: int | None = None,
) -> None:
    """Names the function that does the work of `topic` (called from AppConfig.ready)."""
    HANDLERS[topic] = Handler(topic, func, queue, max_attempts_setting, time_limit)


def _max_attempts(handler: Handler) -> int:
    return getattr(settings, handler.max_attempts_setting or "OUTBOX_MAX_ATTEMPTS")


def outbox_add(
    *,
    topic: str,
    payload: dict,
    obj: models.Model | None = None,
    key: str | None = None,
    run_at: datetime | None = None,
) -> OutboxItem | None:
    """Queues work in the caller's transaction; the nudge is sent when it commits.

    With a `key`, the same (topic, key) is queued once: a second call returns None.
    `run_at` delays the work (the sweeper nudges it when it is due).
    """
    if topic not in HANDLERS:
        raise LookupError(f"no outbox handler is registered for {topic!r}")
    now = timezone.now()
    due = run_at or now
    countdown = max((due - now).total_seconds(), 0)
    nudge_now = countdown <= settings.OUTBOX_MAX_COUNTDOWN_SECONDS
    item = OutboxItem(
        topic=topic,
        payload=payload,
        key=key or "",
        next_attempt_at=due,
        max_attempts=_max_attempts(HANDLERS[topic]),
        last_nudged_at=now if nudge_now else None,
        nudge_count=1 if nudge_now else 0,
    )
    if obj is not None:
        item.target_type = ContentType.objects.get_for_model(obj)
        item.target_id = str(obj.pk)
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the caller's work
            item.save(force_insert=True)
    except IntegrityError:
        if not key:
            raise
        return None
    if nudge_now:
        transaction.on_commit(lambda: send_nudge(item.pk, topic, countdown))
    return item


def send_nudge(item_id: int, topic: str, countdown: float = 0) -> None:
    """Enqueues `workflow.outbox.run(item_id)` on the topic's queue. A broker that is down
    loses nothing: the row stays and the sweeper nudges it again later."""
    from apps.workflow.tasks import outbox_run_task

    handler = HANDLERS.get(topic)
    # OUTBOX_QUEUE_PREFIX (tests only): a worker process a test starts nudges the test's
    # private queues, never the queues a shared worker listens on.
    options: dict = {
        "queue": settings.OUTBOX_QUEUE_PREFIX + (handler.queue if handler else "default")
    }
    if handler and handler.time_limit:
        options.update(
            time_limit=handler.time_limit, soft_time_limit=max(handler.time_limit - 30, 1)
        )
    if countdown > 0:
        options["countdown"] = min(countdown, settings.OUTBOX_MAX_COUNTDOWN_SECONDS)
    try:
        outbox_run_task.apply_async((item_id,), **options)
    except Exception:
        log.exception("could not nudge outbox item %s; the sweeper will", item_id)


def claimable(now: datetime) -> Q:
    """Pending and due, or running with a lapsed lease (its worker died)."""
    return Q(status=S.PENDING, next_attempt_at__lte=now) | Q(status=S.RUNNING, lease_until__lt=now)


def _lease_end(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def claim(item_id: int) -> OutboxItem | None:
    """Compare-and-swap to running under a new lease; attempts are counted here, so a job
    that kills its worker every time still ends after `max_attempts`."""
    now = timezone.now()
    rows = OutboxItem.objects.filter(claimable(now), pk=item_id)
    spent = rows.filter(attempts__gte=F("max_attempts"))
    with transaction.atomic():  # the failure and its audit event, together
        lost = spent.filter(status=S.RUNNING).update(
            status=S.FAILED,
            finished_at=now,
            lease_until=None,
            last_error="The worker running the last attempt was lost (its lease lapsed).",
        )
        if lost or spent.update(status=S.FAILED, finished_at=now, lease_until=None):
            _record_failure(OutboxItem.objects.get(pk=item_id))
            return None
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not rows.filter(attempts__lt=F("max_attempts")).update(
        status=S.RUNNING,
        attempts=F("attempts") + 1,
        lease_until=_lease_end(now),
        leased_by=token,
        started_at=now,
        progress=None,
    ):
        return None
    return OutboxItem.objects.get(pk=item_id)


def _held(item: OutboxItem):
    return OutboxItem.objects.filter(pk=item.pk, status=S.RUNNING, leased_by=item.leased_by)


def lease_renew(item: OutboxItem, *, progress: float | None = None) -> None:
    """Extends the lease of a running job (call it with each batch of progress). Raises
    LeaseLost when another worker took the item over, so a zombie stops."""
    fields: dict = {"lease_until": _lease_end(timezone.now())}
    if progress is not None:
        fields["progress"] = max(0.0, min(float(progress), 1.0))
    if not _held(item).update(**fields):
        raise LeaseLost(f"outbox item {item.pk} is no longer leased by {item.leased_by}")
    for name, value in fields.items():
        setattr(item, name, value)


def outbox_run(item_id: int) -> bool:
    """Claims the item and runs its handler. True if this call did (or ended) the work;
    False if the item was not claimable or its lease was lost. Safe to call twice."""
    item = claim(item_id)
    if item is None:
        return False
    handler = HANDLERS.get(item.topic)
    try:
        if handler is None:
            raise PermanentFailure(f"no handler is registered for {item.topic!r}")
        handler.func(item)
    except LeaseLost:
        log.warning("outbox item %s: lease lost, another worker carries on", item.pk)
        return False
    except PermanentFailure as error:
        _fail(item, str(error))
        return True
    except Exception as error:
        log.exception("outbox item %s (%s) failed", item.pk, item.topic)
        _retry_or_fail(item, f"{type(error).__name__}: {error}")
        return True
    done = _held(item).update(
        status=S.DONE,
        finished_at=timezone.now(),
        lease_until=None,
        progress=1.0,
        result=item.result,
    )
    if not done:
        log.warning("outbox item %s finished after its lease was taken over", item.pk)
    return True


def retry_delay(attempts: int) -> int:
    base, cap = settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), cap)


def _retry_or_fail(item: OutboxItem, error: str) -> None:
    if item.attempts >= item.max_attempts:
        _fail(item, error)
        return
    now = timezone.now()
    delay = retry_delay(item.attempts)
    nudge = delay <= settings.OUTBOX_MAX_COUNTDOWN_SECONDS
    retried = _held(item).update(
        status=S.PENDING,
        next_attempt_at=now + timedelta(seconds=delay),
        last_error=error[:4000],
        lease_until=None,
        leased_by="",
        last_nudged_at=now if nudge else None,
        nudge_count=F("nudge_count") + (1 if nudge else 0),
    )
    if retried and nudge:
        send_nudge(item.pk, item.topic, delay)


def _fail(item: OutboxItem, error: str) -> None:
    with transaction.atomic():
        if _held(item).update(
            status=S.FAILED, finished_at=timezone.now(), last_error=error[:4000], lease_until=None
        ):
            item.refresh_from_db()
            _record_failure(item)


def _record_failure(item: OutboxItem) -> None:
    """A visible failure: the audit log says which work was given up and why."""
    audit_record(
        action="workflow.outboxitem.fail",
        target=item,
        outcome=Outcome.ERROR,
        reason=item.last_error[:500],
        data={
            "topic": item.topic,
            "attempts": item.attempts,
            "target_type": item.target_type.model if item.target_type_id else "",
            "target_id": item.target_id,
        },
    )


def outbox_items_for(obj: models.Model, *, topic: str):
    """The outbox rows about one object (newest first)."""
    return OutboxItem.objects.filter(
        topic=topic, target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
    )


@contextmanager
def lease_kept(item: OutboxItem, *, every: float | None = None):
    """Renews the lease from a background thread around one long call that cannot report
    progress (a single query, say). The thread stops when the block ends or the lease is
    lost; a worker that dies or hangs stops renewing with it (the time limit ends a hang)."""
    stop = threading.Event()
    holder = OutboxItem(pk=item.pk, leased_by=item.leased_by)
    interval = every or settings.OUTBOX_LEASE_SECONDS / 3

    def renew() -> None:
        try:
            while not stop.wait(interval):
                lease_renew(holder)
        except LeaseLost:
            pass
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=renew, name=f"lease-{item.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
