"""The front door at `/`: a public home for visitors (catalog search, marketplace,
disclosure, sign-in); each signed-in user goes on to the home of their role."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from apps.catalog.models import DataResource
from apps.operators import selectors as operator_selectors
from apps.products import selectors as product_selectors


@require_GET
def home(request):
    user = request.user
    if user.is_authenticated:
        if user.is_regulator:
            return redirect("console:home")
        return redirect("portal:home")
    context = {
        "resource_count": DataResource.objects.public().count(),
        "product_count": product_selectors.marketplace().count(),
        "agreement_count": operator_selectors.disclosed_agreements().count(),
    }
    return render(request, "public_home.html", context)
