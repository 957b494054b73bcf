"""Which key may read which grant, decided on every request.

A key bound to a grant (GrantKey) acts for that grant only: the key guard, run by the
API authentication on each request made with a key, refuses any other path and refuses
the grant's own paths unless the grant is usable now: active, inside its term, its
product listed and its agreement in force. So a suspension, a revocation, an expiry or
a cascade from the product, agreement or operator reaches the key on the very next
request, whatever the timers have written yet.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.authentication import KeyRefused
from apps.accounts.models import ApiKey, User
from apps.core.exceptions import InvalidInput, TransitionNotAllowed
from apps.core.permissions import MANAGE
from apps.core.rowcache import Check, RowCache, stamps_read, with_stamps
from apps.grants.choices import GrantStatus as G
from apps.grants.models import Grant, GrantKey
from apps.operators.choices import AgreementStatus
from apps.operators.models import AuthorizationAgreement
from apps.products.choices import ProductStatus
from apps.products.models import DataProduct
from apps.workflow import policy
from apps.workflow.transitions import record_change

GRANT_PATH = re.compile(r"^/api/v1/grants/([0-9]+)(/|$)")

REFUSALS = {
    G.SUSPENDED: ("grant_suspended", gettext_lazy("The grant is suspended.")),
    G.REVOKED: ("grant_revoked", gettext_lazy("The grant has been revoked.")),
    G.EXPIRED: ("grant_expired", gettext_lazy("The grant has expired.")),
    G.SUPERSEDED: ("grant_superseded", gettext_lazy("The grant was replaced by a new version.")),
}


def refusal(grant: Grant) -> tuple[str, str] | None:
    """Why the grant cannot be read now (code, message), or None."""
    if grant.status != G.ACTIVE:
        code, message = REFUSALS.get(grant.status, ("grant_inactive", _("Not active.")))
        return code, str(message)
    now = timezone.now()
    if grant.ends_at <= now:
        return "grant_expired", str(REFUSALS[G.EXPIRED][1])
    if grant.starts_at > now:
        return "grant_not_started", _("The grant is not yet valid.")
    product = grant.product
    if product.status != ProductStatus.LISTED:
        return "product_unavailable", _("The product is not available.")
    agreement = product.agreement
    if agreement.status != AgreementStatus.EFFECTIVE or agreement.term_end < timezone.localdate():
        return "agreement_not_in_force", _("The operator's agreement is not in force.")
    return None


def _binding_rows_sql(stamps: str) -> str:
    binding, grant, product, agreement = TABLES
    return (
        f'SELECT {stamps} FROM "{binding}" JOIN "{grant}" ON "{grant}".id = "{binding}".grant_id '  # noqa: S608
        f'JOIN "{product}" ON "{product}".id = "{grant}".product_id '
        f'JOIN "{agreement}" ON "{agreement}".id = "{product}".agreement_id '
        f'WHERE "{binding}".api_key_id = %s'
    )


# A key's binding with its grant, product and agreement: read on every request made with
# a bound key, kept while unchanged (apps.core.rowcache); `refusal` runs on every request.
TABLES = tuple(m._meta.db_table for m in (GrantKey, Grant, DataProduct, AuthorizationAgreement))
_bindings = RowCache(TABLES, _binding_rows_sql)


def _binding(key_id: int) -> GrantKey | None:
    def load(stamps):
        rows = GrantKey.objects.select_related("grant__product__agreement")
        binding = with_stamps(rows, stamps).filter(api_key_id=key_id).first()
        return binding, stamps_read(binding)

    return _bindings.get(key_id, [key_id], load)


def binding_kept(key_id: int) -> GrantKey | None:
    """The key's binding as kept, unchecked: to name what a request will check next."""
    return _bindings.kept(key_id)


def key_checks(key_id: int) -> list[Check]:
    """What `key_guard` reads, to read it with the key (accounts.authentication)."""
    return [_bindings.check(key_id, [key_id])]


def key_guard(key: ApiKey, request) -> None:
    """Registered with accounts.authentication: run for every request made with a key."""
    binding = _binding(key.pk)
    if binding is None:
        return
    grant = binding.grant
    match = GRANT_PATH.match(request.path)
    if match is None or int(match.group(1)) != grant.pk:
        raise KeyRefused(
            "key_bound_to_grant",
            _("This key is bound to grant %(n)s and reads only that grant.") % {"n": grant.number},
        )
    problem = refusal(grant)
    if problem:
        raise KeyRefused(*problem)
    # Checked for this request: the grant's own endpoints need not load it again.
    request._request.bound_grant = grant


def _require_manager(user: User, grant: Grant) -> None:
    policy.require(user, MANAGE, Grant)
    if not policy.allows(user, MANAGE, grant):
        raise InvalidInput(
            _("Bind keys to your own organization's grants."),
            code="grant_not_yours",
            details={"grant": [_("Not one of your grants.")]},
        )


@transaction.atomic
def key_bind(*, grant: Grant, user: User, api_key_id) -> GrantKey:
    """Binds one of the merchant's keys to its grant (a key serves one grant)."""
    _require_manager(user, grant)
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.status not in (G.ACTIVE, G.SUSPENDED):
        raise TransitionNotAllowed(
            _("Keys can be bound only to a grant in force."), code="grant_not_live"
        )
    # The key's row locked too: two grants bound the same key at once each under its own
    # grant's lock, and the second met the unique binding as a 500.
    keys = ApiKey.objects.select_for_update(of=("self",))
    key = keys.filter(pk=api_key_id, organization_id=grant.merchant_id).first()
    if key is None or key.is_revoked or key.is_expired:
        raise InvalidInput(
            _("Choose one of your organization's valid keys."),
            code="key_not_found",
            details={"api_key": [_("Not a valid key of your organization.")]},
        )
    if GrantKey.objects.filter(api_key=key).exists():
        raise InvalidInput(
            _("This key is already bound to a grant."),
            code="key_already_bound",
            details={"api_key": [_("Unbind it first.")]},
        )
    binding = GrantKey.objects.create(grant=grant, api_key=key, bound_by=user)
    record_change(user, "grants.grant.bind_key", grant, data={"api_key": key.prefix})
    return binding


@transaction.atomic
def key_unbind(*, grant: Grant, user: User, api_key_id) -> None:
    _require_manager(user, grant)
    binding = GrantKey.objects.filter(grant=grant, api_key_id=api_key_id).first()
    if binding is None:
        raise InvalidInput(
            _("This key is not bound to the grant."),
            code="key_not_bound",
            details={"api_key": [_("Not bound to this grant.")]},
        )
    prefix = binding.api_key.prefix
    binding.delete()
    record_change(user, "grants.grant.unbind_key", grant, data={"api_key": prefix})
