"""Portal pages of statements and of a grant's usage: a merchant's statements, an
operator's statements of its products with its agreements' revenue against their cap
(apps.delivery.statement_pages renders them; apps.delivery.rules scopes them)."""

from django.contrib.auth.decorators import login_required

from apps.delivery import selectors
from apps.delivery import statement_pages as pages
from apps.delivery.models import Statement
from apps.workflow.policy import get_object_for

NS = "portal"


@login_required
def statement_list(request):
    return pages.statement_list_page(request, NS)


@login_required
def statement_detail(request, pk: int):
    return pages.statement_page(request, get_object_for(request.user, Statement, pk), NS)


@login_required
def grant_usage(request, pk: int):
    grant = selectors.grant_for_usage(user=request.user, pk=pk)
    return pages.usage_page(request, grant, NS)
