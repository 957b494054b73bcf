"""The registry itself: every restrict() reads it, and history is filtered by columns."""

from types import SimpleNamespace

import pytest
from django.apps import apps

from apps.core import permissions
from apps.operators.models import AuthorizationAgreement
from apps.workflow import policy

pytestmark = pytest.mark.django_db


def test_every_model_with_a_restrict_method_has_registered_rules():
    restricted = [m for m in apps.get_models() if hasattr(m._default_manager, "restrict")]
    assert len(restricted) >= 9
    for model in restricted:
        assert policy.policy_for(model).rules, model


def test_core_keeps_only_the_action_names():
    assert (permissions.VIEW, permissions.MANAGE) == ("view", "manage")
    assert not hasattr(permissions, "get_object_for")


def test_an_anonymous_visitor_sees_only_public_resources(provider, registered):
    from django.contrib.auth.models import AnonymousUser

    from apps.catalog import services
    from apps.catalog.models import DataResource
    from tests.catalog.conftest import payload

    draft = services.resource_create(user=provider, data=payload(name="草稿"))
    visible = DataResource.objects.restrict(AnonymousUser(), policy.VIEW)
    assert registered in visible and draft not in visible
    assert not DataResource.objects.restrict(AnonymousUser(), policy.MANAGE).exists()


def test_history_is_filtered_by_its_columns_whatever_the_model(merchant, outsider, operator_admin):
    # The generic StatusHistory records the actor's organization in a column of its own.
    agreement = AuthorizationAgreement(operator=operator_admin.organization)
    theirs = SimpleNamespace(
        from_status="a", to_status="b", actor_id=1, actor=object(), note="theirs", kind="",
        actor_org_id=outsider.organization_id,
    )  # fmt: skip
    mine = SimpleNamespace(**{**vars(theirs), "note": "mine"})
    mine.actor_org_id = merchant.organization_id

    shown = policy.visible_history(merchant, agreement, [theirs, mine])

    assert [(e.note, e.actor) for e in shown] == [("", None), ("mine", mine.actor)]
    assert theirs.note == "theirs"  # the entries themselves are not changed
    assert [e.note for e in policy.visible_history(operator_admin, agreement, [theirs])] == [
        "theirs"
    ]


def test_an_unknown_relation_is_refused_at_registration():
    entry = policy.policy_for(AuthorizationAgreement)
    with pytest.raises(KeyError):
        entry.allow(policy.VIEW, to="friends")


def test_a_serializer_without_a_request_reads_only_what_the_public_reads(operator_admin):
    agreement = AuthorizationAgreement(operator=operator_admin.organization)
    entry = SimpleNamespace(note="internal", actor_id=1, actor=object(), actor_org_id=1)
    assert policy.visible_history(None, agreement, [entry])[0].note == ""
    assert "security_obligations" not in policy.readable_fields(None, agreement)
