"""The sandbox page of a grant, served by the portal and the console alike (each wraps it
in its own access check and passes its URL namespace): the SQL editor with the view's
columns and example queries for the grant's holder, the result or the refusal of the
query just sent, and the query history for every party that may read it (the merchant,
the product's operator, the regulator). Queries run through apps.delivery.sandbox."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.catalog.models import DataResource
from apps.core.exceptions import DomainError
from apps.core.names import local_name
from apps.core.pages import page_of
from apps.core.permissions import VIEW
from apps.delivery import export_links, exports, sandbox, selectors
from apps.delivery.choices import EXPORT_OPEN
from apps.delivery.models import SandboxQuery
from apps.delivery.query import quote
from apps.delivery.sandbox_labels import refusal_label
from apps.delivery.scoped import scoped_data
from apps.grants.models import Grant
from apps.workflow import policy
from apps.workflow.policy import get_object_for

TEMPORAL = ("DATE", "TIMESTAMP")
NUMERIC = ("INT", "DECIMAL", "DOUBLE", "FLOAT", "REAL", "NUMERIC", "BIGINT", "HUGEINT")


class SandboxForm(forms.Form):
    sql = forms.CharField(
        label=gettext_lazy("SQL"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "sql"}),
    )
    source = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def examples(columns: list[dict]) -> list[str]:
    """Queries over this view: a count, a grouping, an average. Text shown to the user
    (who sends it back through the checks), never run from here, so nothing here looks at
    the data. The groupings are by year when the view has a date: the first text column
    may be an identifier (`credit_code`), one row a value, and an example the checks
    refuse (a group under k rows) teaches nothing. Without a date they are by that column."""
    view = sandbox.VIEW_NAME
    text = next((quote(c["name"]) for c in columns if c["type"] == "VARCHAR"), None)
    number = next((quote(c["name"]) for c in columns if c["type"].startswith(NUMERIC)), None)
    day = next((quote(c["name"]) for c in columns if c["type"].startswith(TEMPORAL)), None)
    key, selected = ("period", f"extract(year FROM {day}) AS period") if day else (text, text)
    found = [f"SELECT count(*) AS n FROM {view}"]  # noqa: S608
    if key and not day:  # by year: the last example
        found.append(f"SELECT {key}, count(*) AS n FROM {view}\nGROUP BY {key} ORDER BY n DESC")  # noqa: S608
    if number:
        found.append(
            f"SELECT round(avg({number}), 2) AS mean, min({number}) AS low, "  # noqa: S608
            f"max({number}) AS high FROM {view}"
        )
    if key and number:
        found.append(
            f"SELECT {selected}, count(*) AS n, sum({number}) AS total FROM {view}\n"  # noqa: S608
            f"GROUP BY {key} ORDER BY total DESC LIMIT 10"
        )
    if day:
        found.append(
            f"SELECT {selected}, count(*) AS n FROM {view}\n"  # noqa: S608
            "GROUP BY period ORDER BY period"
        )
    return found


def _sources(grant: Grant) -> list[dict]:
    ids = [entry["resource"] for entry in grant.scope.get("sources", [])]
    names = {r.pk: local_name(r) for r in DataResource.objects.filter(pk__in=ids)}
    return [{"id": pk, "name": names.get(pk, pk)} for pk in ids]


def _editor(grant: Grant, source) -> dict:
    """What the holder needs to write a query: the view's columns, examples, the sources."""
    context = {"columns": [], "examples": [], "sources": _sources(grant), "source": source}
    try:
        context["columns"] = sandbox.view_columns(scoped_data(grant, source))
    except DomainError as error:
        context["data_problem"] = error.message
    context["examples"] = examples(context["columns"]) if context["columns"] else []
    return context


def sandbox_link(user, grant: Grant) -> bool:
    """Whether the grant's page links to its sandbox page for this user."""
    if not policy.may(user, VIEW, SandboxQuery):
        return False
    return sandbox.sandbox_allowed(grant) or SandboxQuery.objects.filter(grant=grant).exists()


