"""Webhook pages: endpoints (register, edit, rotate the secret, test, delete) and the
delivery log with "send again". All writes go through apps.webhooks.services."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError
from apps.core.forms import add_domain_error, record_web_refusal, run_action
from apps.core.permissions import MANAGE, VIEW
from apps.webhooks import selectors, services
from apps.webhooks.forms import DeliveryFilterForm, EndpointForm
from apps.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.workflow import policy
from apps.workflow.policy import get_object_for

LOG_ROWS = 50


def _valid(request, form) -> bool:
    """Whether the endpoint form is valid; a URL it refused is recorded like the service's
    refusal of it would be."""
    if form.is_valid():
        return True
    if form.refusal is not None:
        record_web_refusal(request, form.refusal)
    return False


def _with_secret(request, endpoint, secret):
    # Rendered in this response only (never_cache), never stored or redirected with.
    return render(request, "portal/webhooks/secret.html", {"endpoint": endpoint, "secret": secret})


@never_cache
@login_required
def endpoint_list(request):
    policy.require(request.user, VIEW, WebhookEndpoint)
    may_manage = policy.may(request.user, MANAGE, WebhookEndpoint)
    form = EndpointForm(request.POST or None, check_url=may_manage)
    if request.method == "POST" and _valid(request, form):
        try:
            endpoint, secret = services.endpoint_create(user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            return _with_secret(request, endpoint, secret)
    context = {
        "form": form,
        "endpoints": selectors.endpoint_list(user=request.user),
        "can_manage": may_manage,
    }
    return render(request, "portal/webhooks/list.html", context)


@login_required
def endpoint_detail(request, pk: int):
    endpoint = get_object_for(request.user, WebhookEndpoint, pk)
    can_manage = policy.allows(request.user, MANAGE, endpoint)
    initial = {f: getattr(endpoint, f) for f in ("url", "description", "event_types", "active")}
    form = EndpointForm(request.POST or None, initial=initial, check_url=can_manage)
    if request.method == "POST":
        endpoint = get_object_for(request.user, WebhookEndpoint, pk, MANAGE)
        if _valid(request, form):
            try:
                services.endpoint_update(
                    endpoint=endpoint, user=request.user, data=form.cleaned_data
                )
            except DomainError as error:
                add_domain_error(form, error, request)
            else:
                messages.success(request, _("Saved."))
                return redirect("portal:webhook_detail", pk=endpoint.pk)
    filters = DeliveryFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else None
    deliveries = selectors.delivery_list(user=request.user, endpoint=endpoint.pk, status=status)
    context = {
        "endpoint": endpoint,
        "form": form,
        "filters": filters,
        "deliveries": deliveries[:LOG_ROWS],
        "can_manage": can_manage,
    }
    return render(request, "portal/webhooks/detail.html", context)


@never_cache
@require_POST
@login_required
def endpoint_rotate(request, pk: int):
    endpoint = get_object_for(request.user, WebhookEndpoint, pk, MANAGE)
    endpoint, secret = services.endpoint_rotate_secret(endpoint=endpoint, user=request.user)
    return _with_secret(request, endpoint, secret)


@require_POST
@login_required
def endpoint_ping(request, pk: int):
    endpoint = get_object_for(request.user, WebhookEndpoint, pk, MANAGE)
    run_action(request, lambda: services.endpoint_ping(endpoint=endpoint, user=request.user))
    return redirect("portal:webhook_detail", pk=endpoint.pk)


@require_POST
@login_required
def endpoint_delete(request, pk: int):
    endpoint = get_object_for(request.user, WebhookEndpoint, pk, MANAGE)
    run_action(request, lambda: services.endpoint_delete(endpoint=endpoint, user=request.user))
    return redirect("portal:webhooks")


@login_required
def delivery_detail(request, pk: int):
    delivery = get_object_for(request.user, WebhookDelivery, pk)
    context = {
        "delivery": delivery,
        "log": selectors.delivery_log(delivery=delivery),
        "payload": json.dumps(delivery.payload, ensure_ascii=False, indent=2),
        "can_manage": policy.allows(request.user, MANAGE, delivery),
    }
    return render(request, "portal/webhooks/delivery.html", context)


@require_POST
@login_required
def delivery_resend(request, pk: int):
    delivery = get_object_for(request.user, WebhookDelivery, pk, MANAGE)
    run_action(request, lambda: services.delivery_resend(delivery=delivery, user=request.user))
    return redirect("portal:webhook_delivery", pk=delivery.pk)
