"""Issue 8 §3 defects of the registration life cycle (1, 3, 6) and expiry as of now (§1)."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.catalog import services, timers
from apps.catalog.choices import REGISTRATION_TRANSITIONS, RegistrationKind
from apps.catalog.choices import RegistrationStatus as S
from apps.catalog.models import DataResource
from apps.core.exceptions import TransitionNotAllowed
from tests.catalog.conftest import payload

pytestmark = pytest.mark.django_db


def _public(resource) -> bool:
    return DataResource.objects.public().filter(pk=resource.pk).exists()


def _expire(resource):
    later = resource.expires_at + timedelta(minutes=1)
    timers.run(now=later)
    resource.refresh_from_db()
    assert resource.status == S.EXPIRED
    return later


def test_a_renewal_of_an_expired_registration_stays_out_of_the_registry_until_decided(
    registered, provider, regulator
):
    later = _expire(registered)
    with time_machine.travel(later, tick=False):
        resource = services.resource_open_follow_up(
            resource=registered, user=provider, kind=RegistrationKind.RENEWAL
        )
        assert not resource.is_in_registry
        assert not _public(resource)
    # The next timer ticks leave the renewal alive.
    timers.run(now=later + timedelta(hours=1))
    resource.refresh_from_db()
    assert (resource.status, resource.registration_kind) == (S.SUBMITTED, "renewal")
    with time_machine.travel(later + timedelta(hours=2), tick=False):
        services.resource_start_review(resource=resource, reviewer=regulator)
        resource = services.resource_approve(resource=resource, reviewer=regulator)
        assert resource.status == S.REGISTERED and resource.is_in_registry and _public(resource)


def test_withdrawing_the_renewal_of_an_expired_registration_leaves_it_expired(registered, provider):
    later = _expire(registered)
    with time_machine.travel(later, tick=False):
        services.resource_open_follow_up(
            resource=registered, user=provider, kind=RegistrationKind.RENEWAL
        )
        resource = services.resource_withdraw(resource=registered, user=provider)
    assert resource.status == S.EXPIRED and not resource.is_in_registry


def test_a_renewal_filed_in_time_keeps_the_entry_for_the_grace_period_then_lapses_alive(
    registered, provider, regulator, settings
):
    settings.CATALOG_RENEWAL_GRACE_DAYS = 30
    expires = registered.expires_at
    with time_machine.travel(expires - timedelta(days=10), tick=False):
        services.resource_open_follow_up(
            resource=registered, user=provider, kind=RegistrationKind.RENEWAL
        )
    inside = expires + timedelta(days=29)
    timers.run(now=inside)
    with time_machine.travel(inside, tick=False):
        registered.refresh_from_db()
        assert registered.status == S.SUBMITTED and registered.is_in_registry
        assert _public(registered)
    after = expires + timedelta(days=31)
    timers.run(now=after)
    with time_machine.travel(after, tick=False):
        registered.refresh_from_db()
        # Out of the registry, and the renewal is still waiting for its decision.
        assert not registered.is_in_registry and not _public(registered)
        assert (registered.status, registered.registration_kind) == (S.SUBMITTED, "renewal")
        services.resource_start_review(resource=registered, reviewer=regulator)
        renewed = services.resource_approve(resource=registered, reviewer=regulator)
    assert renewed.is_in_registry and renewed.expires_at > after


@pytest.mark.parametrize("source", [S.SUBMITTED, S.RETURNED, S.UNDER_REVIEW])
def test_the_table_of_an_initial_registration_never_jumps_to_registered(source):
    assert S.REGISTERED not in REGISTRATION_TRANSITIONS[RegistrationKind.INITIAL][source]


@pytest.mark.parametrize("kind", [RegistrationKind.CHANGE, RegistrationKind.CORRECTION])
def test_announced_changes_reach_registered_only_through_public_notice(kind):
    table = REGISTRATION_TRANSITIONS[kind]
    assert S.REGISTERED not in table[S.UNDER_REVIEW]
    assert S.PUBLIC_NOTICE in table[S.UNDER_REVIEW]
    assert S.REGISTERED in table[S.PUBLIC_NOTICE]


def test_a_renewal_is_decided_without_notice_and_a_deregistration_ends_the_entry():
    assert S.PUBLIC_NOTICE not in REGISTRATION_TRANSITIONS[RegistrationKind.RENEWAL][S.UNDER_REVIEW]
    table = REGISTRATION_TRANSITIONS[RegistrationKind.DEREGISTRATION]
    assert table[S.UNDER_REVIEW] & {S.DEREGISTERED, S.REGISTERED} == {S.DEREGISTERED}


def test_a_change_cannot_be_opened_on_an_expired_registration(registered, provider):
    later = _expire(registered)
    with time_machine.travel(later, tick=False), pytest.raises(TransitionNotAllowed):
        services.resource_open_follow_up(
            resource=registered, user=provider, kind=RegistrationKind.CHANGE, data={"name": "x"}
        )


def test_registration_validity_counts_calendar_years(provider, regulator):
    moment = timezone.make_aware(datetime(2025, 3, 1, 10, 0))
    with time_machine.travel(moment - timedelta(days=10), tick=False):
        resource = services.resource_create(user=provider, data=payload())
        services.resource_submit(resource=resource, user=provider)
        services.resource_start_review(resource=resource, reviewer=regulator)
        services.resource_approve(resource=resource, reviewer=regulator)
    resource = services.resource_close_notice(resource_id=resource.pk, now=moment)
    assert timezone.localtime(resource.registered_at).date() == date(2025, 3, 1)
    # 3 × 365 days would end on 29 February 2028 (a leap year).
    assert timezone.localtime(resource.expires_at).date() == date(2028, 3, 1)


def test_a_registration_past_its_expiry_is_out_of_the_registry_before_the_timer_runs(registered):
    with time_machine.travel(registered.expires_at + timedelta(seconds=1), tick=False):
        registered.refresh_from_db()
        assert registered.status == S.REGISTERED  # the timer has not run yet
        assert not registered.is_in_registry
        assert not _public(registered)


def test_the_public_feeds_drop_a_registration_the_moment_it_expires(registered, client):
    before = client.get("/api/3/action/package_list").json()["result"]
    assert len(before) == 1
    assert registered.registry_code in client.get("/catalog/dcat.ttl").content.decode()
    with time_machine.travel(registered.expires_at + timedelta(seconds=1), tick=False):
        assert client.get("/api/3/action/package_list").json()["result"] == []
        assert registered.registry_code not in client.get("/catalog/dcat.ttl").content.decode()
