"""Regulator console: the audit log and its verification. Calls the audit selectors
and verifier; no logic of its own."""

from django.shortcuts import render
from django.views.decorators.http import require_POST

from apps.audit.choices import Retention
from apps.audit.forms import EventFilterForm
from apps.audit.sealer import seal_pending
from apps.audit.selectors import event_list
from apps.audit.services import audit_record
from apps.audit.verify import verify_chain
from apps.console.views import regulator_required

PAGE = 100


@regulator_required
def events(request):
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = event_list(user=request.user, filters=filters)
    before = request.GET.get("before", "")
    if before.isascii() and before.isdigit() and len(before) <= 18:
        rows = rows.filter(id__lt=int(before))
    page = list(rows.order_by("-id")[: PAGE + 1])
    older = page[PAGE - 1].pk if len(page) > PAGE else None
    query = request.GET.copy()
    query.pop("before", None)
    context = {"form": form, "events": page[:PAGE], "older": older, "query": query.urlencode()}
    return render(request, "console/audit_events.html", context)


@require_POST
@regulator_required
def verify(request):
    seal_pending()
    result = verify_chain()
    audit_record(
        actor=request.user,
        action="audit.verify",
        data={"ok": result.ok, "head_seq": result.head_seq, "first_bad_seq": result.first_bad_seq},
        retention=Retention.ACCESS,
    )
    return render(request, "console/audit_verify.html", {"result": result}, status=200)
