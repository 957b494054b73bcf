"""The data migrations carry the old history, objections, open notices and waiting
reviews into the kernel's tables before dropping the old ones."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("catalog", "0004_search_index"), ("operators", "0001_initial")]
AFTER = [("catalog", "0005_history_to_workflow"), ("operators", "0002_history_to_workflow")]


def migrate(targets):
    """Migrates the test database to `targets`; returns the historical models there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Back to every app's latest migration (AFTER alone would leave later migrations of
    catalog and operators unapplied for the tests that follow)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_rows_move_to_the_kernel(provider, regulator, operator_admin, merchant):
    old = migrate(BEFORE)
    try:
        Resource = old.get_model("catalog", "DataResource")
        now = timezone.now()
        resource = Resource.objects.create(
            provider_id=provider.organization_id,
            name="r",
            created_by_id=provider.pk,
            status="public_notice",
            notice_ends_at=now + timedelta(days=3),
        )
        waiting = Resource.objects.create(
            provider_id=provider.organization_id,
            name="w",
            created_by_id=provider.pk,
            status="under_review",
        )
        Event = old.get_model("catalog", "RegistrationEvent")
        Event.objects.create(
            resource_id=resource.pk,
            kind="initial",
            from_status="draft",
            to_status="submitted",
            actor_id=provider.pk,
            note="n1",
        )
        Event.objects.create(
            resource_id=resource.pk,
            kind="initial",
            from_status="submitted",
            to_status="under_review",
            actor_id=regulator.pk,
        )
        old.get_model("catalog", "Objection").objects.create(
            resource_id=resource.pk,
            organization_id=merchant.organization_id,
            raised_by_id=merchant.pk,
            reason="异议",
            resolved_at=now,
            resolution="已考虑",
        )
        Profile = old.get_model("operators", "OperatorProfile")
        profile = Profile.objects.create(
            organization_id=operator_admin.organization_id,
            credit_code="91450100000000010X",
            legal_representative="x",
            registered_address="x",
            security_officer_name="x",
            security_officer_contact="x",
            status="applied",
        )
        old.get_model("operators", "QualificationEvent").objects.create(
            profile_id=profile.pk,
            from_status="draft",
            to_status="applied",
            actor_id=operator_admin.pk,
            reason="申请",
        )
    finally:
        migrate(AFTER)
        migrate_to_latest()
    from apps.catalog.models import DataResource
    from apps.operators.models import OperatorProfile
    from apps.workflow import notice, review
    from apps.workflow.history import history_for

    resource = DataResource.objects.get(pk=resource.pk)
    rows = list(history_for(resource))
    assert [(r.to_status, r.note, r.kind) for r in rows] == [
        ("submitted", "n1", "initial"),
        ("under_review", "", "initial"),
    ]
    assert rows[0].actor_organization_id == provider.organization_id
    (objection,) = notice.objections_for(resource)
    assert (objection.reason, objection.resolution) == ("异议", "已考虑")
    assert notice.open_notice(resource).ends_at == resource.notice_ends_at
    assert review.pending_step(DataResource.objects.get(pk=waiting.pk), "registration")
    profile = OperatorProfile.objects.get(pk=profile.pk)
    assert [(r.to_status, r.note) for r in history_for(profile)] == [("applied", "申请")]
    assert review.pending_step(profile, "qualification")
    assert "catalog_registrationevent" not in connection.introspection.table_names()
