"""The regulator's dashboard (console home) at 100,000 applications (not run in CI).
PostgreSQL only.

    python bench/dashboard.py [--db bench_dashboard] [--applications 100000]
                              [--metered 10000000] [--requests 200] [--reuse]

Drops and recreates the database --db, migrates it and seeds the demo (seed_demo), then
adds in bulk: 300 merchants, --applications access applications over the demo products
in every status (submitted over the last year), their review steps (operator, provider,
security, regulator; decided ones with their decision times, open ones partly overdue)
and a grant for each approved application. Then --metered served requests (UsageEvent)
over those grants and the last year, their per-grant-per-day aggregates (UsageDay)
computed from them, monthly statements and some alerts, all generated inside PostgreSQL
(bench/dashboard_metering.py), and ANALYZE. It refreshes the day's figures the way beat
does (timed), signs the demo regulator in (password and TOTP) and times --requests GETs
of /console/ with the figures fresh: the live to-dos plus the stored figures. Prints
p50/p95/max and the machine's load (the numbers mean little on a busy machine).
--reuse measures the database of an earlier run again without regenerating it.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import dashboard_metering

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (status, share): years of applications, most of them decided; open work is what the
# last month brought in.
STATUSES = [
    ("approved", 0.55),
    ("rejected", 0.12),
    ("withdrawn", 0.06),
    ("in_review", 0.03),
    ("changes_requested", 0.02),
    ("submitted", 0.005),
    ("checking", 0.005),
    ("draft", 0.21),
]
OPEN = ("in_review", "changes_requested", "submitted", "checking", "draft")
STEP_KINDS = [("operator", 5), ("provider", 5), ("security", 3), ("regulator", 5)]


def setup_django(db: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()


def recreate_database(db: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{db}"')


def seed() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", force=True, stdout=StringIO())


def merchants(n: int) -> list[int]:
    from apps.accounts.models import Organization

    Organization.objects.bulk_create(
        Organization(name=f"基准数据商{i:04d}", code=f"bench-merchant-{i:04d}", kind="merchant")
        for i in range(n)
    )
    return list(Organization.objects.filter(kind="merchant").values_list("pk", flat=True))


def generate(count: int, rng: random.Random) -> int:
    """Returns the last application seed_demo made: the bench's come after it."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from apps.accounts.models import Organization, User
    from apps.grants.models import AccessApplication, Grant
    from apps.products.models import DataProduct
    from apps.workflow.models import ReviewStep

    products = list(DataProduct.objects.all())
    assert products, "seed_demo made no product"
    merchant_ids = merchants(300)
    creator = User.objects.get(username="merchant-a")
    regulator_org = Organization.objects.get(code="data-bureau").pk
    provider_org = Organization.objects.get(code="market-regulation").pk
    now = timezone.now()
    statuses = [s for s, _share in STATUSES]
    weights = [share for _s, share in STATUSES]
    apps = []
    for _i in range(count):
        product = rng.choice(products)
        status = rng.choices(statuses, weights)[0]
        age = timedelta(hours=rng.uniform(1, 24 * (30 if status in OPEN else 3 * 365)))
        submitted = None if status == "draft" else now - age
        decided = (
            submitted + timedelta(hours=rng.uniform(2, 24 * 15))
            if status in ("approved", "rejected")
            else None
        )
        apps.append(
            AccessApplication(
                merchant_id=rng.choice(merchant_ids),
                product=product,
                purpose="基准测试：核验合作企业",
                scenario="credit",
                fields=["credit_code"],
                requested_end=(now + timedelta(days=365)).date(),
                legal_basis="合同约定",
                tech_contact_name="张工",
                tech_contact_email="tech@example.com",
                dpo_name="李娜",
                dpo_contact="dpo@example.com",
                status=status,
                round=0 if status == "draft" else 1,
                submitted_at=submitted,
                decided_at=decided if decided and decided < now else None,
                created_by=creator,
                created_at=submitted or now,
            )
        )
    # The demo's own applications (some with their grants) are left as seed_demo made them.
    demo_last = max(AccessApplication.objects.values_list("pk", flat=True), default=0)
    AccessApplication.objects.bulk_create(apps, batch_size=5000)
    kind_org = {
        "operator": products[0].operator_id,
        "provider": provider_org,
        "security": regulator_org,
        "regulator": regulator_org,
    }
    roles = {"operator": "reviewer", "provider": "reviewer", "security": "security_reviewer"}
    content_type = ContentType.objects.get_for_model(AccessApplication)
    steps, grants = [], []
    rows = AccessApplication.objects.filter(pk__gt=demo_last).exclude(
        status__in=["draft", "submitted", "checking"]
    )
    for app in rows.only("pk", "status", "submitted_at", "merchant_id", "product_id").iterator(
        chunk_size=5000
    ):
        route = STEP_KINDS[: rng.randint(1, 4)]
        opened = app.submitted_at + timedelta(minutes=5)
        for position, (kind, days) in enumerate(route):
            last = position == len(route) - 1
            pending = last and app.status in ("in_review",)
            took = timedelta(hours=rng.lognormvariate(3.2, 0.9))
            decided_at = min(opened + took, now)
            steps.append(
                ReviewStep(
                    content_type=content_type,
                    object_id=app.pk,
                    stage=f"application.{kind}"
                    + (f".{provider_org}" if kind == "provider" else ""),
                    assignee_organization_id=kind_org[kind],
                    assignee_role=roles.get(kind, "reviewer"),
                    due_at=opened + timedelta(days=days * 7 / 5),
                    decision="pending" if pending else _decision(app.status, last),
                    decided_at=None if pending else decided_at,
                    created_at=opened,
                )
            )
            opened = decided_at
        if app.status == "approved":
            grants.append(
                Grant(
                    number=f"GR{app.pk:09d}",
                    application_id=app.pk,
                    merchant_id=app.merchant_id,
                    product_id=app.product_id,
                    scope={"sources": []},
                    rate_per_minute=600,
                    starts_at=opened,
                    ends_at=opened + timedelta(days=365),
                    status=rng.choices(
                        ["active", "suspended", "expired", "revoked"], [0.85, 0.03, 0.1, 0.02]
                    )[0],
                )
            )
        if len(steps) >= 20000:
            ReviewStep.objects.bulk_create(steps, batch_size=5000)
            steps = []
    ReviewStep.objects.bulk_create(steps, batch_size=5000)
    Grant.objects.bulk_create(grants, batch_size=5000)
    return demo_last


