"""Chaos bench of the approvals (not a test, not run in CI). PostgreSQL and Redis.

    .venv/bin/python bench/approvals_chaos.py [--kills 50] [--control-kills 10]
        [--db bench_approvals_chaos] [--redis redis://127.0.0.1:6379/9]

Drops and recreates --db, migrates it and seeds the demo data, then, with a merchant
submitting applications all along (a third to the automatic public-welfare product, the
rest to the industrial one: operator review, then security review) and the reviewers
approving every step that opens:

1. MAIN: a Celery worker (acks_late, lease OUTBOX_LEASE_SECONDS=2) and the outbox sweeper
   (every second). --kills times: wait until a checks job is running, SIGKILL the worker,
   FLUSHDB the bench's Redis database, start a new worker. Then let everything settle and
   check every application: approved, one route, the planned review steps each decided
   once (no replaced or cancelled step), one grant, and one audit event per status move,
   per decision and per grant issued (counted by action and target).
2. CONTROL: the same chaos with the outbox task acknowledging its message before it runs
   (early ack) and no sweeper. It must lose work (applications stuck in submitted or
   checking), which shows that this script sees loss when there is some.

The Redis database is the bench's own: it is flushed again and again (FLUSHDB, never
FLUSHALL). Exit status 1 when the main run lost or doubled anything or the control lost
nothing.
"""

import argparse
import itertools
import os
import random
import time
from collections import Counter

from approvals_common import (
    CHECK_TOPIC,
    Loop,
    decide_pending,
    demo,
    flush,
    kill_worker,
    prepare,
    start_worker,
    submit,
    wait_until,
)

LEASE = "2"
LIFE = (3.0, 7.0)  # seconds a worker lives before it may be killed


class Run:
    """One chaos run: its applications, kills and what the kills hit."""

    def __init__(self, name: str):
        self.name = name
        self.automatic: list[int] = []
        self.reviewed: list[int] = []
        self.kills = 0
        self.mid_job = 0  # kills that left a checks job running

    @property
    def ids(self) -> list[int]:
        return self.automatic + self.reviewed


def feeder(d, run: Run):
    counter = itertools.count()

    def one() -> None:
        if next(counter) % 3 == 0:
            run.automatic.append(submit(d.automatic, d.merchant).pk)
        else:
            run.reviewed.append(submit(d.reviewed, d.merchant, d.reviewed_fields).pk)

    return Loop(one, 0.4)


def running_checks() -> dict[int, int]:
    """Checks jobs in the running state: {item: pid of the process that claimed it}."""
    from apps.workflow.models import OutboxItem

    rows = OutboxItem.objects.filter(topic=CHECK_TOPIC, status="running")
    return {pk: int(token.split(":")[1]) for pk, token in rows.values_list("pk", "leased_by")}


def _holder(workers, pid: int):
    """The live worker whose process group holds `pid` (each has a session of its own)."""
    try:
        group = os.getpgid(pid)
    except ProcessLookupError:
        return None
    return next((w for w in workers if w.pid == group), None)


def chaos(run: Run, env: dict, redis_url: str, kills: int, *, early_ack: bool, log) -> None:
    """Two workers, each living LIFE seconds (boot included) before it becomes the victim:
    it is SIGKILLed while it runs a checks job, Redis is flushed and a new worker started,
    while the other carries on (a fleet losing one host at a time)."""
    from apps.workflow.models import OutboxItem

    rng = random.Random(10)

    def spawn():
        return start_worker(env, early_ack=early_ack, log=log)

    workers = {spawn(): time.monotonic() + rng.uniform(*LIFE) for _ in range(2)}
    try:
        while run.kills < kills:
            ripe = [w for w, due in workers.items() if due <= time.monotonic()]
            held: dict = {}
            for pk, pid in running_checks().items() if ripe else ():
                if (worker := _holder(ripe, pid)) is not None:
                    held.setdefault(worker, []).append(pk)
            if not held:
                time.sleep(0.005)
                continue
            victim, hit = next(iter(held.items()))
            kill_worker(victim)
            run.kills += 1
            run.mid_job += OutboxItem.objects.filter(pk__in=hit, status="running").exists()
            flush(redis_url)
            del workers[victim]
            workers[spawn()] = time.monotonic() + rng.uniform(*LIFE)
    finally:
        for worker in workers:
            kill_worker(worker)


def settle(run: Run, env, d, *, seconds: float, early_ack: bool, log) -> float:
    """A worker left alone, the reviewers deciding, until every application is decided."""
    from apps.grants.models import AccessApplication

    started = time.monotonic()
    worker = start_worker(env, early_ack=early_ack, log=log)
    try:
        wait_until(
            lambda: (
                not AccessApplication.objects.filter(pk__in=run.ids)
                .exclude(status="approved")
                .exists()
            ),
            timeout=seconds,
            interval=0.5,
        )
    finally:
        kill_worker(worker)
    return time.monotonic() - started


def audit_counts(target_type: str, ids) -> Counter:
    from apps.audit.models import AuditEvent

    rows = AuditEvent.objects.filter(target_type=target_type, target_id__in=[str(i) for i in ids])
    return Counter(rows.values_list("action", "target_id"))


