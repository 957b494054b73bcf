"""Writes of access applications by their merchant: draft, edit, submit, withdraw,
renew or amend a grant, and the message thread and attachments every party uses.

Submitting queues the automated checks in the outbox (topic `grants.application.check`)
in the same transaction; apps.grants.checks runs them. Portal, API and seed_demo call
only these functions.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import OrganizationKind
from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.core.permissions import MANAGE, VIEW
from apps.grants import facts
from apps.grants.choices import (
    APPLICATION_EDITABLE,
    APPLICATION_TRANSITIONS,
    ApplicationKind,
    GrantStatus,
)
from apps.grants.choices import ApplicationStatus as A
from apps.grants.links import page_for
from apps.grants.models import AccessApplication, ApplicationAttachment, ApplicationMessage, Grant
from apps.operators import files
from apps.products.choices import ProductStatus
from apps.products.models import DataProduct
from apps.workflow import events, outbox, policy, review
from apps.workflow.models import Decision as StepDecision
from apps.workflow.notifications import NotificationCategory, Phrase, notify
from apps.workflow.transitions import record_change, transition

CHECK_TOPIC = "grants.application.check"
APPLICATION_STATUS_CHANGED = "application.status_changed"  # webhook event type
TEXTS = (
    "purpose",
    "legal_basis",
    "tech_contact_name",
    "tech_contact_email",
    "tech_contact_phone",
    "dpo_name",
    "dpo_contact",
)
REQUIRED = (
    "purpose",
    "legal_basis",
    "tech_contact_name",
    "tech_contact_email",
    "dpo_name",
    "dpo_contact",
)
MAX_MESSAGE = 5000


def application_move(application: AccessApplication, to: str, *, actor, note: str = "") -> None:
    """The one status move of an application; the merchant's and the operator's webhooks
    hear of it in the same transaction."""
    source = application.status
    transition(application, to, table=APPLICATION_TRANSITIONS, actor=actor, note=note)
    payload = {
        "application": {
            "id": application.pk,
            "product": application.product_id,
            "kind": application.kind,
        },
        "from_status": source,
        "to_status": to,
        "note": note or "",
        "at": timezone.now(),
    }
    events.event_publish_to(
        organizations=(application.merchant_id, application.product.operator_id),
        event_type=APPLICATION_STATUS_CHANGED,
        payload=payload,
        target=application,
    )


def _lock(application: AccessApplication) -> AccessApplication:
    return (
        AccessApplication.objects.select_for_update(of=("self",))
        .select_related("product", "product__agreement")
        .get(pk=application.pk)
    )


def _require_applicant(user: User, application: AccessApplication | None = None) -> None:
    if user.org_kind != OrganizationKind.MERCHANT:
        raise PermissionDeniedError(_("Only data merchants apply for products."))
    policy.require(user, MANAGE, AccessApplication)
    if application is not None and application.merchant_id != user.organization_id:
        raise PermissionDeniedError(_("Only the applicant may do this."))


def _listed_product(product_id) -> DataProduct:
    product = DataProduct.objects.select_related("agreement").filter(pk=product_id).first()
    if product is None or product.status != ProductStatus.LISTED:
        raise InvalidInput(
            _("The product is not listed."),
            code="product_not_listed",
            details={"product": [_("Choose a listed product.")]},
        )
    return product


def _apply(application: AccessApplication, data: dict) -> None:
    """Validates `data` against the product and writes it to the (unsaved) application."""
    product = application.product
    for key in TEXTS:
        if key in data:
            setattr(application, key, (data[key] or "").strip())
    missing = {
        key: [_("This field is required.")] for key in REQUIRED if not getattr(application, key)
    }
    if missing:
        raise InvalidInput(_("Fill in the required fields."), code="required", details=missing)
    application.fields = facts.clean_fields(product, data.get("fields", application.fields))
    application.scenario = facts.clean_scenario(product, data.get("scenario", application.scenario))
    application.requested_end = facts.clean_end(
        product, data.get("requested_end", application.requested_end)
    )
    for key in ("expected_calls_per_day", "expected_rows_per_day"):
        if key in data:
            setattr(application, key, data[key])
    facts.clean_volume(
        product, application.expected_calls_per_day, application.expected_rows_per_day
    )
    if data.get("accept_terms"):
        terms = product.current_terms
        application.terms_version = terms.version if terms else None
        application.terms_accepted_at = timezone.now()


def _snapshot(application: AccessApplication) -> dict:
    return {
        "fields": application.fields,
        "scenario": application.scenario,
        "requested_end": str(application.requested_end),
        "expected_calls_per_day": application.expected_calls_per_day,
        "expected_rows_per_day": application.expected_rows_per_day,
        "terms_version": application.terms_version,
    }


@transaction.atomic
def application_create(*, user: User, data: dict) -> AccessApplication:
    """A draft application for a listed product."""
    _require_applicant(user)
    product = _listed_product(data.get("product"))
    application = AccessApplication(
        merchant_id=user.organization_id, product=product, created_by=user
    )
    _apply(application, data)
    application.save()
    record_change(
        user, "grants.accessapplication.create", application, after=_snapshot(application)
    )
    return application


@transaction.atomic
def application_update(*, application: AccessApplication, user: User, data: dict):
    _require_applicant(user, application)
    application = _lock(application)
    if application.status not in APPLICATION_EDITABLE:
        raise TransitionNotAllowed(
            _("Only a draft or an application sent back for changes can be edited."),
            code="not_editable",
        )
    before = _snapshot(application)
    _apply(application, data)
    application.save()
    record_change(
        user,
        "grants.accessapplication.update",
        application,
        before=before,
        after=_snapshot(application),
    )
    return application


@transaction.atomic
def application_submit(*, application: AccessApplication, user: User, note: str = ""):
    """Draft or changes requested → submitted; the checks run in the background."""
    _require_applicant(user, application)
    application = _lock(application)
    if application.status not in APPLICATION_EDITABLE:
        raise TransitionNotAllowed(
            _("This application has already been submitted."), code="already_submitted"
        )
    _listed_product(application.product_id)
    _apply(application, {})  # the product may have changed since the draft was saved
    terms = application.product.current_terms
    if terms is not None and application.terms_version != terms.version:
        raise InvalidInput(
            _("Accept the current terms of use (version %(v)d).") % {"v": terms.version},
            code="terms_not_accepted",
            details={"accept_terms": [_("Accept the current terms of use.")]},
        )
    application_move(application, A.SUBMITTED, actor=user, note=note)
    application.round += 1
    application.submitted_at = timezone.now()
    application.save()
    outbox.outbox_add(
        topic=CHECK_TOPIC,
        payload={"application": application.pk, "round": application.round},
        obj=application,
        key=f"{application.pk}:{application.round}",
    )
    return application


@transaction.atomic
def application_withdraw(*, application: AccessApplication, user: User, note: str = ""):
    _require_applicant(user, application)
    application = _lock(application)
    application_move(application, A.WITHDRAWN, actor=user, note=note)
    application.decided_at = timezone.now()
    application.save()
    review.steps_cancel_all(application, comment=_("Withdrawn by the applicant."))
    from apps.grants.approval import settle_steps  # it imports this module

    settle_steps(application)
    return application


def _previous(grant: Grant, user: User) -> Grant:
    if grant.merchant_id != user.organization_id:
        raise PermissionDeniedError(_("Only the grant's merchant may do this."))
    if grant.status not in (GrantStatus.ACTIVE, GrantStatus.SUSPENDED):
        raise TransitionNotAllowed(
            _("Only a grant in force can be renewed or amended."), code="grant_not_live"
        )
    return grant


@transaction.atomic
def application_follow_up(*, grant: Grant, user: User, kind: str, data: dict):
    """A renewal (a new end) or an amendment (other fields, volume...) of a grant: a
    draft that starts as a copy of the grant's application, so nothing is re-typed."""
    _require_applicant(user)
    if kind not in (ApplicationKind.RENEWAL, ApplicationKind.AMENDMENT):
        raise InvalidInput(_("Choose renewal or amendment."), code="invalid_kind")
    grant = _previous(Grant.objects.select_for_update().get(pk=grant.pk), user)
    if (
        AccessApplication.objects.filter(previous_grant=grant)
        .exclude(status__in=[A.APPROVED, A.REJECTED, A.WITHDRAWN])
        .exists()
    ):
        raise TransitionNotAllowed(
            _("A renewal or amendment of this grant is already open."), code="follow_up_open"
        )
    source = grant.application
    product = _listed_product(grant.product_id)
    application = AccessApplication(
        merchant_id=grant.merchant_id,
        product=product,
        kind=kind,
        previous_grant=grant,
        created_by=user,
        fields=source.fields,
        scenario=source.scenario,
        requested_end=source.requested_end,
        expected_calls_per_day=source.expected_calls_per_day,
        expected_rows_per_day=source.expected_rows_per_day,
        # Terms accepted before hold while their version is current; new terms are
        # accepted again on submission.
        terms_version=source.terms_version,
        terms_accepted_at=source.terms_accepted_at,
        **{key: getattr(source, key) for key in TEXTS},
    )
    _apply(application, data)
    application.save()
    record_change(
        user,
        f"grants.accessapplication.{kind}",
        application,
        after={**_snapshot(application), "previous_grant": grant.pk},
    )
    return application