def _decision(status: str, last: bool) -> str:
    if not last or status == "approved":
        return "approved"
    return {"rejected": "rejected", "changes_requested": "changes_requested"}.get(
        status, "cancelled"
    )


def signed_in_regulator():
    from django.conf import settings
    from django.test import Client
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(username="regulator")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "regulator", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post("/accounts/otp/", {"token": token})
    assert response.status_code == 302, response.status_code
    return client


def measure(client, n: int) -> list[float]:
    from django.db import connection, reset_queries

    for _ in range(5):  # warm-up: templates, caches, connection
        assert client.get("/console/").status_code == 200
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get("/console/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    from django.conf import settings

    settings.DEBUG = True
    reset_queries()
    client.get("/console/")
    print(f"queries per request: {len(connection.queries)}")
    settings.DEBUG = False
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="bench_dashboard")
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--metered", type=int, default=10_000_000, help="usage events")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database a previous run generated"
    )
    args = parser.parse_args()
    if not args.reuse:
        recreate_database(args.db)
    setup_django(args.db)
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    if not args.reuse:
        from django.utils import timezone

        started = time.perf_counter()
        seed()
        demo_last = generate(args.applications, random.Random(args.seed))
        print(f"applications generated in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        dashboard_metering.load(args.metered, timezone.localdate(), demo_last)
        print(f"metering generated in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)

    from apps.grants.models import AccessApplication, Grant
    from apps.workflow.models import ReviewStep

    print(
        f"applications: {AccessApplication.objects.count():,}  "
        f"review steps: {ReviewStep.objects.count():,}  grants: {Grant.objects.count():,}"
    )
    print(dashboard_metering.sizes(), flush=True)
    from apps.console.figures import dashboard_refresh

    snapshot = dashboard_refresh()
    print(f"figures refreshed (the beat task) in {snapshot.seconds * 1000:.0f} ms")
    client = signed_in_regulator()
    timings = sorted(measure(client, args.requests))
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"GET /console/ over {len(timings)} requests: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms (target: p95 < 300 ms)"
    )


if __name__ == "__main__":
    main()
