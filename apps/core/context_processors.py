"""Role-aware navigation: each entry says who may see it and under which menu it sits."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The header's menus. An entry without one is a link of its own in the header; a menu
# that holds a single entry for this user is shown as that link, not as a menu of one.
WORK = pgettext_lazy("menu", "Operations")
REVIEWS = pgettext_lazy("menu", "Reviews")
SUPERVISION = pgettext_lazy("menu", "Supervision")
ACCESS = pgettext_lazy("menu", "Applications & grants")
PUBLIC = pgettext_lazy("menu", "Public")
DEVELOPERS = pgettext_lazy("menu", "Developers")

NAV = [
    # (label, url name, predicate on the user, menu); the header keeps this order, a
    # menu sits where its first entry is.
    (_("Overview"), "portal:home", lambda u: not u.is_regulator, None),
    (_("My resources"), "portal:resources", lambda u: u.org_kind == "provider", None),
    (_("Operator profile"), "portal:operator_profile", lambda u: u.org_kind == "operator", WORK),
    (_("Agreements"), "portal:agreements", lambda u: u.org_kind == "operator", WORK),
    (_("Annual reports"), "portal:operator_reports", lambda u: u.org_kind == "operator", WORK),
    (_("My products"), "portal:products", lambda u: u.org_kind == "operator", WORK),
    (_("Console"), "console:home", lambda u: u.is_regulator, None),
    (_("Registrations"), "console:registrations", lambda u: u.is_regulator, REVIEWS),
    (_("Operators"), "console:operators", lambda u: u.is_regulator, REVIEWS),
    (_("Agreement review"), "console:agreements", lambda u: u.is_regulator, REVIEWS),
    (_("Annual report review"), "console:operator_reports", lambda u: u.is_regulator, REVIEWS),
    (_("Product review"), "console:products", lambda u: u.is_regulator, REVIEWS),
    (_("Application review"), "console:review_queue", lambda u: u.is_regulator, REVIEWS),
    (_("Routing rules"), "console:routing", lambda u: u.is_regulator, REVIEWS),
    (_("Grants"), "console:grants", lambda u: u.is_regulator, SUPERVISION),
    (_("Alerts"), "console:alerts", lambda u: u.is_regulator, SUPERVISION),
    (_("Statements"), "console:statements", lambda u: u.is_regulator, SUPERVISION),
    (_("Leak tracing"), "console:leak_trace", lambda u: u.is_regulator, SUPERVISION),
    (_("Dataset uploads"), "console:uploads", lambda u: u.is_regulator, SUPERVISION),
    (_("Audit log"), "console:audit_events", lambda u: u.is_regulator, SUPERVISION),
    (_("Supervision reports"), "console:reports", lambda u: u.is_regulator, SUPERVISION),
    (_("Organizations"), "console:organizations", lambda u: u.is_regulator, None),
    (_("My applications"), "portal:applications", lambda u: u.org_kind == "merchant", ACCESS),
    (_("Applications"), "portal:applications", lambda u: u.org_kind == "operator", ACCESS),
    (
        _("Review queue"),
        "portal:review_queue",
        lambda u: u.org_kind in ("operator", "provider"),
        ACCESS,
    ),
    (
        _("Grants"),
        "portal:grants",
        lambda u: u.org_kind in ("operator", "provider", "merchant"),
        ACCESS,
    ),
    (_("Alerts"), "portal:alerts", lambda u: u.org_kind == "operator", ACCESS),
    (
        _("Statements"),
        "portal:statements",
        lambda u: u.org_kind in ("operator", "merchant"),
        ACCESS,
    ),
    (_("Catalog"), "catalog:list", lambda u: True, PUBLIC),
    (_("Marketplace"), "marketplace:list", lambda u: True, PUBLIC),
    (_("Disclosure"), "disclosure", lambda u: True, PUBLIC),
    (_("API keys"), "portal:api_keys", lambda u: u.organization_id is not None, DEVELOPERS),
    (
        _("Webhooks"),
        "portal:webhooks",
        lambda u: u.org_kind in ("operator", "merchant"),
        DEVELOPERS,
    ),
    (_("API docs"), "api-docs", lambda u: True, DEVELOPERS),
]


def _menus(links: list[dict], groups: list) -> list[dict]:
    """The header's top level: links, and menus ({"label", "links", "active"}) of two or
    more links each; a menu is current when one of its links is."""
    top: list[dict] = []
    menus: dict[int, dict] = {}
    for link, group in zip(links, groups, strict=True):
        if group is None:
            top.append(link)
        elif id(group) in menus:
            menus[id(group)]["links"].append(link)
        else:
            menus[id(group)] = {"label": group, "links": [link], "active": False}
            top.append(menus[id(group)])
    for menu in menus.values():
        menu["active"] = any(link["active"] for link in menu["links"])
    return [item["links"][0] if len(item.get("links", ())) == 1 else item for item in top]


# What a visitor who is not signed in may open: the public pages, side by side.
HOMES = ("portal:home", "console:home")
OPEN = ("catalog:list", "marketplace:list", "disclosure", "api-docs")


def navigation(request):
    user = getattr(request, "user", None)
    current = request.path
    # Before the second factor every page but its own sends the user back to it
    # (apps.accounts.middleware), so the header offers only the public pages.
    pending = bool(hasattr(user, "is_verified") and getattr(user, "second_factor_pending", False))
    if user is None or not user.is_authenticated or pending:
        visible = [(label, name, None) for label, name, _allowed, _group in NAV if name in OPEN]
    else:
        visible = [(label, name, group) for label, name, allowed, group in NAV if allowed(user)]
    links = [{"label": label, "url": reverse(name), "active": False} for label, name, _g in visible]
    # The entry whose URL is the longest prefix of this page is the current one, so
    # /portal/resources/1/ marks "My resources", not "Overview" (/portal/) too. A home is
    # current on itself only: a page no entry names (notifications) marks none.
    homes = {reverse(name) for name in HOMES}
    matches = [
        link
        for link in links
        if current == link["url"] or (link["url"] not in homes and current.startswith(link["url"]))
    ]
    if matches:
        max(matches, key=lambda link: len(link["url"]))["active"] = True
    groups = [group for _l, _n, group in visible]
    return {"nav_items": _menus(links, groups), "second_factor_pending": pending}
