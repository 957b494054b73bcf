"""Helpers of the page tests: an application driven to review or to a grant through the
services (the pages under test do the rest)."""

from apps.grants import approval
from apps.workflow import review
from tests.grants.conftest import run_checks, submitted


def pending(application):
    return review.steps_for(application).filter(decision="pending").get()


def reviewing(product, merchant, **overrides):
    application = submitted(product, merchant, **overrides)
    run_checks(application)
    return application


def granted(product, merchant, operator_admin):
    """An approved application (operator step only: no personal field) and its grant."""
    application = reviewing(product, merchant)
    approval.application_decide(
        application=application,
        user=operator_admin,
        step_id=pending(application).pk,
        decision="approved",
        comment="同意",
    )
    application.refresh_from_db()
    return application.grant
