"""Applications routed by a real Celery worker on Redis and PostgreSQL (on private queues):
every classification and personal-data combination, the automatic path, a worker
SIGKILLed in the middle of the checks job with Redis flushed, a renewal, and the
webhook events a registered endpoint receives, signed."""

import time

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import transaction

from apps.audit.models import AuditEvent
from apps.grants import access, applications, approval
from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import GrantStatus as G
from apps.grants.models import AccessApplication, Grant, GrantKey
from apps.workflow import review
from apps.workflow.models import OutboxItem
from apps.workflow.outbox_sweep import outbox_sweep
from tests.conftest import wait_for
from tests.grants.conftest import application_data
from tests.grants.shelf import PERSONAL_FIELDS
from tests.webhooks.conftest import endpoint_for
from tests.workflow.worker import PREFIX, flush_redis, kill_worker, start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEASE = 3  # seconds: a killed worker's job is taken over soon after
# The worker's own nudges (webhook deliveries, e-mails) go to the private queues too, so
# the session's shared worker never takes them.
WORKER_ENV = {
    "OUTBOX_LEASE_SECONDS": str(LEASE),
    "WEBHOOKS_ALLOW_INSECURE_LOOPBACK": "true",
    "OUTBOX_QUEUE_PREFIX": PREFIX,
}
DONE = (A.IN_REVIEW, A.APPROVED, A.REJECTED)


@pytest.fixture
def worker(private_queues, settings):
    # The sweeper runs in this process: a lost nudge is sent again after a second.
    settings.OUTBOX_RENUDGE_SECONDS = 1
    settings.WEBHOOKS_ALLOW_INSECURE_LOOPBACK = True
    process = start_worker(queues=("approvals", "default"), **WORKER_ENV)
    yield process
    stop_worker(process)


def submit(product, merchant, fields, **overrides) -> AccessApplication:
    with transaction.atomic():  # the nudge leaves when this commits
        application = applications.application_create(
            user=merchant, data=application_data(product, fields=fields, **overrides)
        )
        return applications.application_submit(application=application, user=merchant)


def routed(application, timeout: float = 30) -> AccessApplication:
    return wait_for(
        lambda: AccessApplication.objects.filter(pk=application.pk, status__in=DONE).first(),
        timeout=timeout,
    )


def steps_of(application) -> list[str]:
    return [s["kind"] for s in application.route["steps"]]


def decide_every_step(application, deciders: dict, decision: str = "approved") -> None:
    """Each pending step decided by its organization's person, until none is open."""
    while step := review.steps_for(application).filter(decision="pending").first():
        approval.application_decide(
            application=application,
            user=deciders[step.assignee_organization_id],
            step_id=step.pk,
            decision=decision,
            comment="同意",
        )


def audit_count(application, action: str) -> int:
    return AuditEvent.objects.filter(
        action=action, target_type="grants.accessapplication", target_id=str(application.pk)
    ).count()


EXPECTED = {
    ("general", "none"): ["operator"],
    ("general", "personal"): ["operator", "security"],
    ("general", "sensitive"): ["operator", "security", "regulator"],
    ("important", "none"): ["operator", "provider", "regulator"],
    ("important", "personal"): ["operator", "provider", "security", "regulator"],
    ("important", "sensitive"): ["operator", "provider", "security", "regulator"],
}


