"""Role-aware navigation: each entry says who may see it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAV = [
    # (label, url name, predicate on the user)
    (_("Overview"), "portal:home", lambda u: not u.is_regulator),
    (_("Catalog"), "catalog:list", lambda u: True),
    (_("My resources"), "portal:resources", lambda u: u.org_kind == "provider"),
    (_("Operator profile"), "portal:operator_profile", lambda u: u.org_kind == "operator"),
    (_("Agreements"), "portal:agreements", lambda u: u.org_kind == "operator"),
    (_("Annual reports"), "portal:operator_reports", lambda u: u.org_kind == "operator"),
    (_("My products"), "portal:products", lambda u: u.org_kind == "operator"),
    (_("Marketplace"), "marketplace:list", lambda u: True),
    (_("My applications"), "portal:applications", lambda u: u.org_kind == "merchant"),
    (_("Applications"), "portal:applications", lambda u: u.org_kind == "operator"),
    (_("Review queue"), "portal:review_queue", lambda u: u.org_kind in ("operator", "provider")),
    (_("Grants"), "portal:grants", lambda u: u.org_kind in ("operator", "provider", "merchant")),
    (_("API keys"), "portal:api_keys", lambda u: u.organization_id is not None),
    (_("Alerts"), "portal:alerts", lambda u: u.org_kind == "operator"),
    (_("Statements"), "portal:statements", lambda u: u.org_kind in ("operator", "merchant")),
    (_("Webhooks"), "portal:webhooks", lambda u: u.org_kind in ("operator", "merchant")),
    (_("Console"), "console:home", lambda u: u.is_regulator),
    (_("Registrations"), "console:registrations", lambda u: u.is_regulator),
    (_("Operators"), "console:operators", lambda u: u.is_regulator),
    (_("Agreement review"), "console:agreements", lambda u: u.is_regulator),
    (_("Annual report review"), "console:operator_reports", lambda u: u.is_regulator),
    (_("Routing rules"), "console:routing", lambda u: u.is_regulator),
    (_("Product review"), "console:products", lambda u: u.is_regulator),
    (_("Application review"), "console:review_queue", lambda u: u.is_regulator),
    (_("Grants"), "console:grants", lambda u: u.is_regulator),
    (_("Alerts"), "console:alerts", lambda u: u.is_regulator),
    (_("Statements"), "console:statements", lambda u: u.is_regulator),
    (_("Leak tracing"), "console:leak_trace", lambda u: u.is_regulator),
    (_("Organizations"), "console:organizations", lambda u: u.is_regulator),
    (_("Dataset uploads"), "console:uploads", lambda u: u.is_regulator),
    (_("Audit log"), "console:audit_events", lambda u: u.is_regulator),
    (_("Supervision reports"), "console:reports", lambda u: u.is_regulator),
    (_("Disclosure"), "disclosure", lambda u: True),
    (_("API docs"), "api-docs", lambda u: True),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = [
        {"label": label, "url": reverse(name), "active": False}
        for label, name, allowed in NAV
        if allowed(user)
    ]
    # The entry whose URL is the longest prefix of this page is the current one, so
    # /portal/resources/1/ marks "My resources", not "Overview" (/portal/) too.
    matches = [item for item in items if current.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
