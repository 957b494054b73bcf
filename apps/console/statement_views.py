"""Console pages of statements (every organization's), the agreements' revenue against
their cap, a grant's usage, and the on-demand refresh of the current month's provisional
statements (apps.delivery.statements)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.console.views import regulator_required
from apps.delivery import selectors
from apps.delivery import statement_pages as pages
from apps.delivery.models import Statement
from apps.delivery.statements import statements_refresh_current
from apps.workflow.policy import get_object_for

NS = "console"


@regulator_required
def statement_list(request):
    return pages.statement_list_page(request, NS, refresh_url=reverse("console:statements_refresh"))


@regulator_required
def statement_detail(request, pk: int):
    return pages.statement_page(request, get_object_for(request.user, Statement, pk), NS)


@require_POST
@regulator_required
def statements_refresh(request):
    written = statements_refresh_current(actor=request.user)
    messages.success(request, _("%(n)d provisional statements recomputed.") % {"n": len(written)})
    return redirect("console:statements")


@regulator_required
def grant_usage(request, pk: int):
    grant = selectors.grant_for_usage(user=request.user, pk=pk)
    return pages.usage_page(request, grant, NS)
