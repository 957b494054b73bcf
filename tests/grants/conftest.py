"""Applications stand on a listed product (tests/products/conftest.py): an industrial,
per-call product of the operator over a general, conditionally open resource whose
legal_rep is personal information. Helpers run the outbox's checks job in-process."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.grants import applications as apps_services
from apps.workflow.models import OutboxItem
from apps.workflow.outbox import outbox_run
from tests.grants.shelf import shelf  # noqa: F401  (a fixture)
from tests.products import conftest as products
from tests.webhooks.conftest import receiver  # noqa: F401  (a fixture)
from tests.workflow.worker import private_queues  # noqa: F401  (a fixture)

_files_dir = products._files_dir
draft_agreement = products.draft_agreement
effective = products.effective
profile = products.profile
resources = products.resources
draft_product = products.draft_product
in_review = products.in_review
listed = products.listed


def application_data(product, **overrides) -> dict:
    data = {
        "product": product.pk,
        "purpose": "核验合作企业的注册资本",
        "scenario": "credit",
        "fields": ["credit_code"],
        "requested_end": timezone.localdate() + timedelta(days=180),
        "expected_calls_per_day": 100,
        "expected_rows_per_day": 1000,
        "legal_basis": "《数据安全法》第三十二条；合同约定",
        "tech_contact_name": "张工",
        "tech_contact_email": "tech@merchant.example.com",
        "tech_contact_phone": "13800000000",
        "dpo_name": "李娜",
        "dpo_contact": "dpo@merchant.example.com",
        "accept_terms": True,
    }
    data.update(overrides)
    return data


def run_checks(application) -> None:
    """Runs the pending checks job of the application, as a worker would (a worker that
    an earlier test of the session started may have claimed it first: then it waits for
    that worker to finish)."""
    for item in OutboxItem.objects.filter(topic=apps_services.CHECK_TOPIC, status="pending"):
        if item.payload["application"] == application.pk:
            outbox_run(item.pk)
    deadline = time.monotonic() + 60
    application.refresh_from_db()
    while application.status in ("submitted", "checking") and time.monotonic() < deadline:
        time.sleep(0.1)
        application.refresh_from_db()


def submitted(product, merchant, **overrides):
    application = apps_services.application_create(
        user=merchant, data=application_data(product, **overrides)
    )
    return apps_services.application_submit(application=application, user=merchant)


@pytest.fixture
def draft_application(listed, merchant):
    return apps_services.application_create(user=merchant, data=application_data(listed))


def approve_pending(application, *users) -> None:
    """Each user approves the application's open step in turn (operator, then others)."""
    from apps.grants import approval
    from apps.workflow import review

    for user in users:
        step = review.steps_for(application).filter(decision="pending").get()
        approval.application_decide(
            application=application, user=user, step_id=step.pk, decision="approved",
            comment="同意",
        )  # fmt: skip
    application.refresh_from_db()


def issued(product, merchant, operator_admin, **overrides):
    """A grant on `product` for `merchant` (credit_code only: the operator alone reviews)."""
    application = submitted(product, merchant, **overrides)
    run_checks(application)
    approve_pending(application, operator_admin)
    return application.grant


@pytest.fixture
def grant(listed, merchant, operator_admin):
    return issued(listed, merchant, operator_admin)


def keyed(user):
    """(an API client holding a new key of the user's organization, that key)."""
    from rest_framework.test import APIClient

    from apps.accounts import services as accounts

    key, raw = accounts.api_key_create(
        organization=user.organization, created_by=user, name="bound key"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client, key
