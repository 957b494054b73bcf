"""Who may do what with routing rules, the calendar, applications and grants
(apps.workflow.policy).

Routing rules and holidays: regulator admins and reviewers edit, other regulator users
read; every signed-in organization reads the calendar (deadlines are counted with it).
Applications: the merchant's own (drafts are its alone); the product's operator, any
organization given a step on it and the regulator read submitted ones. Who decides a
step is the step's assignee (apps.grants.approval.may_decide). Grants: the merchant
reads its own and its administrators bind keys; the product's operator and the
regulator read them and decide (suspend, resume, revoke); a provider reads the grants
on its data.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from apps.accounts.choices import OrganizationKind
from apps.core.permissions import MANAGE, VIEW
from apps.grants.choices import ApplicationStatus
from apps.grants.models import AccessApplication, Grant, Holiday, RoutingRule, RuleSet
from apps.products.models import ProductSource
from apps.workflow.models import ReviewStep
from apps.workflow.policy import ADMINS, ALL, ANY_ORG, DECIDE, DECIDERS, OWN, REGULATOR, register

MERCHANT = {OrganizationKind.MERCHANT}
OPERATOR = {OrganizationKind.OPERATOR}
PROVIDER = {OrganizationKind.PROVIDER}

for model in (RuleSet, RoutingRule):
    register(model).allow(VIEW, to=ALL, kinds=REGULATOR).allow(
        MANAGE, to=ALL, kinds=REGULATOR, roles=DECIDERS
    )

register(Holiday).allow(VIEW, to=ALL, kinds=ANY_ORG).allow(
    MANAGE, to=ALL, kinds=REGULATOR, roles=DECIDERS
)


def _org(user):
    return getattr(user, "organization_id", None)


def _submitted(user) -> Q:
    return ~Q(status=ApplicationStatus.DRAFT)


def _of_my_products(user) -> Q:
    return Q(product__operator_id=_org(user)) & _submitted(user)


def _assigned(user) -> Q:
    steps = ReviewStep.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessApplication),
        assignee_organization_id=_org(user),
    ).values("object_id")
    return Q(pk__in=steps)


def _grant_operator(user) -> Q:
    return Q(product__operator_id=_org(user))


def _on_my_data(user) -> Q:
    products = ProductSource.objects.filter(resource__provider_id=_org(user)).values("product_id")
    return Q(product_id__in=products)


(
    register(
        AccessApplication,
        owner="merchant_id",
        relations={
            "submitted": _submitted,
            "operator": _of_my_products,
            "assigned": _assigned,
        },
    )
    .allow(VIEW, MANAGE, to=OWN, kinds=MERCHANT)
    .allow(VIEW, to="operator", kinds=OPERATOR)
    # A step exists only on a submitted application, so the regulator's steps are all on
    # applications it reads anyway: "assigned" is left to the providers, and the
    # regulator's condition stays one cheap column test instead of a look through the
    # tens of thousands of steps it was given (which made every review queue slow).
    .allow(VIEW, to="assigned", kinds=PROVIDER)
    .allow(VIEW, to="submitted", kinds=REGULATOR)
)

(
    register(
        Grant,
        owner="merchant_id",
        relations={
            "operator": _grant_operator,
            "provider": _on_my_data,
        },
    )
    .allow(VIEW, to=OWN, kinds=MERCHANT)
    .allow(MANAGE, to=OWN, kinds=MERCHANT, roles=ADMINS)
    .allow(VIEW, to="operator", kinds=OPERATOR)
    .allow(DECIDE, to="operator", kinds=OPERATOR, roles=DECIDERS)
    .allow(VIEW, to="provider", kinds=PROVIDER)
    .allow(VIEW, to=ALL, kinds=REGULATOR)
    .allow(DECIDE, to=ALL, kinds=REGULATOR, roles=DECIDERS)
)
