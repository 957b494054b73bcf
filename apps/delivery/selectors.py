"""Who may read a grant's records: its bound key, or the merchant's own people with a
session, and only while the grant is usable (apps.grants.access.refusal). Reads of
statements and of a grant's daily use, scoped by apps.delivery.rules."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import ApiKey
from apps.audit.services import audit_record_denial
from apps.core.exceptions import PermissionDeniedError
from apps.core.permissions import VIEW
from apps.delivery.models import Statement, UsageDay
from apps.delivery.rules import USAGE
from apps.grants.access import refusal
from apps.grants.models import Grant, GrantKey
from apps.workflow.policy import get_object_for

USAGE_DAYS = 30  # the default window of the usage series


def _deny(user, key, grant: Grant, code: str, message) -> PermissionDeniedError:
    audit_record_denial(
        actor=key if key is not None else user,
        action="delivery.records.read",
        target=grant,
        target_org=grant.merchant_id,
        reason=code,
    )
    error = PermissionDeniedError(message, code=code)
    error.audited = True
    return error


def grant_for_records(*, user, key, pk, request=None) -> Grant:
    """The grant if the caller may read its records now; 404 when hidden, 403 with a code
    otherwise (both audited)."""
    checked = getattr(request, "bound_grant", None) if request is not None else None
    if isinstance(key, ApiKey) and checked is not None and checked.pk == int(pk):
        return checked  # the key guard loaded it and found it usable in this request
    grant = get_object_for(user, Grant, pk, VIEW)
    grant = Grant.objects.select_related("product__agreement").get(pk=grant.pk)
    if grant.merchant_id != getattr(user, "organization_id", None):
        raise _deny(
            user, key, grant, "not_grant_holder", _("Only the grant's holder reads its records.")
        )
    if isinstance(key, ApiKey) and not GrantKey.objects.filter(grant=grant, api_key=key).exists():
        raise _deny(user, key, grant, "key_not_bound", _("This key is not bound to the grant."))
    problem = refusal(grant)
    if problem:
        raise _deny(user, key, grant, *problem)
    return grant


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