def verify(run: Run) -> dict:
    """Every application and what it left behind, against what exactly once means."""
    from django.contrib.contenttypes.models import ContentType

    from apps.grants.models import AccessApplication, Grant
    from apps.workflow.models import OutboxItem, ReviewStep

    apps = {a.pk: a for a in AccessApplication.objects.filter(pk__in=run.ids)}
    statuses = Counter(a.status for a in apps.values())
    grants = Counter(
        Grant.objects.filter(application_id__in=run.ids).values_list("application_id", flat=True)
    )
    steps: dict[int, list] = {}
    for object_id, stage, decision in ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessApplication), object_id__in=run.ids
    ).values_list("object_id", "stage", "decision"):
        steps.setdefault(object_id, []).append((stage, decision))
    events = audit_counts("grants.accessapplication", run.ids)
    grant_ids = dict(
        Grant.objects.filter(application_id__in=run.ids).values_list("pk", "application_id")
    )
    issued = audit_counts("grants.grant", grant_ids)
    problems: Counter = Counter()
    automatic = set(run.automatic)
    for pk in run.ids:
        application = apps.get(pk)
        if application is None:
            problems["missing row"] += 1
            continue
        if application.status != "approved":
            problems[f"left {application.status}"] += 1
            continue
        auto = pk in automatic
        kinds = [s["kind"] for s in application.route.get("steps", [])]
        if kinds != ([] if auto else ["operator", "security"]):
            problems["wrong route"] += 1
        want_steps = (
            []
            if auto
            else [("application.operator", "approved"), ("application.security", "approved")]
        )
        if sorted(steps.get(pk, [])) != want_steps:
            problems["steps not exactly once"] += 1
        if grants[pk] != 1:
            problems["grants != 1"] += 1
        moves = ["submitted", "checking", "approved"] + ([] if auto else ["in_review"])
        for move in moves:
            if events[(f"grants.accessapplication.{move}", str(pk))] != 1:
                problems[f"audit {move} != 1"] += 1
        if events[("grants.accessapplication.decide", str(pk))] != len(want_steps):
            problems["audit decide != steps"] += 1
    for grant_id in grant_ids:
        if issued[("grants.grant.issue", str(grant_id))] != 1:
            problems["audit grant issue != 1"] += 1
    items = OutboxItem.objects.filter(topic=CHECK_TOPIC, target_id__in=[str(i) for i in run.ids])
    attempts = Counter(items.values_list("attempts", flat=True))
    return {
        "statuses": statuses,
        "problems": problems,
        "attempts": attempts,
        "items": items.count(),
    }


def report(run: Run, result: dict, settled: float) -> None:
    lost = sum(n for s, n in result["statuses"].items() if s in ("submitted", "checking"))
    print(f"[{run.name}] {len(run.ids)} applications ({len(run.automatic)} automatic, "
          f"{len(run.reviewed)} with two review steps); {run.kills} SIGKILLs + FLUSHDB, "
          f"{run.mid_job} with a checks job running at the kill")  # fmt: skip
    print(f"[{run.name}] final states: {dict(result['statuses'])}; settled in {settled:.0f} s")
    print(f"[{run.name}] checks jobs by attempts: {dict(sorted(result['attempts'].items()))} "
          f"(attempts > 1: taken over after a kill or a lost message)")  # fmt: skip
    print(f"[{run.name}] lost (stuck in submitted/checking): {lost}; "
          f"problems: {dict(result['problems']) or 'none'}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="bench_approvals_chaos")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--control-kills", type=int, default=10)
    parser.add_argument("--settle", type=float, default=300.0, help="seconds at most")
    args = parser.parse_args()
    started = time.monotonic()
    # Short leases for the workers; the sweeper (this process) nudges a lost job again
    # one second after its last nudge, at most 4 s (nudges sent while Redis has lost its
    # bindings are lost too); a job killed again and again is never given up.
    env = prepare(
        args.db, args.redis,
        OUTBOX_LEASE_SECONDS=LEASE, OUTBOX_RENUDGE_SECONDS="1", OUTBOX_RENUDGE_MAX_SECONDS="4",
        OUTBOX_MAX_ATTEMPTS="1000",
    )  # fmt: skip
    from apps.workflow.outbox_sweep import outbox_sweep

    d = demo()
    log = open(env["DATA_DIR"] + "/workers.log", "ab")  # noqa: SIM115 (closed at the end)
    print(f"database {args.db}, Redis {args.redis}, worker log {log.name}")
    verdicts = []
    for name, kills, early_ack, sweeping in (
        ("MAIN", args.kills, False, True),
        ("CONTROL", args.control_kills, True, False),
    ):
        run = Run(name)
        print(f"[{name}] acks {'early' if early_ack else 'late'}, sweeper "
              f"{'on' if sweeping else 'off'}, {kills} kills ...", flush=True)  # fmt: skip
        loops = [feeder(d, run)] + [
            Loop(lambda run=run, org=org: decide_pending(d, run.ids, org), 0.2)
            for org in (d.operator.organization_id, d.regulator.organization_id)
        ]
        if sweeping:
            loops.append(Loop(outbox_sweep, 1.0))
        for loop in loops:
            loop.start()
        try:
            chaos(run, env, args.redis, kills, early_ack=early_ack, log=log)
        finally:
            loops[0].stop()  # no more arrivals; the reviewers and the sweeper carry on
        settled = settle(
            run, env, d, seconds=args.settle if sweeping else 20, early_ack=early_ack, log=log
        )
        for loop in loops[1:]:
            loop.stop()
        decide_pending(d, run.ids)
        result = verify(run)
        report(run, result, settled)
        errors = [e for loop in loops for e in loop.errors]
        if errors:
            print(f"[{name}] errors in the bench's own loops: {len(errors)}, first: {errors[0]}")
        flush(args.redis)
        lost = len(run.ids) - result["statuses"].get("approved", 0)
        if name == "MAIN":
            verdicts.append(("MAIN: nothing lost, nothing doubled", not result["problems"]))
        else:
            verdicts.append(("CONTROL: the script sees loss", lost > 0))
    log.close()
    print(f"SUMMARY ({time.monotonic() - started:.0f} s):")
    for text, ok in verdicts:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _t, ok in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
