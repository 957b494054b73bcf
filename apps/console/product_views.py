"""Regulator pages for data products: the review queue, a review page per product and
its decisions (approve, return with a reason, delist). All through apps.products.services."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.console.views import regulator_required
from apps.core.forms import flash_unknown_action, posted_text, run_action
from apps.products import selectors, services
from apps.products.models import DataProduct
from apps.workflow import policy
from apps.workflow.policy import DECIDE, get_object_for


@regulator_required
def product_queue(request):
    context = {
        "queue": selectors.product_review_queue(user=request.user),
        "products": selectors.product_list(user=request.user),
    }
    return render(request, "console/products/queue.html", context)


@regulator_required
def product_review(request, pk: int):
    product = get_object_for(request.user, DataProduct, pk)
    context = selectors.product_detail(user=request.user, product=product)
    context["can_decide"] = policy.allows(request.user, DECIDE, product)
    return render(request, "console/products/review.html", context)


@require_POST
@regulator_required
def product_decide(request, pk: int, decision: str):
    product = get_object_for(request.user, DataProduct, pk, DECIDE)
    text, me = posted_text(request, "reason"), request.user
    calls = {
        "approve": lambda: services.product_approve(product=product, reviewer=me, note=text),
        "return": lambda: services.product_return(product=product, reviewer=me, reason=text),
        "delist": lambda: services.product_delist(product=product, user=me, reason=text),
    }
    if decision not in calls:
        flash_unknown_action(request)
    else:
        run_action(request, calls[decision])
    return redirect("console:product_review", pk=pk)
