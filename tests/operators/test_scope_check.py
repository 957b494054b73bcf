from datetime import timedelta

import pytest

from apps.catalog import services as catalog
from apps.operators import services
from apps.operators.models import AgreementScope
from apps.operators.scope import agreement_scope_check, operator_scope_check


def check(agreement, resource, **kw):
    return agreement_scope_check(agreement=agreement, resource=resource, **kw)


def test_allowed_within_scope(effective, resources):
    decision = check(effective, resources[0], fields=["credit_code"], scenario="credit")
    assert decision.allowed and decision.reason_code == "ok"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"fields": ["legal_rep"]}, "fields_not_in_scope"),
        ({"scenario": "marketing"}, "use_prohibited"),
        ({"scenario": "gaming"}, "scenario_not_allowed"),
    ],
)
def test_refusals_within_an_effective_agreement(effective, resources, kwargs, code):
    decision = check(effective, resources[0], **kwargs)
    assert not decision.allowed and decision.reason_code == code and decision.reason


def test_resource_with_all_fields_allows_any_field(effective, resources):
    assert check(effective, resources[1], fields=["legal_rep"]).allowed


def test_resource_outside_scope(effective, provider, regulator):
    from tests.catalog.conftest import payload, register

    other = register(
        catalog.resource_create(user=provider, data=payload(name="别的")), provider, regulator
    )
    assert check(effective, other).reason_code == "resource_not_in_scope"


def test_term_bounds(effective, resources):
    assert check(
        effective, resources[0], on=effective.term_start - timedelta(days=1)
    ).reason_code == ("term_not_started")
    assert check(
        effective, resources[0], on=effective.term_end + timedelta(days=1)
    ).reason_code == ("term_ended")
    assert check(effective, resources[0], on=effective.term_end).allowed


def test_not_effective(draft_agreement, resources):
    assert check(draft_agreement, resources[0]).reason_code == "agreement_not_effective"


def test_resource_leaving_the_registry_or_becoming_unauthorizable(effective, resources):
    resources[0].status = "deregistered"
    resources[0].save()
    assert check(effective, resources[0]).reason_code == "resource_not_registered"
    resources[1].classification, resources[1].general_grade = "core", None
    resources[1].save()
    assert check(effective, resources[1]).reason_code == "resource_not_authorizable"


def test_scenario_mode_needs_a_scenario(effective, resources):
    effective.mode = "scenario"
    effective.save()
    assert check(effective, resources[0]).reason_code == "scenario_required"
    assert check(effective, resources[0], scenario="credit").allowed


def test_operator_not_qualified(effective, resources, profile):
    profile.status = "suspended"
    profile.save()
    assert check(effective, resources[0]).reason_code == "operator_not_qualified"


def test_operator_scope_check(effective, resources, profile, regulator, merchant):
    decision, agreement = operator_scope_check(
        operator_org=profile.organization, resource=resources[0]
    )
    assert decision.allowed and agreement.pk == effective.pk
    decision, agreement = operator_scope_check(
        operator_org=profile.organization, resource=resources[0], fields=["phone"]
    )
    assert decision.reason_code == "fields_not_in_scope" and agreement.pk == effective.pk
    decision, agreement = operator_scope_check(
        operator_org=merchant.organization, resource=resources[0]
    )
    assert decision.reason_code == "no_agreement" and agreement is None
    services.agreement_suspend(agreement=effective, reviewer=regulator, reason="检查")
    decision, _ = operator_scope_check(operator_org=profile.organization, resource=resources[0])
    assert decision.reason_code == "agreement_not_effective"
    assert AgreementScope.objects.count() == 2


def test_the_reason_is_in_the_readers_language(effective, resources):
    from django.utils import translation

    late = effective.term_end + timedelta(days=1)
    with translation.override("zh-hans"):
        assert check(effective, resources[0], on=late).reason == (
            f"协议期限已于 {effective.term_end} 结束。"
        )
        assert "超出授权范围的字段" in check(effective, resources[0], fields=["legal_rep"]).reason
    with translation.override("en"):
        assert check(effective, resources[0], on=late).reason == (
            f"The term ended on {effective.term_end}."
        )
