"""Hostile input on the web pages: portal, console, accounts and the public pages (the API
has its own fuzzer, tests/security/test_fuzz_api.py). The rule: bad input gets a form
error or a 4xx, never a 500, and a refused POST writes nothing.

The world is seed_demo's (every object kind) plus what it leaves out (a holiday, a webhook
endpoint and delivery, an alert, an export, an attachment, an annual report, report and
verification jobs). Each persona (anonymous, the demo regulator signed in with TOTP, a
provider, the operator, a merchant) crawls from every page without path arguments and
follows the links and forms of the pages it may see, so that each URL pattern is tried
with real arguments; a pattern no crawl reached is tried with the pk of an object of its
kind. Then, as a persona that reaches it (the console's regulator first, elsewhere the
portal's personas first):

- every pattern gets the hostile query strings of GET_VARIANTS, each of BAD_VALUES (NUL,
  a lone surrogate, beyond bigint, -1, text, an impossible date, markup, 10k characters)
  in every parameter the page knows (its GET forms and query links, and KNOWN_PARAMS)
  and, for each integer path argument, a pk that does not exist and one beyond bigint;
  a page with no parameters of its own (a detail page) gets the shorter list;
- every POST target (each form seen, and each POST-only pattern) gets POST_VARIANTS
  derived from the form's own fields: empty, NUL, lone surrogate, 100k characters,
  wrong types, numbers beyond bigint, dates at the ends of the calendar, unknown fields;
  and a form that is accepted as its page filled it (an edit form of a live object) gets
  ONE_FIELD_VALUES in one field at a time, the others as they were, so that a value
  only the database or the service refuses is not hidden by another field's form error.

Every request runs in a savepoint rolled back after it (and the client's cookies are put
back), so each sees the same world and one persona's POST cannot sign it out. All the
failures are collected and reported together.
"""

import copy
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from apps.accounts.models import User
from tests.conftest import current_totp
from tests.factories import totp_device

pytestmark = pytest.mark.django_db

# The surfaces swept: URL namespaces, and the un-namespaced web pages by name.
NAMESPACES = {"portal", "console", "accounts", "catalog", "marketplace", "public_catalog"}
PLAIN_NAMES = {"home", "disclosure", "agreement_notice"}
PERSONAS = {
    "regulator": "regulator",
    "provider": "provider-market",
    "operator": "operator",
    "merchant": "merchant-a",
}
NUL, SURROGATE = "%00", "%ED%A0%80"
MISSING, OVERFLOW = "999999999", "99999999999999999999"
SUPERSCRIPT_TWO = "%C2%B2"
# Path arguments that hold an id: the platform's bounded `<id:...>` and Django's `<int:...>`.
ID_CONVERTERS = {"IdConverter", "IntConverter"}
# Query parameters any list may read (apps/*/pages.py, apps/console/*_views.py).
KNOWN_PARAMS = [
    "page", "ordering", "status", "q", "kind", "before", "cursor", "year", "month", "days",
    "since", "until", "rule", "grant", "queue", "source", "example", "page_size", "unread",
    "ending_within", "operator", "endpoint", "mine", "token", "next", "export", "format",
]  # fmt: skip
# Each value below goes into every query parameter a page knows, in one request; when
# that request fails, each parameter is sent alone to name the one at fault.
BAD_VALUES = [
    "a" + NUL + "b", SURROGATE, OVERFLOW, "-1", "abc", "2026-02-30",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    SUPERSCRIPT_TWO,  # a digit to str.isdigit(), not to int()
    "x" * 10_000,
]  # fmt: skip
# And these on their own.
GET_VARIANTS = [
    "ordering=__class__",
    "ordering=-nonexistent",
    "status=a&status=b&page=1&page=2&q=a&q=b",
    "format=xlsx",
    "format=csv",
    "export=xlsx",
    "export=csv",
    "year=99999&month=0",
    "month=2026-13",
]
# Values for the integer path arguments of a pattern no crawl reached, by the path
# segment before the argument: the model whose pks fill it.
MODELS = {
    "api-keys": "accounts.ApiKey",
    "resources": "catalog.DataResource",
    "registrations": "catalog.DataResource",
    "catalog": "catalog.DataResource",
    "uploads": "catalog.DatasetUpload",
    "agreements": "operators.AuthorizationAgreement",
    "notices": "operators.AuthorizationAgreement",
    "documents": "operators.QualificationDocument",
    "operators": "operators.OperatorProfile",
    "annual-reports": "operators.AnnualReport",
    "webhooks": "webhooks.WebhookEndpoint",
    "deliveries": "webhooks.WebhookDelivery",
    "products": "products.DataProduct",
    "new": "products.DataProduct",  # applications/new/<product>/
    "applications": "grants.AccessApplication",
    "attachments": "grants.ApplicationAttachment",
    "grants": "grants.Grant",
    "exports": "delivery.Export",
    "alerts": "delivery.Alert",
    "statements": "delivery.Statement",
    "organizations": "accounts.Organization",
    "users": "accounts.User",
    "verify": "workflow.OutboxItem",
    "reports": "workflow.OutboxItem",
    "routing": "grants.RuleSet",
    "rules": "grants.RoutingRule",
    "holidays": "grants.Holiday",
    "notifications": "workflow.Notification",
}
# Requests per pattern and persona while crawling; bodies bigger than this are not parsed.
EXAMPLES_PER_PATTERN = 3
PARSE_LIMIT = 400_000