def sandbox_page(request, pk: int, namespace: str):
    grant = get_object_for(request.user, Grant, pk, VIEW)
    history = selectors.sandbox_history(user=request.user, grant=grant)  # 403 for a provider
    is_holder = grant.merchant_id == getattr(request.user, "organization_id", None)
    context = {
        "ns": namespace,
        "grant": grant,
        "view_name": sandbox.VIEW_NAME,
        "k": settings.SANDBOX_K,
        "max_rows": settings.SANDBOX_MAX_ROWS,
        "is_holder": is_holder,
        "refusal_now": sandbox.grant_refusal(grant),
    }
    if request.method == "POST":
        grant = selectors.grant_for_holder(
            user=request.user, key=None, pk=pk, request=request, action=sandbox.AUDIT_ACTION
        )
        form = SandboxForm(request.POST)
        status = _run(request, grant, form, context)
    else:
        form, status = SandboxForm(), 200
    if is_holder and context["refusal_now"] is None:
        source = form.cleaned_data.get("source") if form.is_bound and form.is_valid() else None
        context.update(_editor(grant, source or request.GET.get("source") or None))
        # ?example=N fills the editor with an example (no script needed).
        chosen = request.GET.get("example", "")
        if not form.is_bound and chosen.isdigit() and int(chosen) < len(context["examples"]):
            form = SandboxForm(initial={"sql": context["examples"][int(chosen)]})
    rows = page_of(request, history)
    _label(rows["page"], request.user)
    context.update(form=form, **rows)
    return render(request, "delivery/sandbox.html", context, status=status)


def _run(request, grant: Grant, form: SandboxForm, context: dict) -> int:
    if not form.is_valid():
        context["refused"] = {"code": "validation_error", "label": _("The input is not valid.")}
        return 400
    try:
        answer = sandbox.sandbox_query(
            grant=grant,
            user=request.user,
            sql=form.cleaned_data["sql"],
            source=form.cleaned_data.get("source"),
        )
    except DomainError as error:
        context["refused"] = {
            "code": error.code,
            "label": refusal_label(error.code),
            "message": error.message,
        }
        return error.status
    context["result"] = answer
    return 200


def _label(records, user) -> None:
    for record in records:
        record.refusal_label = refusal_label(record.refusal_code) if record.refusal_code else ""
        record.shows_who = selectors.shows_who(user, record)


def data_links(user, grant: Grant) -> dict:
    """Links from a grant's page to its data: the browser for its holder, the exports page
    for the holder and (read-only) for whoever may see the grant's export history."""
    holder = grant.merchant_id == getattr(user, "organization_id", None)
    return {
        "browse": holder,
        "exports": (holder and exports.allows_export(grant))
        or (
            selectors.reads_export_history(user)
            and selectors.export_list(user=user, grant=grant).exists()
        ),
    }


def exports_page(request, pk: int, namespace: str, form=None):
    """A grant's export history: its holder's, read-only for the product's operator and
    the regulator (apps.delivery.rules); `form(grant)`, the request form, for the holder
    in the portal; download links for whoever asked for each export."""
    grant = selectors.grant_for_exports(user=request.user, pk=pk)
    holder = grant.merchant_id == getattr(request.user, "organization_id", None)
    rows = list(selectors.export_list(user=request.user, grant=grant)[:50])
    for export in rows:
        export.link = None
        export.shows_who = selectors.shows_who(request.user, export)
        if namespace == "portal" and export_links.may_download(export, user=request.user, key=None):
            token = export_links.export_link_token(export, user=request.user, key=None)
            path = reverse("portal:grant_export_download", args=[grant.pk, export.pk])
            export.link = f"{path}?token={token}"
    context = {
        "ns": namespace,
        "grant": grant,
        "exports": rows,
        "running": any(e.status in EXPORT_OPEN for e in rows),
        "form": form(grant) if form is not None and holder else None,
        "allowed": exports.allows_export(grant),
    }
    return render(request, "portal/delivery/exports.html", context)
