"""What an agreement's suspension, end or replacement does to its products
(registered with apps.operators.cascade in ProductsConfig.ready()).

Hooks run in the operator service's transaction: a failure here rolls the whole
suspension back. `on_suspend` answers the pks it suspended; the Suspension records them,
and lifting it restores exactly those (a product delisted meanwhile stays delisted).
"""

from django.utils.translation import gettext as _

from apps.core.exceptions import DomainError
from apps.products.choices import ProductStatus as P
from apps.products.models import DataProduct
from apps.products.services import STAGE, check_still_in_scope, product_move
from apps.workflow import review
from apps.workflow.transitions import record_change

HOOK = "products"


def on_suspend(agreement, suspension) -> list[int]:
    note = _("Agreement suspended: %(reason)s") % {"reason": suspension.reason}
    taken = []
    for product in DataProduct.objects.select_for_update().filter(
        agreement=agreement, status=P.LISTED
    ):
        product_move(product, P.SUSPENDED, actor=suspension.created_by, note=note)
        product.save(update_fields=["status", "updated_at"])
        taken.append(product.pk)
    return taken


def on_restore(pks: list[int], suspension) -> None:
    for product in DataProduct.objects.select_for_update().filter(pk__in=pks, status=P.SUSPENDED):
        product_move(product, P.LISTED, actor=suspension.closed_by, note=_("Suspension lifted."))
        product.save(update_fields=["status", "updated_at"])


def on_revoke(agreement, suspension=None) -> None:
    """The agreement ended for good: its products leave the marketplace, and one waiting
    for review goes back to draft (it can never be approved under this agreement)."""
    note = _("Agreement %(number)s ended.") % {"number": agreement.number}
    for product in DataProduct.objects.select_for_update().filter(agreement=agreement):
        if product.status in (P.LISTED, P.SUSPENDED):
            product_move(product, P.DELISTED, actor=None, note=note)
        elif product.status == P.IN_REVIEW:
            product_move(product, P.DRAFT, actor=None, note=note)
            review.step_cancel(product, stage=STAGE, comment=note)
        else:
            continue
        product.save(update_fields=["status", "updated_at"])


def on_supersede(old, new) -> None:
    """Products move to the new version; one the new version no longer covers is delisted
    (listed) or sent back to draft (in review)."""
    for product in DataProduct.objects.select_for_update().filter(agreement=old):
        product.agreement = new
        product.save(update_fields=["agreement", "updated_at"])
        record_change(
            None,
            "products.dataproduct.reassign",
            product,
            before={"agreement": old.pk},
            after={"agreement": new.pk},
        )
        if product.status not in (P.LISTED, P.IN_REVIEW):
            continue
        try:
            check_still_in_scope(product)
        except DomainError as problem:
            note = _("Outside version %(v)d: %(why)s") % {"v": new.version, "why": problem.message}
            if product.status == P.LISTED:
                product_move(product, P.DELISTED, actor=None, note=note)
            else:
                product_move(product, P.DRAFT, actor=None, note=note)
                review.step_cancel(product, stage=STAGE, comment=note)
            product.save(update_fields=["status", "updated_at"])
