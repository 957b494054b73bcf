"""The registration life cycle, its guards and its timers (time travel with time-machine)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.catalog import services, timers
from apps.catalog.models import DataResource
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.workflow.dates import add_years
from apps.workflow.history import history_for
from tests.catalog.conftest import payload, register
from tests.workflow.helpers import run_outbox

pytestmark = pytest.mark.django_db


def test_a_provider_describes_a_resource_as_a_draft_with_default_masking(draft):
    assert draft.status == "draft"
    fields = {f.name: f for f in draft.fields.all()}
    assert fields["legal_rep"].masking == "partial"  # personal information masked by default
    assert fields["credit_code"].masking == "none"
    assert draft.metadata_versions.count() == 1


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"name": ""}, "name"),
        ({"classification": "important", "general_grade": 2}, "general_grade"),
        ({"themes": ["NOPE"]}, "themes"),
        ({"fields": []}, "fields"),
        ({"fields": [{"name": "a"}, {"name": "A"}]}, "fields"),
        ({"fields": [{"name": "bad name"}]}, "fields"),
    ],
)
def test_invalid_metadata_is_refused_with_field_errors_and_nothing_saved(provider, override, key):
    with pytest.raises(InvalidInput) as error:
        services.resource_create(user=provider, data=payload(**override))
    assert key in error.value.details
    assert not DataResource.objects.exists()


def test_only_provider_agencies_create_resources(merchant):
    with pytest.raises(PermissionDeniedError):
        services.resource_create(user=merchant, data=payload())


def test_the_full_initial_registration_assigns_a_unique_code_and_three_year_validity(
    draft, provider, regulator
):
    resource = register(draft, provider, regulator)
    assert resource.status == "registered"
    assert resource.registry_code.endswith(f"{resource.pk:06d}")
    assert resource.expires_at == add_years(resource.registered_at, 3)
    moves = list(history_for(resource).values_list("to_status", flat=True))
    assert moves == ["submitted", "under_review", "public_notice", "registered"]


def test_the_regulator_returns_a_submission_with_a_reason(draft, provider, regulator):
    services.resource_submit(resource=draft, user=provider)
    with pytest.raises(InvalidInput):
        services.resource_return(resource=draft, reviewer=regulator, note=" ")
    returned = services.resource_return(resource=draft, reviewer=regulator, note="补充字段说明")
    assert returned.status == "returned"
    updated = services.resource_update(
        resource=returned, user=provider, data={"description": "补充后"}
    )
    assert updated.description == "补充后" and updated.metadata_version == 2
    assert services.resource_submit(resource=updated, user=provider).status == "submitted"


@pytest.mark.parametrize("step", ["start_review", "approve"])
def test_only_the_regulator_reviews(draft, provider, step):
    services.resource_submit(resource=draft, user=provider)
    with pytest.raises(PermissionDeniedError):
        if step == "start_review":
            services.resource_start_review(resource=draft, reviewer=provider)
        else:
            services.resource_approve(resource=draft, reviewer=provider)


def test_illegal_transitions_are_refused_and_change_nothing(draft, regulator):
    with pytest.raises(TransitionNotAllowed):
        services.resource_start_review(resource=draft, reviewer=regulator)
    with pytest.raises(TransitionNotAllowed):
        services.resource_approve(resource=draft, reviewer=regulator)
    draft.refresh_from_db()
    assert draft.status == "draft" and not draft.history.exists()


def test_an_outsider_cannot_submit_or_edit_someone_elses_resource(draft, outsider):
    with pytest.raises(PermissionDeniedError):
        services.resource_submit(resource=draft, user=outsider)
    with pytest.raises(PermissionDeniedError):
        services.resource_update(resource=draft, user=outsider, data={"name": "x"})


def test_an_objection_during_public_notice_sends_it_back_to_review(
    draft, provider, regulator, merchant
):
    services.resource_submit(resource=draft, user=provider)
    services.resource_start_review(resource=draft, reviewer=regulator)
    services.resource_approve(resource=draft, reviewer=regulator)
    objection = services.resource_object(resource=draft, user=merchant, reason="字段含个人信息")
    draft.refresh_from_db()
    assert draft.status == "under_review" and objection.organization == merchant.organization
    # the notice timer no longer registers it
    assert (
        services.resource_close_notice(
            resource_id=draft.pk, now=timezone.now() + timedelta(days=30)
        )
        is None
    )
    services.resource_approve(resource=draft, reviewer=regulator, note="已核实")
    objection.refresh_from_db()
    assert objection.resolved_at is not None


def test_objections_are_only_accepted_during_public_notice(registered, merchant):
    with pytest.raises(TransitionNotAllowed):
        services.resource_object(resource=registered, user=merchant, reason="late")


def test_public_notice_closes_by_itself_after_the_configured_days(
    draft, provider, regulator, settings
):
    settings.CATALOG_NOTICE_DAYS = 5
    services.resource_submit(resource=draft, user=provider)
    services.resource_start_review(resource=draft, reviewer=regulator)
    services.resource_approve(resource=draft, reviewer=regulator)
    with time_machine.travel(timezone.now() + timedelta(days=4, hours=23), tick=False):
        assert timers.run()["closed_notices"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=5, minutes=1), tick=False):
        assert timers.run()["closed_notices"] == 1
        assert timers.run()["closed_notices"] == 0  # idempotent
    draft.refresh_from_db()
    assert draft.status == "registered"


def test_a_change_stays_private_until_its_registration_completes(registered, provider, regulator):
    services.resource_open_follow_up(
        resource=registered, user=provider, kind="change", data={"name": "企业登记信息（含变更）"}
    )
    registered.refresh_from_db()
    assert registered.name == "企业登记信息" and registered.is_in_registry
    services.resource_start_review(resource=registered, reviewer=regulator)
    services.resource_approve(resource=registered, reviewer=regulator)
    done = services.resource_close_notice(
        resource_id=registered.pk, now=timezone.now() + timedelta(days=6)
    )
    assert done.name == "企业登记信息（含变更）"
    assert done.status == "registered" and done.metadata_version == 2


def test_withdrawing_a_change_keeps_the_registered_record(registered, provider):
    code = registered.registry_code
    services.resource_open_follow_up(
        resource=registered, user=provider, kind="correction", data={"description": "x"}
    )
    withdrawn = services.resource_withdraw(resource=registered, user=provider)
    assert withdrawn.status == "registered" and withdrawn.registry_code == code
    assert not withdrawn.metadata_versions.filter(pending=True).exists()


def test_registered_metadata_cannot_be_edited_directly(registered, provider):
    with pytest.raises(TransitionNotAllowed):
        services.resource_update(resource=registered, user=provider, data={"name": "偷改"})


def test_deregistration_ends_the_registry_entry(registered, provider, regulator):
    services.resource_open_follow_up(resource=registered, user=provider, kind="deregistration")
    services.resource_start_review(resource=registered, reviewer=regulator)
    done = services.resource_approve(resource=registered, reviewer=regulator)
    assert done.status == "deregistered" and not done.is_in_registry
    assert not DataResource.objects.public().filter(pk=done.pk).exists()


def test_registration_expires_after_three_years_unless_renewed(registered, provider, regulator):
    expiry = registered.expires_at
    with time_machine.travel(expiry + timedelta(minutes=1), tick=False):
        assert timers.run()["expired"] == 1
    registered.refresh_from_db()
    assert registered.status == "expired" and not registered.is_in_registry
    # an expired registration can be renewed, and nothing else
    with pytest.raises(TransitionNotAllowed):
        services.resource_open_follow_up(
            resource=registered, user=provider, kind="change", data={"name": "x"}
        )
    services.resource_open_follow_up(resource=registered, user=provider, kind="renewal")
    services.resource_start_review(resource=registered, reviewer=regulator)
    renewed = services.resource_approve(resource=registered, reviewer=regulator)
    assert renewed.status == "registered" and renewed.expires_at > timezone.now() + timedelta(
        days=1000
    )


def test_renewal_before_expiry_extends_from_the_old_expiry(registered, provider, regulator):
    old = registered.expires_at
    services.resource_open_follow_up(resource=registered, user=provider, kind="renewal")
    services.resource_start_review(resource=registered, reviewer=regulator)
    renewed = services.resource_approve(resource=registered, reviewer=regulator)
    assert renewed.expires_at == add_years(old, 3)


def test_reminders_go_out_90_30_and_7_days_before_expiry_once_each(registered, provider):
    expiry = registered.expires_at
    run_outbox()  # the review decision's e-mail
    sent = []
    for days_before in (120, 89, 88, 29, 6, 5):
        mail.outbox.clear()
        with time_machine.travel(expiry - timedelta(days=days_before), tick=False):
            timers.run()
            run_outbox()  # the worker's part: the e-mails are outbox items
        sent.append(len(mail.outbox))
        if mail.outbox:
            assert mail.outbox[0].to == [provider.email]
    assert sent == [0, 1, 0, 1, 1, 0]


def test_core_and_prohibited_resources_register_but_are_never_authorizable(provider, regulator):
    core = services.resource_create(
        user=provider, data=payload(name="核心", classification="core", general_grade=None)
    )
    shut = services.resource_create(
        user=provider, data=payload(name="禁开", open_type="prohibited")
    )
    for resource in (core, shut):
        registered = register(resource, provider, regulator)
        assert registered.status == "registered" and not registered.is_authorizable
