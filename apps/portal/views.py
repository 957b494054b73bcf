"""Operator / provider / merchant web pages. Thin: forms in, services out."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts import selectors, services
from apps.accounts.forms import ApiKeyForm, RevokeForm
from apps.accounts.models import ApiKey
from apps.core.exceptions import DomainError
from apps.core.forms import add_domain_error, flash_domain_error
from apps.core.permissions import MANAGE
from apps.portal import homes
from apps.workflow import policy
from apps.workflow.policy import get_object_for


@login_required
def home(request):
    context = {"organization": request.user.organization, **homes.home_context(request.user)}
    return render(request, "portal/home.html", context)


@never_cache
@login_required
def api_keys(request):
    form = ApiKeyForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            key, raw = services.api_key_create(
                organization=request.user.organization,
                created_by=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                allowed_ips=form.ip_list(),
            )
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            # Rendered in this response only (never_cache), never stored or redirected with.
            created = {"key": key, "raw": raw}
            form = ApiKeyForm()
    context = {
        "form": form,
        "created": created,
        "keys": selectors.api_key_list(user=request.user, own_only=True),
        "can_manage": policy.may(request.user, MANAGE, ApiKey),
        "revoke_form": RevokeForm(),
    }
    return render(request, "portal/api_keys.html", context)


@require_POST
@login_required
def api_key_revoke(request, pk: int):
    key = get_object_for(request.user, ApiKey, pk, MANAGE)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.api_key_revoke(
                api_key=key, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Key %(prefix)s revoked.") % {"prefix": key.prefix})
        except DomainError as error:
            flash_domain_error(request, error)
    return redirect("portal:api_keys")
