"""Ids in paths are bounded. A number longer than any id is a 404 before a view runs:
SQLite (the embedded default) cannot even bind it (OverflowError, a 500 in
/console/users/<pk>/role/), and PostgreSQL would only compare it to nothing."""

import re

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from tests.conftest import login_web

UNBOUNDED = re.compile(r"\\d\+|\[0-9\]\+")


def _patterns(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern


def test_no_route_takes_an_unbounded_number():
    # Django's admin (and django-otp's pages in it) look their ints up by primary key,
    # which Django bounds itself; every route of the platform uses `<id:...>`.
    loose = [
        route
        for route, _pattern in _patterns(get_resolver().url_patterns)
        if not route.startswith("admin/") and ("<int:" in route or UNBOUNDED.search(route))
    ]
    assert loose == []


@pytest.mark.parametrize(
    "path",
    [
        "/console/users/{}/role/",
        "/portal/grants/{}/",
        "/catalog/{}/",
        "/api/v1/grants/{}/records/",
        "/api/v1/operators/profiles/1/documents/{}/file/",
    ],
)
def test_a_number_longer_than_any_id_resolves_to_nothing(path):
    assert _view(path.format(999_999_999_999_999_999)) not in (None, "api-not-found")  # an id
    # 19 digits, beyond bigint: no view (under /api/, the JSON 404 of unknown addresses)
    assert _view(path.format(9_999_999_999_999_999_999)) in (None, "api-not-found")


def _view(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


@pytest.mark.django_db
def test_the_regulator_posting_to_a_huge_user_id_gets_a_404(web, regulator):
    login_web(web, regulator)
    for action in ("role", "active"):
        response = web.post(f"/console/users/{'9' * 23}/{action}/", {"role": "admin"})
        assert response.status_code == 404


LOOKUP_ROUTES = [
    "/api/v1/api-keys/{}/",
    "/api/v1/organizations/{}/",
    "/api/v1/notifications/{}/read/",
    "/api/v1/grants/{}/",
    "/api/v1/grants/1/keys/{}/",
    "/api/v1/catalog/resources/{}/",
    "/api/v1/products/{}/",
    "/api/v1/webhooks/endpoints/{}/",
    "/api/v1/statements/{}/",
    "/api/v1/operators/profiles/1/documents/{}/file/",
]


@pytest.mark.parametrize("path", LOOKUP_ROUTES)
@pytest.mark.parametrize("id_text", ["١", "٢٣", "𝟓", "1e3", "abc", "-1"])
def test_an_api_object_id_is_ascii_digits_only(path, id_text):
    # DRF's router took `[^/.]+` (or `\d`, any script's digits): /api/v1/api-keys/١/ was
    # key 1 (Django reads '١' as 1), one object at many addresses.
    assert _view(path.format(7)) not in (None, "api-not-found")
    assert _view(path.format(id_text)) in (None, "api-not-found")


def test_no_api_route_takes_any_script_digits_or_drf_default_lookup():
    loose = [
        route
        for route, _pattern in _patterns(get_resolver().url_patterns)
        if route.startswith("api/") and ("\\d" in route or "[^/.]+" in route)
    ]
    assert loose == []