def require_party(user: User, application: AccessApplication) -> None:
    """Whoever may read the application takes part in its thread."""
    if not policy.allows(user, VIEW, application):
        raise PermissionDeniedError(_("You are not a party to this application."))


@transaction.atomic
def application_message(*, application: AccessApplication, user: User, body: str):
    require_party(user, application)
    body = (body or "").strip()
    if not body:
        raise InvalidInput(
            _("Write a message."),
            code="message_required",
            details={"body": [_("This field is required.")]},
        )
    if len(body) > MAX_MESSAGE:
        raise InvalidInput(
            _("The message is too long."),
            code="message_too_long",
            details={"body": [_("At most %(n)d characters.") % {"n": MAX_MESSAGE}]},
        )
    message = ApplicationMessage.objects.create(
        application=application,
        author=user,
        author_organization_id=user.organization_id,
        body=body,
    )
    record_change(
        user, "grants.accessapplication.message", application, data={"message": message.pk}
    )
    _tell_other_side(application, user, message)
    return message


def _tell_other_side(application: AccessApplication, user: User, message) -> None:
    title = Phrase(gettext_lazy("New message on application #%(id)d"), id=application.pk)
    if user.organization_id == application.merchant_id:
        pending = review.steps_for(application).filter(decision=StepDecision.PENDING).first()
        organization = (
            pending.assignee_organization_id if pending else application.product.operator_id
        )
        kind = pending.assignee_organization.kind if pending else OrganizationKind.OPERATOR
    else:
        organization, kind = application.merchant_id, OrganizationKind.MERCHANT
    link = page_for(kind, "application", application.pk)
    if organization:
        notify(
            category=NotificationCategory.REVIEW,
            verb="grants.application.message",
            title=title,
            body=message.body[:500],
            organization=organization,
            obj=application,
            link=link,
        )


