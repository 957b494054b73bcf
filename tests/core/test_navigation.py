"""The header's navigation (apps/core/context_processors.py): each role's entries, grouped
in a few menus, the page's entry and its menu marked current."""

import pytest
from django.test import RequestFactory

from apps.core.context_processors import NAV, SUPERVISION, navigation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def nav_for(user, path: str = "/") -> list[dict]:
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)["nav_items"]


def shape(items: list[dict]) -> list:
    """A link as its URL, a menu as the list of its links' URLs."""
    return [
        [link["url"] for link in item["links"]] if "links" in item else item["url"]
        for item in items
    ]


def links(items: list[dict]) -> list[dict]:
    return [link for item in items for link in item.get("links", [item])]


def test_the_regulators_twenty_entries_are_six_at_the_top(regulator):
    assert shape(nav_for(regulator)) == [
        "/console/",
        [
            "/console/registrations/",
            "/console/operators/",
            "/console/agreements/",
            "/console/annual-reports/",
            "/console/products/",
            "/console/applications/",
            "/console/routing/",
        ],
        [
            "/console/grants/",
            "/console/alerts/",
            "/console/statements/",
            "/console/leaks/",
            "/console/uploads/",
            "/console/audit/",
            "/console/reports/",
        ],
        "/console/organizations/",
        ["/catalog/", "/products/", "/disclosure/"],
        ["/portal/api-keys/", "/api/docs/"],
    ]


@pytest.mark.parametrize("persona", ["regulator", "operator_admin", "provider", "merchant"])
def test_every_entry_a_role_may_see_is_in_its_menus_once_in_order(request, persona):
    user = request.getfixturevalue(persona)
    allowed = [entry for entry in NAV if entry[2](user)]
    grouped = links(nav_for(user))
    assert [link["label"] for link in grouped] == [entry[0] for entry in allowed]
    assert len(nav_for(user)) <= 6


def test_the_operators_menus(operator_admin):
    assert shape(nav_for(operator_admin)) == [
        "/portal/",
        [
            "/portal/operator/profile/",
            "/portal/agreements/",
            "/portal/reports/",
            "/portal/products/",
        ],
        [
            "/portal/applications/",
            "/portal/reviews/",
            "/portal/grants/",
            "/portal/alerts/",
            "/portal/statements/",
        ],
        ["/catalog/", "/products/", "/disclosure/"],
        ["/portal/api-keys/", "/portal/webhooks/", "/api/docs/"],
    ]


def test_a_menu_of_one_entry_is_shown_as_that_link(db):
    # a user of no organization sees the API docs alone of the developers' menu
    items = nav_for(UserFactory())
    assert shape(items) == ["/portal/", ["/catalog/", "/products/", "/disclosure/"], "/api/docs/"]


def test_the_page_and_its_menu_are_current_and_nothing_else(regulator):
    items = nav_for(regulator, "/console/audit/?action=auth.login")
    assert [link["url"] for link in links(items) if link["active"]] == ["/console/audit/"]
    assert [item["label"] for item in items if item["active"]] == [SUPERVISION]


def test_the_longest_prefix_is_current_not_the_home_too(provider):
    items = nav_for(provider, "/portal/resources/1/")
    assert [link["url"] for link in links(items) if link["active"]] == ["/portal/resources/"]
    assert not any(item["active"] for item in items if "links" in item)


def test_a_home_is_current_on_itself_only(merchant, regulator):
    assert [link["url"] for link in links(nav_for(merchant, "/portal/")) if link["active"]] == [
        "/portal/"
    ]
    # the notifications (a header tool, no entry) are not the overview
    assert not any(link["active"] for link in links(nav_for(merchant, "/portal/notifications/")))
    assert not any(link["active"] for link in links(nav_for(regulator, "/console/notifications/")))


def test_a_visitor_not_signed_in_sees_the_public_pages_side_by_side(client):
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse

    public = [reverse(name) for name in ("catalog:list", "marketplace:list", "disclosure")]
    assert shape(nav_for(AnonymousUser(), public[0])) == [*public, reverse("api-docs")]
    assert [link["active"] for link in nav_for(AnonymousUser(), public[1])] == [
        False,
        True,
        False,
        False,
    ]
    page = client.get(public[2]).content.decode()
    assert 'class="main-nav"' in page and f'href="{public[0]}"' in page
