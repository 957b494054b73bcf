"""Kernel tests run on real life cycles (catalog resources and agreements); outbox test
topics are registered for one test at a time; more personas for the policy tests: every
role within the regulator, and plain members of a provider and a merchant."""

import pytest

from apps.accounts.choices import OrganizationKind, Role
from apps.workflow import outbox
from tests.catalog.conftest import draft, registered  # noqa: F401  (fixtures)
from tests.factories import member, totp_device
from tests.operators.conftest import (  # noqa: F401  (fixtures)
    _files_dir,
    draft_agreement,
    effective,
    profile,
    resources,
)
from tests.workflow.worker import private_queues  # noqa: F401  (a fixture)


@pytest.fixture
def topic(monkeypatch):
    """register(name, func, **options) for this test only; returns the calls list."""

    def add(name, func, **options):
        monkeypatch.setitem(outbox.HANDLERS, name, outbox.Handler(name, func, **options))
        return name

    return add


def colleague(of, role: Role, username: str):
    user = member(of.org_kind, role=role, organization=of.organization, username=username)
    if user.requires_two_factor:
        totp_device(user)
    return user


@pytest.fixture
def regulator_reviewer(regulator):
    return colleague(regulator, Role.REVIEWER, "regulator_reviewer")


@pytest.fixture
def regulator_member(regulator):
    return colleague(regulator, Role.MEMBER, "regulator_member")


@pytest.fixture
def security_reviewer(regulator):
    return colleague(regulator, Role.SECURITY_REVIEWER, "security_reviewer")


@pytest.fixture
def provider_member(provider):
    return colleague(provider, Role.MEMBER, "provider_member")


@pytest.fixture
def merchant_member(merchant):
    return colleague(merchant, Role.MEMBER, "merchant_member")


@pytest.fixture
def other_provider(db):
    return member(OrganizationKind.PROVIDER, username="other_provider")
