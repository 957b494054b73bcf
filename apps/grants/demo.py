"""Demo applications and grants for `manage.py seed_demo`, through the real services:
merchant-a holds a grant of the free public-welfare product (the automatic path) with an
API key bound to it, and a grant of the industrial product (masked personal fields,
record API, bulk export and sandbox queries) approved step by step by each step's
assignee; merchant-b's application to the industrial product waits on the operator's
change request, with a message thread. The checks job runs here at once
instead of waiting for a worker (its nudge then finds nothing to do)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts import services as accounts
from apps.accounts.choices import Role
from apps.accounts.models import ApiKey, User
from apps.grants import access, applications, approval, facts
from apps.grants.applications import CHECK_TOPIC
from apps.grants.choices import ApplicationStatus as A
from apps.grants.choices import Decision, GrantStatus
from apps.grants.models import AccessApplication, Grant, GrantKey
from apps.products.choices import ProductStatus, UseType
from apps.products.models import DataProduct
from apps.workflow import outbox, review

KEY_NAME = "demo-grant"


def _submitted(product: DataProduct, user: User, fields: list[str], purpose: str):
    data = {
        "product": product.pk,
        "purpose": purpose,
        "scenario": product.scenarios[0],
        "fields": fields,
        # Inside the agreement's term: a grant never outlives it.
        "requested_end": min(
            timezone.localdate() + timedelta(days=365), product.agreement.term_end
        ),
        "expected_calls_per_day": 100,
        "legal_basis": "《数据安全法》第三十二条；服务合同",
        "tech_contact_name": "王工",
        "tech_contact_email": f"tech@{user.username}.example.com",
        "dpo_name": "赵敏",
        "dpo_contact": f"dpo@{user.username}.example.com",
        "accept_terms": True,
    }
    application = applications.application_create(user=user, data=data)
    application = applications.application_submit(application=application, user=user)
    for item in outbox.outbox_items_for(application, topic=CHECK_TOPIC):
        outbox.outbox_run(item.pk)
    application.refresh_from_db()
    return application


def _granted(product: DataProduct, merchant: User, stdout) -> tuple[Grant | None, str]:
    """An active grant of the automatic product with a bound key (raw when new)."""
    grant = Grant.objects.filter(
        merchant_id=merchant.organization_id, product=product, status=GrantStatus.ACTIVE
    ).first()
    if grant is None:
        fields = [i for i, f in facts.product_fields(product).items() if f.personal_info == "none"]
        application = _submitted(product, merchant, fields, "城市公共服务信息发布（公益）")
        if application.status != A.APPROVED:
            stdout.write(f"Grants: the demo application was not approved ({application.checks}).")
            return None, ""
        grant = application.grant
        stdout.write(f"Grants: {grant.number} issued to {merchant.organization} automatically.")
    key = ApiKey.objects.filter(organization_id=merchant.organization_id, name=KEY_NAME).first()
    if key is not None:
        return grant, ""
    key, raw = accounts.api_key_create(
        organization=merchant.organization, created_by=merchant, name=KEY_NAME
    )
    access.key_bind(grant=grant, user=merchant, api_key_id=key.pk)
    return grant, raw


def _assignee(step) -> User:
    """A person who may decide the step: its organization's role, or an administrator."""
    people = User.objects.filter(
        membership__organization_id=step.assignee_organization_id, is_active=True
    ).order_by("id")
    return (
        people.filter(membership__role=step.assignee_role).first()
        or people.filter(membership__role=Role.ADMIN).first()
    )


def _reviewed(product: DataProduct, merchant: User, stdout) -> Grant | None:
    """An active grant of the industrial product (every field, personal ones masked),
    its application approved by every review step's assignee in turn."""
    grant = Grant.objects.filter(
        merchant_id=merchant.organization_id, product=product, status=GrantStatus.ACTIVE
    ).first()
    if grant is not None:
        return grant
    if AccessApplication.objects.filter(
        merchant_id=merchant.organization_id, product=product
    ).exists():
        stdout.write(f"Grants: {merchant.organization}'s application to {product} is undecided.")
        return None
    fields = list(facts.product_fields(product))
    application = _submitted(product, merchant, fields, "企业经营状况统计分析")
    while application.status == A.IN_REVIEW:
        step = review.steps_for(application).filter(decision="pending").first()
        reviewer = _assignee(step) if step is not None else None
        if reviewer is None:
            break
        approval.application_decide(
            application=application, user=reviewer, step_id=step.pk, decision=Decision.APPROVE,
            comment="用途与场景相符，个人信息字段均已脱敏，同意。",
        )  # fmt: skip
        application.refresh_from_db()
    if application.status != A.APPROVED:
        stdout.write(f"Grants: the demo industrial application is {application.status}.")
        return None
    stdout.write(f"Grants: {application.grant.number} issued to {merchant.organization}.")
    return application.grant


def _changes_requested(product: DataProduct, merchant: User, reviewer: User, stdout) -> None:
    if AccessApplication.objects.filter(
        merchant_id=merchant.organization_id, product=product
    ).exists():
        stdout.write(f"Grants: {merchant.organization}'s application already exists.")
        return
    personal = [i for i, f in facts.product_fields(product).items() if f.personal_info != "none"]
    plain = [i for i, f in facts.product_fields(product).items() if f.personal_info == "none"]
    application = _submitted(product, merchant, plain[:2] + personal[:1], "小微企业贷前核验")
    if application.status != A.IN_REVIEW:
        stdout.write(f"Grants: the demo application is {application.status}.")
        return
    applications.application_message(
        application=application, user=merchant, body="申请材料已齐，请审核。如需补充请告知。"
    )
    step = review.steps_for(application).get(decision="pending")
    approval.application_decide(
        application=application, user=reviewer, step_id=step.pk,
        decision="changes_requested",
        comment="请说明需要法定代表人字段的理由，并补充数据安全管理制度。",
    )  # fmt: skip
    applications.application_message(
        application=application, user=reviewer, body="如仅核验企业身份，建议不申请个人信息字段。"
    )
    applications.application_message(
        application=application, user=merchant, body="收到，我们将在本周内补充说明并重新提交。"
    )
    stdout.write(
        f"Grants: application #{application.pk} of {merchant.organization} waits on changes."
    )


@transaction.atomic
def seed(*, stdout) -> tuple[Grant | None, str, Grant | None]:
    """Returns the demo grant, its bound key's raw value when it was created now, and
    merchant-a's grant of the industrial product (sandbox queries, exports)."""
    products = DataProduct.objects.filter(
        operator__code="data-operator", status=ProductStatus.LISTED
    )
    free = products.filter(use_type=UseType.PUBLIC_WELFARE).first()
    charged = products.filter(use_type=UseType.INDUSTRIAL).first()
    grant, raw, reviewed = None, "", None
    merchant = User.objects.get(username="merchant-a")
    if free is not None:
        grant, raw = _granted(free, merchant, stdout)
    if charged is not None:
        reviewed = _reviewed(charged, merchant, stdout)
        reviewer = User.objects.get(username="operator-reviewer")
        _changes_requested(charged, User.objects.get(username="merchant-b"), reviewer, stdout)
    if grant is not None and not GrantKey.objects.filter(grant=grant).exists():
        stdout.write("Grants: the demo grant has no bound key (it was unbound).")
    return grant, raw, reviewed
