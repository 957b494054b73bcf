"""Vocabularies of the catalog and the registration transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    """GB/T 43697-2024 levels. Core data is never authorized."""

    CORE = "core", _("Core data")
    IMPORTANT = "important", _("Important data")
    GENERAL = "general", _("General data")


class OpenType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("Unconditionally open")
    CONDITIONAL = "conditional", _("Conditionally open")
    PROHIBITED = "prohibited", _("Not open")


class UpdateFrequency(models.TextChoices):
    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


class DataFormat(models.TextChoices):
    TABLE = "table", _("Table")
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSONL = "jsonl", _("JSON Lines")
    API = "api", _("API")


class FieldType(models.TextChoices):
    STRING = "string", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    BOOLEAN = "boolean", _("Boolean")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")


class PersonalInfo(models.TextChoices):
    NONE = "none", _("Not personal information")
    PERSONAL = "personal", _("Personal information")
    SENSITIVE = "sensitive", _("Sensitive personal information")


class MaskingRule(models.TextChoices):
    NONE = "none", _("No masking")
    PARTIAL = "partial", _("Keep first and last characters")
    ID_NUMBER = "id_number", _("ID number: keep first 6 and last 4")
    MOBILE = "mobile", _("Mobile number: keep first 3 and last 4")
    NAME = "name", _("Name: keep the family name")
    ADDRESS = "address", _("Address: keep the first 6 characters")
    BANK_CARD = "bank_card", _("Bank card: keep first 6 and last 4 digits")
    EMAIL = "email", _("E-mail: keep the first character and the domain")
    BIRTH_YEAR = "birth_year", _("ID number: birth year only")
    AGE_BAND = "age_band", _("ID number: ten-year age band only")
    REGION = "region", _("Address: district-level region only")
    EMAIL_DOMAIN = "email_domain", _("E-mail: domain only")
    HASH = "hash", _("Replace with a keyed hash")
    REDACT = "redact", _("Remove entirely")


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    UNDER_REVIEW = "under_review", _("Under review")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    REGISTERED = "registered", _("Registered")
    DEREGISTERED = "deregistered", _("Deregistered")
    EXPIRED = "expired", _("Expired")


class RegistrationKind(models.TextChoices):
    INITIAL = "initial", _("Initial registration")
    CHANGE = "change", _("Change registration")
    CORRECTION = "correction", _("Correction registration")
    RENEWAL = "renewal", _("Renewal")
    DEREGISTRATION = "deregistration", _("Deregistration")


S = RegistrationStatus
K = RegistrationKind

# Which status may follow which, per registration kind: the table of the kind being
# moved is the only guard services rely on. A follow-up (change, correction, renewal,
# deregistration) starts from the registered or expired entry under its own kind;
# withdrawing it returns to registered (or expired, if the validity ended meanwhile).
# Changes and corrections are announced (public notice) before they apply; a renewal is
# decided in review; only review approval deregisters.
_FOLLOW_UP_OPEN = {S.SUBMITTED: {S.UNDER_REVIEW, S.RETURNED, S.REGISTERED, S.EXPIRED}}
_FOLLOW_UP_RETURNED = {S.RETURNED: {S.SUBMITTED, S.REGISTERED, S.EXPIRED}}
_ENDS = {S.EXPIRED: set(), S.DEREGISTERED: set()}

REGISTRATION_TRANSITIONS: dict[str, dict[str, set[str]]] = {
    K.INITIAL: {
        S.DRAFT: {S.SUBMITTED},
        S.SUBMITTED: {S.UNDER_REVIEW, S.RETURNED, S.DRAFT},
        S.RETURNED: {S.SUBMITTED},
        S.UNDER_REVIEW: {S.PUBLIC_NOTICE, S.RETURNED},
        S.PUBLIC_NOTICE: {S.REGISTERED, S.UNDER_REVIEW},
        S.REGISTERED: {S.EXPIRED},
        **_ENDS,
    },
    **{
        kind: {
            S.REGISTERED: {S.SUBMITTED, S.EXPIRED},
            **_FOLLOW_UP_OPEN,
            **_FOLLOW_UP_RETURNED,
            S.UNDER_REVIEW: {S.PUBLIC_NOTICE, S.RETURNED, S.EXPIRED},
            S.PUBLIC_NOTICE: {S.REGISTERED, S.UNDER_REVIEW, S.EXPIRED},
            **_ENDS,
        }
        for kind in (K.CHANGE, K.CORRECTION)
    },
    # A renewal survives the expiry it answers: the timer leaves it alone (the registry
    # reads the dates, see models.in_registry), and it is the one way out of EXPIRED.
    K.RENEWAL: {
        S.REGISTERED: {S.SUBMITTED, S.EXPIRED},
        **_FOLLOW_UP_OPEN,
        **_FOLLOW_UP_RETURNED,
        S.UNDER_REVIEW: {S.REGISTERED, S.RETURNED},
        S.EXPIRED: {S.SUBMITTED},
        S.DEREGISTERED: set(),
    },
    K.DEREGISTRATION: {
        S.REGISTERED: {S.SUBMITTED, S.EXPIRED},
        **_FOLLOW_UP_OPEN,
        **_FOLLOW_UP_RETURNED,
        S.UNDER_REVIEW: {S.DEREGISTERED, S.RETURNED, S.EXPIRED},
        **_ENDS,
    },
}

# A registry entry ends only with these statuses.
OUT_OF_REGISTRY = {S.DEREGISTERED, S.EXPIRED}
# Kinds that go through public notice after review approval (read off the tables).
NOTICE_KINDS = {k for k, table in REGISTRATION_TRANSITIONS.items() if table.get(S.PUBLIC_NOTICE)}
# A follow-up still waiting for its decision.
FOLLOW_UP_PENDING = {S.SUBMITTED, S.RETURNED, S.UNDER_REVIEW, S.PUBLIC_NOTICE}
# Kinds a provider may open on a resource that holds a registry entry.
FOLLOW_UP_KINDS = {
    RegistrationKind.CHANGE,
    RegistrationKind.CORRECTION,
    RegistrationKind.RENEWAL,
    RegistrationKind.DEREGISTRATION,
}


class IngestStatus(models.TextChoices):
    MAPPING = "mapping", _("Columns to map")
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FOLLOW_UP_KIND_CHOICES = [
    (k, label) for k, label in RegistrationKind.choices if k in FOLLOW_UP_KINDS
]
