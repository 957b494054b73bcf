"""Regulator console: the review queue of access applications (mine, overdue, all), an
application with the decision form of the step the regulator holds (security review,
sign-off), the grants with their suspension, resumption and revocation, and their sandbox query
history. The regulator
passed TOTP at sign-in (the console's middleware). The pages are apps.grants.pages."""

from django.views.decorators.http import require_GET, require_POST

from apps.console.exports import list_export
from apps.console.views import regulator_required
from apps.delivery import pages as delivery_pages
from apps.grants import pages
from apps.grants.models import AccessApplication, Grant
from apps.workflow.policy import get_object_for

NS = "console"


@regulator_required
def review_queue(request):
    return pages.queue_page(request, NS, export=list_export)


@regulator_required
def application_detail(request, pk: int):
    application = get_object_for(request.user, AccessApplication, pk)
    return pages.application_page(request, application, NS)


@require_POST
@regulator_required
def application_decide(request, pk: int):
    return pages.decide(request, pk, NS)


@require_POST
@regulator_required
def application_message(request, pk: int):
    return pages.message(request, pk, NS)


@regulator_required
def attachment_file(request, pk: int):
    return pages.attachment_file(request, pk)


@regulator_required
def grant_list(request):
    return pages.grant_list_page(request, NS, export=list_export)


@regulator_required
def grant_detail(request, pk: int):
    grant = get_object_for(request.user, Grant, pk)
    sandbox_link = delivery_pages.sandbox_link(request.user, grant)
    return pages.grant_page(
        request,
        grant,
        NS,
        sandbox_link=sandbox_link,
        can_read_usage=True,
        data_links=delivery_pages.data_links(request.user, grant),
    )


@require_GET
@regulator_required
def grant_sandbox(request, pk: int):
    """The grant's sandbox query history (the regulator reads it; only the holder runs
    queries)."""
    return delivery_pages.sandbox_page(request, pk, NS)


@require_GET
@regulator_required
def grant_exports(request, pk: int):
    """The grant's export history, read-only (who exported what and when: a leak's
    first question)."""
    return delivery_pages.exports_page(request, pk, NS)


@require_POST
@regulator_required
def grant_action(request, pk: int, action: str):
    return pages.grant_action(request, pk, action, NS)
