"""Writes of apps.products: one function per transition. Portal, console, API, the
cascade hooks and seed_demo call only these.

Each locks the product, checks the move against PRODUCT_TRANSITIONS through
apps.workflow.transitions.transition (history row + audit event) and saves. The
authority's review is a review step (apps.workflow.review), assigned to the regulator
that signed the product's agreement.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.operators.choices import AgreementStatus
from apps.operators.models import AuthorizationAgreement
from apps.operators.services.common import require_reason
from apps.products import validation as check
from apps.products.choices import EDITABLE, PRODUCT_TRANSITIONS
from apps.products.choices import ProductStatus as P
from apps.products.models import DataProduct, ProductSource, ProductTerms
from apps.workflow import events, review
from apps.workflow.models import Decision
from apps.workflow.notifications import Phrase, notify_decision
from apps.workflow.policy import require_regulator
from apps.workflow.transitions import record_change, transition

STAGE = "product"  # the authority's review step of a submitted product
TEXTS = ("name", "name_en", "description", "description_en")
LIMITS = ("max_rows_per_day", "max_calls_per_day")


PRODUCT_STATUS_CHANGED = "product.status_changed"  # webhook event type (ProductsConfig)

# What later apps do when a product moves (apps.grants: its grants follow a suspension,
# a lifted suspension and a delisting). Called as hook(product, source, to, note) in the
# move's transaction, so the product and everything built on it change together.
_MOVE_HOOKS: list = []


def product_move_hook_register(hook) -> None:
    if hook not in _MOVE_HOOKS:
        _MOVE_HOOKS.append(hook)


def product_move(product: DataProduct, to: str, *, actor, note: str = "") -> None:
    """The one status move of a product; its operator's webhooks hear of it in the same
    transaction (apps.workflow.events)."""
    source = product.status
    transition(product, to, table=PRODUCT_TRANSITIONS, actor=actor, note=note)
    events.event_publish(
        organization=product.operator_id,
        event_type=PRODUCT_STATUS_CHANGED,
        payload={
            "product": {"id": product.pk, "name": product.name},
            "from_status": source,
            "to_status": to,
            "note": note or "",
            "at": timezone.now(),
        },
        target=product,
    )
    for hook in _MOVE_HOOKS:
        hook(product, source, to, note)


def _tell_operator(product: DataProduct, decision: str, note: str) -> None:
    """The review decision, in the operator admins' notifications (and e-mail)."""
    title = Phrase(
        gettext_lazy("Product %(name)s was returned for changes")
        if decision == "returned"
        else gettext_lazy("Product %(name)s passed review and is listed"),
        name=product,
    )
    notify_decision(
        product,
        organization_id=product.operator_id,
        verb=f"products.product.{decision}",
        title=title,
        body=note,
        link=reverse("portal:product_detail", args=[product.pk]),
    )


def _lock(product: DataProduct) -> DataProduct:
    return DataProduct.objects.select_for_update().get(pk=product.pk)


def _require_operator(product: DataProduct, user: User) -> None:
    if user.organization_id != product.operator_id:
        raise PermissionDeniedError(_("Only the product's operator may do this."))


def _agreement_for(user: User, agreement_id) -> AuthorizationAgreement:
    agreement = AuthorizationAgreement.objects.filter(
        pk=agreement_id, operator_id=user.organization_id
    ).first()
    if agreement is None:
        raise InvalidInput(
            _("Choose one of your agreements."),
            code="agreement_not_found",
            details={"agreement": [_("Choose one of your agreements.")]},
        )
    if agreement.status != AgreementStatus.EFFECTIVE:
        raise InvalidInput(
            _("The agreement is not in force."),
            code="agreement_not_effective",
            details={"agreement": [_("The agreement is not in force.")]},
        )
    return agreement


def _apply(product: DataProduct, data: dict, user: User) -> None:
    """Validates `data` against the agreement and writes it; sources replace the old."""
    for key in (*TEXTS, *LIMITS):
        if key in data:
            setattr(product, key, data[key] if data[key] is not None or key in LIMITS else "")
    if not (product.name or "").strip():
        raise InvalidInput(code="name_required", details={"name": [_("Give a name.")]})
    agreement = product.agreement
    product.scenarios = check.clean_scenarios(agreement, data.get("scenarios", product.scenarios))
    product.delivery_modes = check.clean_delivery(
        data.get("delivery_modes", product.delivery_modes)
    )
    product.use_type = data.get("use_type", product.use_type)
    product.pricing_model, product.price = check.clean_pricing(
        agreement,
        product.use_type,
        data.get("pricing_model", product.pricing_model),
        data.get("price", product.price),
    )
    sources = None
    if "sources" in data or product.pk is None:
        raw = data.get("sources") or []
        if not raw:
            raise InvalidInput(
                code="sources_required", details={"sources": [_("Choose a source resource.")]}
            )
        sources = [check.clean_source(agreement, row, product.scenarios) for row in raw]
        if len({s["resource"].pk for s in sources}) != len(sources):
            raise InvalidInput(
                code="source_twice", details={"sources": [_("Each resource only once.")]}
            )
    product.save()
    if sources is not None:
        product.sources.all().delete()
        ProductSource.objects.bulk_create(ProductSource(product=product, **s) for s in sources)
    if data.get("terms") is not None:
        _terms_set(product, data["terms"], user)


def _terms_set(product: DataProduct, text: str, user: User) -> ProductTerms | None:
    """A new version when the text changes; the same text keeps the current version."""
    text = (text or "").strip()
    current = product.current_terms
    if current is not None and current.text == text:
        return current
    if not text:
        raise InvalidInput(code="terms_required", details={"terms": [_("Write the terms.")]})
    return ProductTerms.objects.create(
        product=product, version=(current.version + 1 if current else 1), text=text, created_by=user
    )


