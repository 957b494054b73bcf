"""An operator's own profile: created and edited by the operator; once qualified, a change
of what the regulator reviewed flags a re-review (apps.operators.services.qualification
holds the life cycle)."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import OrganizationKind, Role
from apps.accounts.models import User
from apps.core.exceptions import InvalidInput, PermissionDeniedError, TransitionNotAllowed
from apps.core.names import listing
from apps.operators.choices import PROFILE_EDITABLE
from apps.operators.choices import QualificationStatus as Q
from apps.operators.credit_code import credit_code_problem
from apps.operators.models import OperatorProfile
from apps.workflow.history import history_record
from apps.workflow.transitions import record_change

PROFILE_FIELDS = (
    "credit_code",
    "legal_representative",
    "registered_address",
    "protection_level",
    "protection_expires_on",
    "crypto_assessed",
    "crypto_expires_on",
    "security_officer_name",
    "security_officer_contact",
)
REQUIRED = ("credit_code", "legal_representative", "registered_address")
# What the regulator checked when it qualified the operator: a qualified operator may keep
# them current (a renewed certificate, a new address), and each such change flags the
# profile for re-review and tells the regulator. Its credit code names the legal entity
# that was qualified and does not change at all; the security officer is a contact.
REVIEWED_FACTS = (
    "legal_representative",
    "registered_address",
    "protection_level",
    "protection_expires_on",
    "crypto_assessed",
    "crypto_expires_on",
)


def clean_profile(data: dict) -> dict:
    clean = {k: data[k] for k in PROFILE_FIELDS if k in data}
    if "credit_code" in clean:
        code = (clean["credit_code"] or "").strip().upper().replace(" ", "")
        problem = credit_code_problem(code)
        if problem:
            raise InvalidInput(
                _("The unified social credit code is not valid: %(problem)s.")
                % {"problem": problem},
                code="invalid_credit_code",
                details={"credit_code": [_("Not a valid unified social credit code.")]},
            )
        clean["credit_code"] = code
    return clean


@transaction.atomic
def profile_save(*, user: User, data: dict) -> OperatorProfile:
    """An operator creates or edits its own profile (not while under review)."""
    org = user.organization
    if org is None or org.kind != OrganizationKind.OPERATOR:
        raise PermissionDeniedError(_("Only operating entities keep an operator profile."))
    clean = clean_profile(data)
    profile = OperatorProfile.objects.select_for_update().filter(organization=org).first()
    if profile is None:
        missing = [k for k in REQUIRED if not clean.get(k)]
        if missing:
            raise InvalidInput(details={k: [_("This field is required.")] for k in missing})
        profile = OperatorProfile(organization=org)
    elif profile.status not in PROFILE_EDITABLE:
        raise TransitionNotAllowed(_("The profile cannot be changed in its current state."))
    changed = [key for key, value in clean.items() if getattr(profile, key, None) != value]
    reviewed = _check_qualified_change(profile, changed)
    taken = OperatorProfile.objects.filter(credit_code=clean.get("credit_code")).exclude(
        pk=profile.pk
    )
    if clean.get("credit_code") and taken.exists():
        raise InvalidInput(
            _("Another operator already uses this credit code."),
            code="duplicate_credit_code",
            details={"credit_code": [_("Already registered.")]},
        )
    before = {key: str(getattr(profile, key, "")) for key in clean} if profile.pk else {}
    for key, value in clean.items():
        setattr(profile, key, value)
    if reviewed:
        profile.rereview_due = True
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # another request saved the same code or profile meanwhile
        raise TransitionNotAllowed(
            _("The profile was saved by another request at the same time; reload it."),
            code="profile_conflict",
        ) from None
    after = {key: str(value) for key, value in clean.items()}
    record_change(user, "operators.operatorprofile.save", profile, before=before, after=after)
    if reviewed:
        labels = [OperatorProfile._meta.get_field(name).verbose_name for name in reviewed]
        reviewed_facts_changed(profile, user, labels)
    return profile


def _check_qualified_change(profile: OperatorProfile, changed: list[str]) -> list[str]:
    """The reviewed facts a qualified operator's edit changes (none before qualification);
    refuses a change of its credit code."""
    if profile.pk is None or profile.status != Q.QUALIFIED:
        return []
    if "credit_code" in changed:
        raise TransitionNotAllowed(
            _(
                "A qualified operator's unified social credit code cannot change: another "
                "legal entity must apply for qualification itself."
            ),
            code="credit_code_locked",
            details={"credit_code": [_("Fixed once the operator is qualified.")]},
        )
    return [key for key in REVIEWED_FACTS if key in changed]


def reviewed_facts_changed(profile: OperatorProfile, user: User, labels: list) -> None:
    """A qualified operator changed what was reviewed (`labels`: the facts' or documents'
    names, lazy): the profile is flagged for re-review, its history says so, and the
    regulator's reviewers and admins are told which facts."""
    from apps.workflow.models import NotificationCategory
    from apps.workflow.notifications import Phrase, notify_regulators

    if not profile.rereview_due:
        profile.rereview_due = True
        profile.save(update_fields=["rereview_due", "updated_at"])
    names = lazy(listing, str)(labels)  # in each reader's language
    note = _("Reviewed facts changed: re-review due.")  # the fields: in the audit record
    history_record(profile, from_status=profile.status, to_status=profile.status, actor=user,
                   note=note)  # fmt: skip
    params = {"operator": profile.organization, "fields": names}
    notify_regulators(
        category=NotificationCategory.REVIEW,
        verb="operators.qualification.facts_changed",
        title=Phrase(
            gettext_lazy("A qualified operator changed reviewed facts: %(operator)s"), **params
        ),
        body=Phrase(
            gettext_lazy(
                "%(operator)s changed %(fields)s. Its qualification is flagged for re-review."
            ),
            **params,
        ),
        roles=[Role.REVIEWER, Role.ADMIN],
        obj=profile,
        link=reverse("console:operator_review", args=[profile.pk]),
    )
