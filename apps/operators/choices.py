"""Vocabularies of operators and agreements, and their transition tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QualificationStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet applied")
    APPLIED = "applied", _("Applied")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for changes")
    QUALIFIED = "qualified", _("Qualified")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXITED = "exited", _("Exited")


Q = QualificationStatus

QUALIFICATION_TRANSITIONS: dict[str, set[str]] = {
    Q.DRAFT: {Q.APPLIED},
    Q.APPLIED: {Q.UNDER_REVIEW, Q.DRAFT},
    Q.UNDER_REVIEW: {Q.QUALIFIED, Q.RETURNED},
    Q.RETURNED: {Q.APPLIED},
    Q.QUALIFIED: {Q.SUSPENDED, Q.REVOKED, Q.EXITED},
    Q.SUSPENDED: {Q.QUALIFIED, Q.REVOKED, Q.EXITED},
    Q.REVOKED: set(),
    Q.EXITED: set(),
}
# The profile may be edited by the operator only before review starts.
PROFILE_EDITABLE = {Q.DRAFT, Q.RETURNED, Q.QUALIFIED}


class ProtectionLevel(models.TextChoices):
    """Classified protection of cybersecurity (等级保护), level of the operating system."""

    NONE = "", _("None")
    LEVEL_2 = "2", _("Level 2")
    LEVEL_3 = "3", _("Level 3")
    LEVEL_4 = "4", _("Level 4")


class CreditStatus(models.TextChoices):
    GOOD = "good", _("Good standing")
    WATCH = "watch", _("Under watch")
    DISHONEST = "dishonest", _("Listed as dishonest")


class DocumentKind(models.TextChoices):
    LICENCE = "licence", _("Business licence")
    PROTECTION = "protection", _("Classified protection certificate")
    CRYPTO = "crypto", _("Commercial cryptography assessment")
    SECURITY = "security", _("Data security management system")
    OTHER = "other", _("Other")


class AgreementMode(models.TextChoices):
    OVERALL = "overall", _("Overall authorization")
    DOMAIN = "domain", _("Authorization by domain")
    SCENARIO = "scenario", _("Authorization by scenario")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for changes")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    EFFECTIVE = "effective", _("Effective")
    SUSPENDED = "suspended", _("Suspended")
    SUPERSEDED = "superseded", _("Superseded by a later version")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    REVOKED = "revoked", _("Revoked")


A = AgreementStatus

AGREEMENT_TRANSITIONS: dict[str, set[str]] = {
    A.DRAFT: {A.UNDER_REVIEW, A.TERMINATED},
    A.UNDER_REVIEW: {A.PUBLIC_NOTICE, A.RETURNED, A.TERMINATED},
    A.RETURNED: {A.UNDER_REVIEW, A.TERMINATED},
    A.PUBLIC_NOTICE: {A.EFFECTIVE, A.UNDER_REVIEW, A.TERMINATED},
    A.EFFECTIVE: {A.SUSPENDED, A.SUPERSEDED, A.EXPIRED, A.TERMINATED, A.REVOKED},
    A.SUSPENDED: {A.EFFECTIVE, A.SUPERSEDED, A.EXPIRED, A.TERMINATED, A.REVOKED},
    A.SUPERSEDED: set(),
    A.EXPIRED: set(),
    A.TERMINATED: set(),
    A.REVOKED: set(),
}
# Versions that hold the agreement in force (one per agreement number at most).
IN_FORCE = {A.EFFECTIVE, A.SUSPENDED}
# Versions still on their way; only one may exist per agreement number.
IN_PROGRESS = {A.DRAFT, A.UNDER_REVIEW, A.RETURNED, A.PUBLIC_NOTICE}
ENDED = {A.SUPERSEDED, A.EXPIRED, A.TERMINATED, A.REVOKED}
EDITABLE = {A.DRAFT, A.RETURNED}


class SuspensionKind(models.TextChoices):
    SUSPEND = "suspend", _("Suspension")
    REVOKE = "revoke", _("Revocation")


class ReportStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")


class ReminderSubject(models.TextChoices):
    AGREEMENT_END = "agreement_end", _("Agreement end")
    PROTECTION = "protection", _("Classified protection expiry")
    CRYPTO = "crypto", _("Cryptography assessment expiry")
    ANNUAL_REPORT = "annual_report", _("Annual report due")
