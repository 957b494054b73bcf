"""Grants follow their product (registered with apps.products.services in
GrantsConfig.ready): suspended with it, resumed when that suspension is lifted, revoked
when it is delisted. A product follows its agreement and its operator, so their
suspensions and ends reach the grants, and the grant's keys on the next request, in the
same transaction.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.grants.choices import GrantStatus as G
from apps.grants.choices import SuspendedBy
from apps.grants.issuing import grant_resume, grant_revoke, grant_suspend
from apps.grants.models import Grant
from apps.products.choices import ProductStatus as P


def on_product_move(product, source: str, to: str, note: str) -> None:
    grants = Grant.objects.filter(product=product)
    because = _("Product %(name)s: %(note)s") % {"name": product.name, "note": note or to}
    if to == P.SUSPENDED:
        for grant in grants.filter(status=G.ACTIVE):
            grant_suspend(grant=grant, user=None, reason=because, by=SuspendedBy.CASCADE)
    elif to == P.LISTED and source == P.SUSPENDED:
        waiting = grants.filter(status=G.SUSPENDED, suspended_by=SuspendedBy.CASCADE)
        for grant in waiting.filter(ends_at__gt=timezone.now()):  # the timer expires the rest
            grant_resume(grant=grant, user=None, note=because, cascade=True)
    elif to == P.DELISTED:
        for grant in grants.filter(status__in=[G.ACTIVE, G.SUSPENDED]):
            grant_revoke(grant=grant, user=None, reason=because)
