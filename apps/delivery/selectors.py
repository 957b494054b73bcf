"""Who may read a grant's data (records, exports, sandbox): its bound key, or the
merchant's own people with a session, and only while the grant is usable
(apps.grants.access.refusal). Who may read a grant's export and sandbox history, its
statements and its daily use: the policies in apps.delivery.rules."""

from datetime import date, timedelta

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import ApiKey
from apps.audit.services import audit_record_denial
from apps.core.exceptions import PermissionDeniedError
from apps.core.permissions import VIEW
from apps.delivery.models import Export, SandboxQuery, Statement, UsageDay
from apps.delivery.rules import USAGE
from apps.grants.access import refusal
from apps.grants.models import Grant, GrantKey
from apps.workflow import policy
from apps.workflow.policy import get_object_for

RECORDS_ACTION = "delivery.records.read"
USAGE_DAYS = 30  # the default window of the usage series


def deny(user, key, grant: Grant, code: str, message, action: str) -> PermissionDeniedError:
    audit_record_denial(
        actor=key if key is not None else user,
        action=action,
        target=grant,
        target_org=grant.merchant_id,
        reason=code,
    )
    error = PermissionDeniedError(message, code=code)
    error.audited = True
    return error


def grant_for_holder(*, user, key, pk, request=None, action: str) -> Grant:
    """The grant if the caller holds it: one of the merchant's people, or (with a key) a
    key bound to it. 404 when hidden, 403 with a code otherwise (both audited). The grant's
    state is the caller's to check (`refusal`)."""
    checked = getattr(request, "bound_grant", None) if request is not None else None
    if isinstance(key, ApiKey) and checked is not None and checked.pk == int(pk):
        return checked  # the key guard loaded it and found it usable in this request
    grant = get_object_for(user, Grant, pk, VIEW)
    grant = Grant.objects.select_related("product__agreement").get(pk=grant.pk)
    if grant.merchant_id != getattr(user, "organization_id", None):
        message = _("Only the grant's holder reads its data.")
        raise deny(user, key, grant, "not_grant_holder", message, action)
    if isinstance(key, ApiKey) and not GrantKey.objects.filter(grant=grant, api_key=key).exists():
        message = _("This key is not bound to the grant.")
        raise deny(user, key, grant, "key_not_bound", message, action)
    return grant


def grant_for_records(*, user, key, pk, request=None, action: str = RECORDS_ACTION) -> Grant:
    """The grant if the caller may read its data now (records, exports); 404 when hidden,
    403 with a code otherwise (audited under `action`)."""
    grant = grant_for_holder(user=user, key=key, pk=pk, request=request, action=action)
    problem = refusal(grant)
    if problem:
        raise deny(user, key, grant, *problem, action)
    return grant


def sandbox_history(*, user, grant: Grant):
    """The grant's sandbox queries that `user` may read, newest first (403 for a caller
    whose kind reads no history at all: a provider)."""
    policy.require(user, VIEW, SandboxQuery, _("Your organization does not read query history."))
    rows = SandboxQuery.objects.filter(grant=grant).select_related("user", "api_key", "grant")
    return policy.restrict(rows, user, VIEW)


def shows_who(user, record) -> bool:
    """Whether `user` may read which person or key asked for a sandbox query or an export:
    the merchant and the regulator; the product's operator reads that the merchant asked
    (apps.delivery.rules)."""
    return "api_key" in policy.readable_fields(user, record)


def grant_for_exports(*, user, pk) -> Grant:
    """The grant whose export history the caller may see (404 when hidden)."""
    grant = get_object_for(user, Grant, pk, VIEW)
    return Grant.objects.select_related("product__agreement", "merchant").get(pk=grant.pk)


def reads_export_history(user) -> bool:
    """Whether `user`'s kind reads export history at all (a provider does not)."""
    return policy.may(user, VIEW, Export)


def export_list(*, user, grant: Grant):
    """The grant's exports the caller may see: its holder's, and read-only the operator's
    of the product and the regulator's (apps.delivery.rules); 403 for a caller whose kind
    reads no export history at all (a provider), as for sandbox history."""
    if not reads_export_history(user):
        raise PermissionDeniedError(_("Your organization does not read export history."))
    rows = Export.objects.restrict(user, VIEW).filter(grant=grant)
    return rows.select_related("requested_by", "grant")


def export_for(*, user, grant: Grant, pk) -> Export:
    export = export_list(user=user, grant=grant).filter(pk=pk).first()
    if export is None:
        raise Http404
    return export


# Statements and usage ----------------------------------------------------------------


def statement_list(*, user, month: date | None = None, product=None, merchant=None):
    """The statements `user` may read (apps.delivery.rules), newest month first."""
    rows = Statement.objects.restrict(user, VIEW).select_related("product", "merchant")
    if month is not None:
        rows = rows.filter(month=month.replace(day=1))
    if product is not None:
        rows = rows.filter(product_id=getattr(product, "pk", product))
    if merchant is not None:
        rows = rows.filter(merchant_id=getattr(merchant, "pk", merchant))
    return rows


def statement_lines(statement: Statement):
    return statement.lines.select_related("grant").order_by("grant_id")


def usage_series(*, grant: Grant, days: int = USAGE_DAYS, until: date | None = None) -> list:
    """The grant's metered days, oldest first, a row for every day of the window (zero
    where nothing was served): {"day", "calls", "rows", "bytes"}."""
    until = until or timezone.localdate()
    since = until - timedelta(days=days - 1)
    stored = {
        u.day: u for u in UsageDay.objects.filter(grant=grant, day__gte=since, day__lte=until)
    }
    series = []
    for offset in range(days):
        day = since + timedelta(days=offset)
        used = stored.get(day)
        series.append(
            {
                "day": day,
                "calls": used.calls if used else 0,
                "rows": used.rows if used else 0,
                "bytes": used.bytes if used else 0,
            }
        )
    return series


def grant_for_usage(*, user, pk) -> Grant:
    """The grant if `user` may read its use (404 hidden, 403 a provider that sees it)."""
    return get_object_for(user, Grant, pk, USAGE)
