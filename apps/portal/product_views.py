"""Operator pages for data products (list, draft, edit, submit, withdraw, delist) and
the public marketplace (no sign-in). All writes go through apps.products.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError
from apps.core.forms import add_domain_error, posted_text, run_action
from apps.core.permissions import MANAGE
from apps.portal.operator_views import operator_only
from apps.portal.product_forms import ProductForm
from apps.products import selectors, services
from apps.products.choices import ProductStatus
from apps.products.models import DataProduct
from apps.workflow import policy
from apps.workflow.policy import get_object_for


@login_required
def product_list(request):
    operator_only(request)
    products = selectors.product_list(user=request.user, mine=True)
    # The operator's home links here by status; an unknown value filters nothing.
    status = request.GET.get("status", "")
    status = status if status in ProductStatus.values else ""
    if status:
        products = products.filter(status=status)
    context = {"products": products, "status": ProductStatus(status).label if status else ""}
    return render(request, "portal/products/list.html", context)


def _form_page(request, product=None):
    agreements = list(selectors.effective_agreements(user=request.user))
    initial = ProductForm.initial_from(product) if product else {}
    form = ProductForm(request.POST or None, initial=initial, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                product = services.product_create(user=request.user, data=form.to_data())
            else:
                services.product_update(product=product, user=request.user, data=form.to_data())
        except DomainError as error:
            add_domain_error(form, error, request)
        else:
            return redirect("portal:product_detail", pk=product.pk)
    context = {"form": form, "product": product, "agreements": agreements}
    return render(request, "portal/products/form.html", context)


@login_required
def product_create(request):
    operator_only(request)
    return _form_page(request)


@login_required
def product_edit(request, pk: int):
    operator_only(request)
    product = get_object_for(request.user, DataProduct, pk, MANAGE)
    if product.sources.count() > 1:
        # The form edits one source; saving it would drop the others.
        messages.info(request, _("This product has several sources: edit it through the API."))
        return redirect("portal:product_detail", pk=pk)
    return _form_page(request, product)


@login_required
def product_detail(request, pk: int):
    product = get_object_for(request.user, DataProduct, pk)
    context = selectors.product_detail(user=request.user, product=product)
    context["is_owner"] = policy.allows(request.user, MANAGE, product)
    return render(request, "portal/products/detail.html", context)


@require_POST
@login_required
def product_action(request, pk: int, action: str):
    product = get_object_for(request.user, DataProduct, pk, MANAGE)
    text, me = posted_text(request, "reason"), request.user
    calls = {
        "submit": lambda: services.product_submit(product=product, user=me, note=text),
        "withdraw": lambda: services.product_withdraw(product=product, user=me, note=text),
        "delist": lambda: services.product_delist(product=product, user=me, reason=text),
    }
    if action == "delete":
        if run_action(request, lambda: services.product_delete(product=product, user=me)):
            return redirect("portal:products")
    elif action in calls:
        run_action(request, calls[action], PRODUCT_DONE[action]())
    return redirect("portal:product_detail", pk=pk)


# What happened, in words (called per request, in its language).
PRODUCT_DONE = {
    "submit": lambda: _("Submitted: the regulator reviews it before it is listed."),
    "withdraw": lambda: _("Withdrawn from review: it is a draft again."),
    "delist": lambda: _("Delisted: merchants can no longer apply for it."),
}