# --- the URL patterns --------------------------------------------------------------------


@dataclass
class Pattern:
    route: str  # "portal/grants/<id:pk>/<str:action>/"
    name: str  # "portal:grant_action"
    args: dict  # argument name -> converter class name ("IdConverter")
    regex: re.Pattern = field(repr=False, default=None)


def web_patterns() -> list[Pattern]:
    found = []

    def walk(resolvers, prefix: str, namespace: str | None, converters: dict):
        for entry in resolvers:
            route = prefix + str(entry.pattern)
            args = {**converters, **getattr(entry.pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route, entry.namespace or namespace, args)
            elif isinstance(entry, URLPattern):
                wanted = namespace in NAMESPACES if namespace else entry.name in PLAIN_NAMES
                if wanted and not route.startswith("api/"):
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                    kinds = {k: type(v).__name__ for k, v in args.items()}
                    found.append(Pattern(route, name, kinds))

    walk(get_resolver().url_patterns, "", None, {})
    return found


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


# --- reading pages: links, forms and their fields ----------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> (input type, default value)
    multipart: bool = False


class PageParser(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base, self.links, self.forms, self.params = base, set(), [], set()
        self._form, self._select, self._textarea = None, None, None

    def _absolute(self, href: str) -> str | None:
        if not href or href.startswith(("#", "mailto:", "javascript:", "http", "//")):
            return None
        if href.startswith("?"):
            return urlsplit(self.base).path + href
        if not href.startswith("/"):
            return None
        return href

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            url = self._absolute(attrs.get("href") or "")
            if url:
                self.links.add(url)
                self.params.update(k for k, _ in parse_qsl(urlsplit(url).query))
        elif tag == "form":
            action = self._absolute(attrs.get("action") or "?") or urlsplit(self.base).path
            self._form = Form(
                action=action.split("?")[0] if "?" in action else action,
                method=(attrs.get("method") or "get").lower(),
                multipart="multipart" in (attrs.get("enctype") or ""),
            )
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            kind = tag if tag != "input" else (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                value = None if name in self._form.fields else ""
                if value is None:
                    return
                self._form.fields[name] = (kind, attrs.get("value") or "on")
                return
            self._form.fields[name] = (kind, attrs.get("value") or "")
            if self._form.method == "get":
                self.params.add(name)
            if tag == "select":
                self._select = name
            elif tag == "textarea":
                self._textarea = name
        elif tag == "option" and self._select and self._form is not None:
            kind, value = self._form.fields[self._select]
            if not value or "selected" in attrs:
                self._form.fields[self._select] = (kind, attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            kind, value = self._form.fields[self._textarea]
            self._form.fields[self._textarea] = (kind, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


# --- the world -----------------------------------------------------------------------------


def _extras(tmp_path) -> None:
    """The object kinds seed_demo does not make."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.catalog.models import DatasetVersion
    from apps.console import jobs, report_jobs
    from apps.delivery.alerts.rules import RULES, Finding
    from apps.delivery.alerts.services import alert_raise
    from apps.delivery.models import Export
    from apps.grants import services as grant_services
    from apps.grants.applications import application_attach
    from apps.grants.models import AccessApplication, Grant
    from apps.operators.services.reports import report_file
    from apps.webhooks import services as webhooks

    regulator = User.objects.get(username="regulator")
    operator = User.objects.get(username="operator")
    merchant = User.objects.get(username=PERSONAS["merchant"])
    grant_services.holiday_add(user=regulator, day=date(2026, 10, 1), name="国庆节")
    endpoint, _secret = webhooks.endpoint_create(
        user=merchant, url="http://127.0.0.1:9/hook", event_types=["webhook.ping"]
    )
    webhooks.endpoint_ping(endpoint=endpoint, user=merchant)
    grant = Grant.objects.filter(merchant_id=merchant.organization_id).first()
    alert_raise(
        Finding(rule=next(iter(RULES)), grant_id=grant.pk, window="hostile", params={},
                evidence={})
    )  # fmt: skip
    version = DatasetVersion.objects.order_by("pk").first()
    Export.objects.create(
        grant=grant, requested_by=merchant, format="csv", fields=[],
        resource_id=version.resource_id, version_id=version.pk,
    )  # fmt: skip
    editable = AccessApplication.objects.filter(status="changes_requested").first()
    if editable is not None:
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        application_attach(
            application=editable,
            user=editable.created_by if hasattr(editable, "created_by") else merchant,
            upload=SimpleUploadedFile("plan.pdf", pdf, content_type="application/pdf"),
        )
    report_file(user=operator, content="年度报告", year=2025)
    jobs.audit_verify_start(user=regulator)
    report_jobs.report_start(user=regulator, kind="monthly", year=2026, month=1, language="zh-hans")


@pytest.fixture
def world(settings, tmp_path):
    from apps.delivery.quotas import counters

    counters().clear()  # the grant's rate and quota counters live in Redis, across runs
    settings.OPERATORS_FILES_DIR = tmp_path / "operators"
    settings.WEBHOOKS_ALLOW_INSECURE_LOOPBACK = True
    call_command("seed_demo", force=True, stdout=StringIO())
    totp_device(User.objects.get(username="regulator"))
    _extras(tmp_path)


def signed_in(persona: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if persona is None:
        return client
    user = User.objects.get(username=PERSONAS[persona])
    client.force_login(user)
    if user.requires_two_factor:
        response = client.post("/accounts/otp/", {"token": current_totp(user)})
        assert response.status_code == 302, response.content[:300]
    return client


# --- sending ---------------------------------------------------------------------------------


@dataclass
class Sweep:
    clients: dict
    failures: list = field(default_factory=list)
    sent: int = 0

    def send(self, persona, method, url, data=None, content_type=None):
        """One request in a savepoint rolled back after it; returns its status, its HTML
        (or streamed) body and where it redirects to."""
        client = self.clients[persona]
        cookies = copy.deepcopy(client.cookies)
        self.sent += 1
        kwargs = {} if content_type is None else {"content_type": content_type}
        with transaction.atomic():
            response = getattr(client, method)(url, data, **kwargs)
            body = b""
            try:
                if response.streaming:
                    body = b"".join(response.streaming_content)
                elif response.get("Content-Type", "").startswith("text/html"):
                    body = response.content[:PARSE_LIMIT]
            except Exception as error:  # a broken stream is a server error too
                response.status_code, response.exc_info = 500, (type(error), error, None)
            transaction.set_rollback(True)
        client.cookies = cookies
        if response.status_code >= 500:
            error = response.exc_info[1] if getattr(response, "exc_info", None) else ""
            what = f"{type(error).__name__}: {str(error)[:160]}" if error else ""
            label = url if len(url) < 200 else url[:200] + "…"
            shown = "" if data is None else f" {str(data)[:120]}"
            self.failures.append(f"{persona or 'anonymous'} {method.upper()} {label}{shown}"
                                 f" -> {response.status_code} {what}")  # fmt: skip
        return response.status_code, body, response.get("Location", "")

    def get(self, persona, url):
        return self.send(persona, "get", url)

    def post_form(self, persona, url, values: dict):
        """A urlencoded body written by hand, so that raw escapes (a lone surrogate) go
        through as the browser would send them."""
        body = "&".join(f"{quote(k, safe='%')}={quote(v, safe='%')}" for k, v in values.items())
        return self.send(
            persona, "post", url, data=body, content_type="application/x-www-form-urlencoded"
        )


def _with_query(url: str, query: str) -> str:
    return url + ("&" if "?" in url else "?") + query


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class Seen:
    """What the crawl learned about one pattern: the URLs that answered 200 (by persona),
    the forms posting to it and the query parameters its pages know."""

    reached: dict = field(default_factory=dict)  # persona -> url
    tried: dict = field(default_factory=lambda: defaultdict(int))
    forms: dict = field(default_factory=dict)  # persona -> Form
    params: set = field(default_factory=set)


def crawl(sweep: Sweep, patterns: dict[str, Pattern], persona) -> dict[str, Seen]:
    seen = {name: Seen() for name in patterns}
    queue = [
        "/" + p.route for p in patterns.values() if not p.args and "<" not in p.route
    ]  # fmt: skip
    visited = set()
    while queue:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        name = pattern_of(urlsplit(url).path)
        if name not in seen or seen[name].tried[persona] >= EXAMPLES_PER_PATTERN:
            continue
        seen[name].tried[persona] += 1
        status, body, _ = sweep.get(persona, url)
        if status != 200:
            continue
        seen[name].reached.setdefault(persona, url)
        if not body:
            continue
        parser = PageParser(url)
        parser.feed(body.decode("utf-8", "replace"))
        seen[name].params |= parser.params
        for form in parser.forms:
            target = pattern_of(urlsplit(form.action).path)
            if target in seen and form.method == "post":
                seen[target].forms.setdefault(persona, form)
        queue += sorted(parser.links - visited)
    return seen


def fill(pattern: Pattern, pks: dict, replace: dict | None = None) -> str | None:
    """The pattern's path with real pks (MODELS) and the given replacements."""
    path = "/" + pattern.route
    for arg, kind in pattern.args.items():
        placeholder = re.search(rf"<(\w+:)?{arg}>", path).group(0)
        if replace and arg in replace:
            value = replace[arg]
        elif kind in ID_CONVERTERS:
            segment = path.split(placeholder)[0].rstrip("/").rsplit("/", 1)[-1]
            value = pks.get(MODELS.get(segment, ""))
            if value is None:
                return None
        else:
            value = "x"
        path = path.replace(placeholder, str(value), 1)
    return path


def first_pks() -> dict:
    from django.apps import apps

    return {
        label: model.objects.order_by("pk").values_list("pk", flat=True).first()
        for label in set(MODELS.values())
        for model in [apps.get_model(label)]
    }


def hostile_gets(sweep: Sweep, persona, url: str, pattern: Pattern, params: set) -> None:
    """A page with query parameters of its own (a GET form, ?links) gets every variant; a
    page without (a detail page) the few that any page might read."""
    variants, values = GET_VARIANTS, BAD_VALUES
    if not params:
        variants, values = ["format=xlsx", "export=xlsx"], [*BAD_VALUES[:4], BAD_VALUES[-1]]
    for variant in variants:
        sweep.get(persona, _with_query(url, variant))
    names = sorted(params | set(KNOWN_PARAMS))
    for bad in values:
        query = "&".join(f"{quote(n)}={bad}" for n in names)
        status, *_ = sweep.get(persona, _with_query(url, query))
        if status >= 500:  # which parameter: each on its own
            combined, failed = sweep.failures.pop(), len(sweep.failures)
            for name in names:
                sweep.get(persona, _with_query(url, f"{quote(name)}={bad}"))
            if len(sweep.failures) == failed:
                sweep.failures.append(combined)
    path = urlsplit(url).path
    for arg, kind in pattern.args.items():
        if kind not in ID_CONVERTERS:
            continue
        match = resolve(path)
        for value in (MISSING, OVERFLOW):
            replaced = fill(pattern, {}, {**match.kwargs, arg: value})
            sweep.get(persona, replaced)


def _bad_of_type(kind: str) -> str:
    return {
        "number": "abc",
        "date": "2026-02-30",
        "datetime-local": "2026-02-30T25:61",
        "time": "25:61",
        "email": "not-an-email",
        "url": "javascript:alert(1)",
        "select": "<bogus>",
        "checkbox": "maybe",
        "radio": "<bogus>",
        "file": "not-a-file",
    }.get(kind, "-1")


FORMSET = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
POST_VARIANTS = {
    "empty": lambda fields: {},
    "nul": lambda fields: {n: v + NUL for n, (k, v) in fields.items()},
    "surrogate": lambda fields: {n: v + SURROGATE for n, (k, v) in fields.items()},
    "100k": lambda fields: {n: "x" * 100_000 for n in fields},
    "wrong types": lambda fields: {n: _bad_of_type(k) for n, (k, v) in fields.items()},
    # Formset counts stay: TOTAL_FORMS beyond bigint builds absolute_max (2000) forms.
    "overflow": lambda fields: {
        n: v if FORMSET.search(n) else OVERFLOW for n, (k, v) in fields.items()
    },
    # Dates at the ends of the calendar, every other field as the form had it.
    "far future": lambda fields: {
        n: "9999-12-31" if k == "date" else v for n, (k, v) in fields.items()
    },
    "far past": lambda fields: {
        n: "0001-01-01" if k == "date" else v for n, (k, v) in fields.items()
    },
    "unknown": lambda fields: {
        **{n: v for n, (k, v) in fields.items()},
        "zzz": "1",
        "id": OVERFLOW,
        "organization": "1",
        "status": "active",
        "pk": "x",
    },
}


def hostile_posts(sweep: Sweep, persona, url: str, fields: dict) -> None:
    for name, variant in POST_VARIANTS.items():
        values = variant(fields)
        status, *_ = sweep.post_form(persona, url, values)
        if status >= 500 and name not in ("empty", "unknown"):
            combined = sweep.failures.pop()  # which field: each alone, the others as they were
            for field_name in fields:
                one = {n: v for n, (k, v) in fields.items()}
                one[field_name] = values[field_name]
                status, *_ = sweep.post_form(persona, url, one)
                if status >= 500:
                    sweep.failures[-1] += f"  [{name} in {field_name}]"
                    combined = None
            if combined:
                sweep.failures.append(combined)


# One field at a time, the others as the page filled them.
ONE_FIELD_VALUES = [OVERFLOW, "x" * 100_000, "-1", "1e30", "0.001", "9999-12-31", "0001-01-01"]


def one_field_at_a_time(sweep: Sweep, persona, url: str, fields: dict) -> int:
    """When the form as the page filled it is accepted (an edit form of a live object),
    each field alone gets each of ONE_FIELD_VALUES: a value that only the database or
    the service refuses is found there, not hidden by another field's form error."""
    base = {n: v for n, (k, v) in fields.items()}
    status, *_ = sweep.post_form(persona, url, base)
    if status not in (302, 303):
        return 0
    for name in fields:
        if FORMSET.search(name) or name == "csrfmiddlewaretoken":
            continue
        for bad in ONE_FIELD_VALUES:
            sweep.post_form(persona, url, {**base, name: bad})
    return 1


def post_only(sweep: Sweep, pattern: Pattern, candidates: list) -> str | None:
    """A pattern with no form seen: an empty POST as each candidate (persona, url) until
    one is let in, then the hostile bodies with the usual free-text fields. Returns the
    persona that was let in."""
    for persona, url in candidates:
        status, _, location = sweep.post_form(persona, url, {})
        if status == 405:
            return None  # GET only
        if status in (200, 302, 303) and "/accounts/" not in location:
            text = ("textarea", "x")
            hostile_posts(sweep, persona, url, {"note": text, "reason": text})
            return persona
    return None


def test_hostile_input_on_the_web_pages_is_never_a_server_error(world):
    started = time.monotonic()
    patterns = {p.name: p for p in web_patterns()}
    order = ["regulator", "provider", "operator", "merchant", None]
    sweep = Sweep({persona: signed_in(persona) for persona in order})
    learned = {persona: crawl(sweep, patterns, persona) for persona in order}
    crawled, crawl_time = sweep.sent, time.monotonic() - started
    pks = first_pks()
    untried, got, posted, accepted = [], [], [], 0
    for name, pattern in patterns.items():
        ranked = order if name.startswith("console:") else [*order[1:4], order[0], None]
        reachers = [p for p in ranked if p in learned[p][name].reached]
        params = set().union(*(learned[p][name].params for p in order))
        if reachers:
            persona = reachers[0]
            hostile_gets(sweep, persona, learned[persona][name].reached[persona], pattern, params)
            got.append(name)
        forms = [(p, learned[p][name].forms[p]) for p in ranked if p in learned[p][name].forms]
        if forms:
            persona, form = forms[0]
            hostile_posts(sweep, persona, form.action, form.fields)
            accepted += one_field_at_a_time(sweep, persona, form.action, form.fields)
            sweep.post_form(None, form.action, {})
            posted.append(name)
            continue
        # No form posts here: POST-only without a form seen (or GET only). The URL a
        # persona reached, else the pattern filled with the first pk of its kind.
        candidates = [(p, learned[p][name].reached[p]) for p in reachers]
        if not candidates and (url := fill(pattern, pks)):
            candidates = [(p, url) for p in ranked]
        if post_only(sweep, pattern, candidates):
            posted.append(name)
        elif not reachers:
            untried.append(name)
    elapsed = time.monotonic() - started
    print(
        f"\nhostile web sweep: {len(patterns)} URL patterns, 5 personas; crawl: {crawled}"
        f" requests in {crawl_time:.0f}s; hostile GET on {len(got)} patterns, hostile POST on"
        f" {len(posted)} ({accepted} forms one field at a time); {sweep.sent} requests in"
        f" {elapsed:.0f}s. Not reached: {untried}"
    )
    assert not sweep.failures, f"{len(sweep.failures)} server errors:\n" + "\n".join(sweep.failures)


# The creating forms (and their personas) for the spot check below.
CREATING = [
    ("provider", "/portal/resources/new/"),
    ("operator", "/portal/products/new/"),
    ("operator", "/portal/agreements/new/"),
    ("merchant", "/portal/api-keys/"),
    ("merchant", "/portal/webhooks/"),
    ("regulator", "/console/organizations/new/"),
    ("regulator", "/console/holidays/"),
    ("regulator", "/console/reports/"),
]


def row_counts() -> dict:
    """Rows of every model of the platform's apps, but the audit trail: each refusal is
    audited by design."""
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("apps.") and model._meta.label != "audit.AuditEvent"
    }


def test_a_refused_post_writes_nothing(world):
    """The sweep rolls every request back; here the hostile bodies go to the creating
    forms for real, and each one refused (the form again, or a 4xx) leaves every table
    as it was."""
    refused, clients = 0, {p: signed_in(p) for p in dict.fromkeys(p for p, _ in CREATING)}
    for persona, url in CREATING:
        client = clients[persona]
        page = client.get(url)
        assert page.status_code == 200, url
        parser = PageParser(url)
        parser.feed(page.content.decode())
        form = next(f for f in parser.forms if f.method == "post" and f.action == url)
        for name in ("empty", "nul", "wrong types", "overflow"):
            values = POST_VARIANTS[name](form.fields)
            body = "&".join(f"{quote(k, safe='%')}={quote(v, safe='%')}" for k, v in values.items())
            before = row_counts()
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code < 500, (url, name)
            if response.status_code == 200 or response.status_code >= 400:
                refused += 1
                assert row_counts() == before, (url, name)
    assert refused >= 3 * len(CREATING)