def test_the_worker_routes_every_combination_and_the_steps_end_in_one_grant(
    worker, shelf, merchant, operator_admin, provider, regulator
):
    # given one submission per classification and personal-data combination
    submitted = {
        combo: submit(shelf[combo[0]], merchant, PERSONAL_FIELDS[combo[1]]) for combo in EXPECTED
    }
    deciders = {u.organization_id: u for u in (operator_admin, provider, regulator)}
    for combo, application in submitted.items():
        # when the worker has run the checks
        application = routed(application)
        # then each is in review on the route of the default rules
        assert application.status == A.IN_REVIEW, (combo, application.checks)
        assert steps_of(application) == EXPECTED[combo], combo
        first = review.steps_for(application).get()
        assert first.stage == "application.operator"
        assert first.assignee_organization_id == operator_admin.organization_id
        # and the reviewers' approvals, step by step, issue exactly one grant
        decide_every_step(application, deciders)
        application.refresh_from_db()
        assert application.status == A.APPROVED
        decided = review.steps_for(application).values_list("stage", "decision")
        assert [s.split(".")[1] for s, d in decided] == EXPECTED[combo]
        assert {d for _s, d in decided} == {"approved"}
        grant = Grant.objects.get(application=application)
        assert grant.status == G.ACTIVE
        assert sorted(grant.field_names) == sorted(PERSONAL_FIELDS[combo[1]])


def test_the_automatic_path_issues_a_grant_seconds_after_submission(worker, shelf, merchant):
    # given a public-welfare product over unconditionally open general data
    started = time.monotonic()
    application = submit(shelf["open"], merchant, ["credit_code", "temperature"])
    # when the worker runs the checks, then nobody has to do anything
    application = routed(application, timeout=10)
    elapsed = time.monotonic() - started
    assert application.status == A.APPROVED, application.checks
    assert application.route["automatic"] is True and application.route["steps"] == []
    assert elapsed < 5, f"{elapsed:.1f} s"
    grant = Grant.objects.get(application=application)
    assert grant.status == G.ACTIVE and access.refusal(grant) is None
    assert not review.steps_for(application).exists()
    assert audit_count(application, "grants.accessapplication.approved") == 1


def test_a_worker_killed_in_the_checks_job_and_a_flushed_redis_route_each_application_once(
    private_queues, settings, shelf, merchant
):
    settings.OUTBOX_RENUDGE_SECONDS = 1
    # given a worker whose checks job is held in the middle (after submitted → checking,
    # reading the routing rules, which another session holds locked)
    db = django_settings.DATABASES["default"]
    blocker = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=False
    )
    blocker.execute("LOCK TABLE grants_ruleset IN ACCESS EXCLUSIVE MODE")
    first = start_worker(queues=("approvals", "default"), **WORKER_ENV)
    try:
        reviewed = submit(shelf["general"], merchant, PERSONAL_FIELDS["personal"])
        automatic = submit(shelf["open"], merchant, ["credit_code"])
        stuck = wait_for(
            lambda: AccessApplication.objects.filter(
                pk__in=[reviewed.pk, automatic.pk], status=A.CHECKING
            ).first(),
            timeout=30,
        )
        # when the worker is SIGKILLed there and Redis loses every message
        kill_worker(first)
    finally:
        kill_worker(first)
        blocker.rollback()
        blocker.close()
    assert (
        OutboxItem.objects.get(target_id=str(stuck.pk), topic="grants.application.check").status
        == "running"
    )
    flush_redis()
    # then a new worker and the sweeper (the lease lapses after LEASE seconds) finish both
    second = start_worker(queues=("approvals", "default"), **WORKER_ENV)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            outbox_sweep()
            rows = AccessApplication.objects.filter(pk__in=[reviewed.pk, automatic.pk])
            if all(a.status in DONE for a in rows):
                break
            time.sleep(1)
    finally:
        stop_worker(second)
    reviewed.refresh_from_db()
    automatic.refresh_from_db()
    assert (reviewed.status, automatic.status) == (A.IN_REVIEW, A.APPROVED)
    # exactly once: one route, one set of steps, one grant, one audit event per move
    assert steps_of(reviewed) == ["operator", "security"]
    assert review.steps_for(reviewed).count() == 1
    assert Grant.objects.filter(application=automatic).count() == 1
    assert not Grant.objects.filter(application=reviewed).exists()
    for application, last in ((reviewed, "in_review"), (automatic, "approved")):
        for move in ("submitted", "checking", last):
            assert audit_count(application, f"grants.accessapplication.{move}") == 1, move
    item = OutboxItem.objects.get(target_id=str(stuck.pk), topic="grants.application.check")
    assert (item.status, item.attempts) == ("done", 2)
    grant = Grant.objects.get(application=automatic)
    issued = AuditEvent.objects.filter(
        action="grants.grant.issue", target_type="grants.grant", target_id=str(grant.pk)
    )
    assert issued.count() == 1


