"""What bench/approvals.py and bench/approvals_chaos.py share (not a test, not run in CI):
a fresh PostgreSQL database with the demo data, a Redis database of the bench's own, the
merchant's submissions, the reviewers' decisions and Celery workers to start and kill.

    python bench/approvals_common.py worker [--early-ack]

is the worker these benches start: `celery worker` on the approvals and default queues,
with `--early-ack` a variant of the outbox task that acknowledges its message before it
runs (the control of the chaos bench: a killed worker loses that message).
"""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other bench scripts

from audit import ROOT, recreate_database

CHECK_TOPIC = "grants.application.check"


def environment(db: str, redis_url: str, **extra: str) -> dict:
    """The variables of the bench process and of the workers it starts."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
        "REDIS_URL": redis_url,
        "DATA_DIR": os.environ.get("BENCH_DATA_DIR") or tempfile.mkdtemp(prefix="approvals-"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "ERROR",
        **extra,
    }


def prepare(db: str, redis_url: str, **extra: str) -> dict:
    """Drops and recreates `db`, migrates it, seeds the demo data; empties the Redis DB."""
    env = environment(db, redis_url, **extra)
    os.environ.update(env)
    os.environ["BENCH_DATA_DIR"] = env["DATA_DIR"]
    recreate_database(db)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, stdout=StringIO())
    flush(redis_url)
    return env


def flush(redis_url: str) -> None:
    """FLUSHDB of the bench's own Redis database (never FLUSHALL)."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()


@dataclass
class Demo:
    merchant: object
    operator: object
    regulator: object
    automatic: object  # the public-welfare product over open data: no human step
    reviewed: object  # the industrial product: operator review, then security review
    reviewed_fields: list


def demo() -> Demo:
    from apps.accounts.models import User
    from apps.grants import facts
    from apps.products.models import DataProduct

    products = DataProduct.objects.filter(operator__code="data-operator", status="listed")
    reviewed = products.get(use_type="industrial")
    personal = [
        ident for ident, f in facts.product_fields(reviewed).items() if f.personal_info != "none"
    ]
    return Demo(
        merchant=User.objects.get(username="merchant-a"),
        operator=User.objects.get(username="operator-reviewer"),
        regulator=User.objects.get(username="regulator"),
        automatic=products.get(use_type="public_welfare"),
        reviewed=reviewed,
        reviewed_fields=personal[:1],
    )


def submit(product, user, fields=None):
    """Creates and submits an application (the nudge leaves when it commits)."""
    from django.utils import timezone

    from apps.grants import applications, facts

    data = {
        "product": product.pk,
        "purpose": "基准测试：核验合作方信息",
        "scenario": product.scenarios[0],
        "fields": fields or list(facts.product_fields(product))[:1],
        "requested_end": timezone.localdate() + timedelta(days=90),
        "legal_basis": "合同约定",
        "tech_contact_name": "张工",
        "tech_contact_email": "tech@example.com",
        "dpo_name": "李娜",
        "dpo_contact": "dpo@example.com",
        "accept_terms": True,
    }
    application = applications.application_create(user=user, data=data)
    return applications.application_submit(application=application, user=user)


def decide_pending(d: Demo, ids, organization_id=None) -> int:
    """Approves every pending step of these applications (of one organization's steps,
    when given), as its reviewer would."""
    from django.contrib.contenttypes.models import ContentType

    from apps.core.exceptions import DomainError
    from apps.grants import approval
    from apps.grants.models import AccessApplication
    from apps.workflow.models import ReviewStep

    steps = ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessApplication),
        object_id__in=list(ids),
        decision="pending",
    ).order_by("id")
    if organization_id is not None:
        steps = steps.filter(assignee_organization_id=organization_id)
    done = 0
    for step in steps:
        user = (
            d.operator
            if step.assignee_organization_id == d.operator.organization_id
            else d.regulator
        )
        try:
            approval.application_decide(
                application=AccessApplication(pk=step.object_id), user=user,
                step_id=step.pk, decision="approved", comment="基准测试通过",
            )  # fmt: skip
            done += 1
        except DomainError:
            pass  # decided or withdrawn meanwhile
    return done


class Loop(threading.Thread):
    """Calls `func` every `every` seconds until stopped (its own DB connection)."""

    def __init__(self, func, every: float):
        super().__init__(daemon=True)
        self.func, self.every, self.stopped = func, every, threading.Event()
        self.errors: list[str] = []

    def run(self) -> None:
        from django.db import connection

        while not self.stopped.is_set():
            try:
                self.func()
            except Exception as error:  # counted and shown; the bench carries on
                self.errors.append(f"{type(error).__name__}: {error}")
            self.stopped.wait(self.every)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=60)


def start_worker(env: dict, *, early_ack: bool = False, concurrency: int = 2, log=None):
    command = [sys.executable, __file__, "worker", "--concurrency", str(concurrency)]
    if early_ack:
        command.append("--early-ack")
    return subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
        stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL,
    )  # fmt: skip


def kill_worker(process, sig=signal.SIGKILL) -> None:
    """The whole process group: the main process and its pool children."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)] if ordered else float("nan")


def _worker_main(argv: list[str]) -> None:
    import django

    django.setup()
    import apps.workflow.tasks  # noqa: F401  (registers workflow.outbox.run)
    from config.celery import app

    task = app.tasks["workflow.outbox.run"]
    if "--early-ack" in argv:
        # The message is acknowledged when the worker takes it, before the job runs.
        task.acks_late = False
        task.reject_on_worker_lost = False
    concurrency = argv[argv.index("--concurrency") + 1] if "--concurrency" in argv else "2"
    app.worker_main([
        "worker", "-Q", "approvals,default", "-c", concurrency, "--pool", "prefork",
        "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "ERROR",
    ])  # fmt: skip


def wait_until(predicate, timeout: float, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(interval)
    return None


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    sys.path.insert(0, str(ROOT))
    _worker_main(sys.argv[2:])