@transaction.atomic
def product_create(*, user: User, data: dict) -> DataProduct:
    """A draft, by a member of the operator, under one of its effective agreements."""
    if user.org_kind != OrganizationKind.OPERATOR:
        raise PermissionDeniedError(_("Only operating entities build products."))
    agreement = _agreement_for(user, data.get("agreement"))
    product = DataProduct(operator_id=user.organization_id, agreement=agreement, created_by=user)
    if not data.get("terms"):
        raise InvalidInput(code="terms_required", details={"terms": [_("Write the terms.")]})
    _apply(product, data, user)
    record_change(user, "products.dataproduct.create", product, data={"name": product.name})
    return product


@transaction.atomic
def product_update(*, product: DataProduct, user: User, data: dict) -> DataProduct:
    _require_operator(product, user)
    product = _lock(product)
    if product.status not in EDITABLE:
        raise TransitionNotAllowed(_("Only a draft can be edited."), code="not_editable")
    before = {"name": product.name, "price": str(product.price)}
    if "agreement" in data and data["agreement"] != product.agreement_id:
        product.agreement = _agreement_for(user, data["agreement"])
    _apply(product, data, user)
    after = {"name": product.name, "price": str(product.price)}
    record_change(user, "products.dataproduct.update", product, before=before, after=after)
    return product


def check_still_in_scope(product: DataProduct) -> None:
    """Every source still inside the (current) agreement: re-run on submit and approval."""
    agreement = product.agreement
    check.clean_scenarios(agreement, product.scenarios)
    check.clean_pricing(agreement, product.use_type, product.pricing_model, product.price)
    for source in product.sources.all():
        check.clean_source(
            agreement,
            {"resource": source.resource_id, "fields": source.fields,
             "row_filter": source.row_filter, "pinned_version": source.pinned_version_id},
            product.scenarios,
        )  # fmt: skip


@transaction.atomic
def product_submit(*, product: DataProduct, user: User, note: str = "") -> DataProduct:
    """Draft → in review: a step for the agreement's authority."""
    _require_operator(product, user)
    product = _lock(product)
    if product.status == P.DRAFT:  # the table answers any other state
        check_still_in_scope(product)
        if product.current_terms is None:
            raise InvalidInput(code="terms_required", details={"terms": [_("Write the terms.")]})
    product_move(product, P.IN_REVIEW, actor=user, note=note)
    product.return_reason = ""
    product.save(update_fields=["status", "return_reason", "updated_at"])
    review.step_open(
        product,
        stage=STAGE,
        assignee_organization_id=product.agreement.authority_id,
        assignee_role=Role.REVIEWER,
        due_at=timezone.now() + timedelta(days=settings.PRODUCTS_REVIEW_DAYS),
    )
    return product


@transaction.atomic
def product_withdraw(*, product: DataProduct, user: User, note: str = "") -> DataProduct:
    """The operator takes a product out of review, back to draft."""
    _require_operator(product, user)
    product = _lock(product)
    product_move(product, P.DRAFT, actor=user, note=note or _("Withdrawn from review."))
    product.save(update_fields=["status", "updated_at"])
    review.step_cancel(product, stage=STAGE, comment=note or _("Withdrawn."))
    return product


@transaction.atomic
def product_approve(*, product: DataProduct, reviewer: User, note: str = "") -> DataProduct:
    """Review passed: listed in the marketplace, if still inside the agreement."""
    require_regulator(reviewer)
    product = _lock(product)
    if product.status != P.IN_REVIEW:
        product_move(product, P.LISTED, actor=reviewer)  # raises: the table decides
    # The step first: of two reviewers deciding at once, the second hears "already decided".
    review.step_decide(
        product, stage=STAGE, decision=Decision.APPROVED, user=reviewer, comment=note
    )
    check_still_in_scope(product)
    product_move(product, P.LISTED, actor=reviewer, note=note)
    product.listed_at = timezone.now()
    product.save(update_fields=["status", "listed_at", "updated_at"])
    _tell_operator(product, "approved", note)
    return product


@transaction.atomic
def product_return(*, product: DataProduct, reviewer: User, reason: str) -> DataProduct:
    """Back to draft with the reviewer's reason."""
    require_regulator(reviewer)
    reason = require_reason(reason)
    product = _lock(product)
    if product.status != P.IN_REVIEW:
        product_move(product, P.DRAFT, actor=reviewer, note=reason)  # raises
    review.step_decide(
        product, stage=STAGE, decision=Decision.CHANGES_REQUESTED, user=reviewer, comment=reason
    )
    product_move(product, P.DRAFT, actor=reviewer, note=reason)
    product.return_reason = reason
    product.save(update_fields=["status", "return_reason", "updated_at"])
    _tell_operator(product, "returned", reason)
    return product


@transaction.atomic
def product_delist(*, product: DataProduct, user: User, reason: str) -> DataProduct:
    """Out of the marketplace for good: by its operator or by the regulator."""
    if user.is_regulator:
        require_regulator(user)
    else:
        _require_operator(product, user)
    reason = require_reason(reason)
    product = _lock(product)
    product_move(product, P.DELISTED, actor=user, note=reason)
    product.save(update_fields=["status", "updated_at"])
    return product


@transaction.atomic
def product_delete(*, product: DataProduct, user: User) -> None:
    """A draft that never went to review may be deleted; anything with a history stays
    (the audit trail refers to it)."""
    _require_operator(product, user)
    product = _lock(product)
    if product.status != P.DRAFT or product.history.exists():
        raise TransitionNotAllowed(
            _("Only a draft that was never submitted can be deleted."), code="not_deletable"
        )
    record_change(user, "products.dataproduct.delete", product, before={"name": product.name})
    product.delete()