def application_attach(*, application: AccessApplication, user: User, upload):
    """Adds a file (PDF, PNG or JPEG) while the application is the merchant's to edit."""
    _require_applicant(user, application)
    with files.store_then_commit(upload, folder=f"applications/{application.pk}") as stored:
        application = _lock(application)
        if application.status not in APPLICATION_EDITABLE:
            raise TransitionNotAllowed(
                _("Files can be added only while the application is being edited."),
                code="not_editable",
            )
        attachment = ApplicationAttachment.objects.create(
            application=application,
            name=stored.name[:255],
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            path=stored.path,
            uploaded_by=user,
        )
        record_change(
            user,
            "grants.accessapplication.attach",
            application,
            data={"name": stored.name[:255], "sha256": stored.sha256},
        )
        return attachment


def attachment_paths():
    """The stored files of application attachments (the orphan sweep keeps them)."""
    return ApplicationAttachment.objects.values_list("path", flat=True)


def attachment_read(*, attachment: ApplicationAttachment, user: User) -> tuple[bytes, str]:
    """An attachment's verified bytes for a party to the application; each read is
    recorded (who opened which file)."""
    require_party(user, attachment.application)
    content, content_type = files.read_verified(attachment.path, attachment.sha256)
    record_change(
        user,
        "grants.accessapplication.attachment_read",
        attachment.application,
        data={"attachment": attachment.pk, "sha256": attachment.sha256},
    )
    return content, content_type