def test_a_renewal_takes_the_shorter_route_and_the_old_grant_serves_until_the_new_one(
    worker, shelf, merchant, operator_admin, regulator
):
    from apps.accounts import services as accounts

    deciders = {u.organization_id: u for u in (operator_admin, regulator)}
    # given an active grant over a personal field, with a bound key
    first = routed(submit(shelf["general"], merchant, PERSONAL_FIELDS["personal"]))
    assert steps_of(first) == ["operator", "security"]
    decide_every_step(first, deciders)
    old = Grant.objects.get(application=first)
    key, _raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name="bound"
    )
    access.key_bind(grant=old, user=merchant, api_key_id=key.pk)
    # when the merchant renews it
    renewal = applications.application_follow_up(
        grant=old, user=merchant, kind="renewal", data={"accept_terms": True}
    )
    with transaction.atomic():
        applications.application_submit(application=renewal, user=merchant)
    renewal = routed(renewal)
    # then the worker gives it only the operator's review, with the renewal deadline
    assert renewal.status == A.IN_REVIEW, renewal.checks
    assert renewal.route["steps"] == [
        {"kind": "operator", "days": 3, "rule": renewal.route["steps"][0]["rule"]}
    ]
    assert "续期" in renewal.route["steps"][0]["rule"]
    # and the old grant stays usable, with its key, while the renewal waits
    old.refresh_from_db()
    assert old.status == G.ACTIVE and access.refusal(old) is None
    assert GrantKey.objects.get(api_key=key).grant_id == old.pk
    # when the operator approves, the new version is issued and takes the key over
    decide_every_step(renewal, deciders)
    new = Grant.objects.get(application=renewal)
    old.refresh_from_db()
    assert (new.number, new.version, new.previous_id) == (old.number, 2, old.pk)
    assert (new.status, old.status) == (G.ACTIVE, G.SUPERSEDED)
    assert GrantKey.objects.get(api_key=key).grant_id == new.pk
    assert access.refusal(new) is None and access.refusal(old)[0] == "grant_superseded"


def test_status_changes_reach_a_registered_endpoint_signed(worker, shelf, merchant, receiver):
    # given the merchant's endpoint subscribed to application and grant events
    endpoint_for(merchant, receiver, ["application.status_changed", "grant.status_changed"])
    # when an automatic application is submitted and routed by the worker
    application = routed(submit(shelf["open"], merchant, ["credit_code"]), timeout=10)
    grant = Grant.objects.get(application=application)

    def received():
        seen = {(r["json"]["type"], r["json"]["data"]["to_status"]) for r in receiver.requests}
        return seen >= WANTED and seen

    WANTED = {
        ("application.status_changed", "submitted"),
        ("application.status_changed", "checking"),
        ("application.status_changed", "approved"),
        ("grant.status_changed", "active"),
    }
    # then each status change arrives once, signed with the endpoint's secret
    wait_for(lambda: outbox_sweep() is not None and received(), timeout=60, interval=0.5)
    assert all(r["verified"] for r in receiver.requests)
    # (delivery is at least once: a retry repeats an event's id, never makes a new event)
    events = {(r["json"]["type"], r["json"]["data"]["to_status"], r["json"]["id"])
              for r in receiver.requests}  # fmt: skip
    assert len(events) == len(WANTED)
    by_type = {r["json"]["data"]["to_status"]: r["json"]["data"] for r in receiver.requests}
    assert by_type["approved"]["application"]["id"] == application.pk
    assert by_type["active"]["grant"]["id"] == grant.pk
