"""Portal pages of grants: a merchant's grants with their scope, keys (bind, unbind)
and follow-ups (renew, amend); the grants on an operator's products, which it may
suspend, resume or revoke; the grants on a provider agency's data (read only). Writes
go through apps.grants (access, applications, issuing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.converters import parse_id
from apps.core.exceptions import DomainError
from apps.core.forms import flash_domain_error, flash_refused, flash_unknown_action, run_action
from apps.core.permissions import MANAGE
from apps.delivery import pages as delivery_pages
from apps.delivery.rules import USAGE
from apps.grants import access, applications, pages, selectors
from apps.grants.models import Grant
from apps.portal.application_forms import FollowUpForm, KeyBindForm
from apps.portal.application_views import merchant_only
from apps.workflow import policy
from apps.workflow.policy import get_object_for

NS = "portal"


@login_required
def grant_list(request):
    return pages.grant_list_page(request, NS)


@login_required
def grant_detail(request, pk: int):
    grant = get_object_for(request.user, Grant, pk)
    keys = selectors.bindable_keys(user=request.user)
    return pages.grant_page(
        request,
        grant,
        NS,
        bind_form=KeyBindForm(keys=keys),
        has_keys=keys.exists(),
        sandbox_link=delivery_pages.sandbox_link(request.user, grant),
        can_read_usage=policy.allows(request.user, USAGE, grant),
        # Any member of the grant's merchant may start a renewal or an amendment.
        follow_up_form=FollowUpForm()
        if grant.merchant_id == request.user.organization_id
        else None,
        data_links=delivery_pages.data_links(request.user, grant),
    )


@require_POST
@login_required
def grant_keys(request, pk: int, action: str):
    """Bind one of the organization's keys to the grant, or unbind one."""
    grant = get_object_for(request.user, Grant, pk, MANAGE)
    key_id, me = request.POST.get("api_key", ""), request.user
    key_id = parse_id(key_id) or 0
    calls = {
        "bind": lambda: access.key_bind(grant=grant, user=me, api_key_id=key_id),
        "unbind": lambda: access.key_unbind(grant=grant, user=me, api_key_id=key_id),
    }
    if action not in calls:
        flash_unknown_action(request)
    else:
        run_action(request, calls[action])
    return redirect(f"{NS}:grant_detail", pk=pk)


@require_POST
@login_required
def grant_follow_up(request, pk: int):
    """A renewal or amendment draft, copied from the grant's application: edit it next."""
    merchant_only(request)
    grant = get_object_for(request.user, Grant, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        flash_refused(request, _("Choose renewal or amendment."))
        return redirect(f"{NS}:grant_detail", pk=pk)
    try:
        draft = applications.application_follow_up(
            grant=grant, user=request.user, kind=form.cleaned_data["kind"], data={}
        )
    except DomainError as error:
        flash_domain_error(request, error)
        return redirect(f"{NS}:grant_detail", pk=pk)
    messages.success(request, _("A draft was created from the grant: adjust it and submit."))
    return redirect(f"{NS}:application_edit", pk=draft.pk)


@require_http_methods(["GET", "POST"])
@login_required
def grant_sandbox(request, pk: int):
    """The grant's sandbox: its holder queries; its parties read the query history."""
    return delivery_pages.sandbox_page(request, pk, NS)


@require_POST
@login_required
def grant_action(request, pk: int, action: str):
    return pages.grant_action(request, pk, action, NS)
