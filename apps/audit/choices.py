from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("allowed")
    DENIED = "denied", _("denied")
    ERROR = "error", _("error")


class ActorType(models.TextChoices):
    USER = "user", _("user")
    API_KEY = "api_key", _("API key")
    SYSTEM = "system", _("system job")
    ANONYMOUS = "anonymous", _("anonymous")


class Retention(models.TextChoices):
    """How long an event must be kept; the day counts are settings (AUDIT_RETENTION_*)."""

    ACCESS = "access", _("access and network (at least 6 months)")
    PERSONAL_INFO = "personal_info", _("personal-information processing (at least 3 years)")
    RECORD = "record", _("business record")


class CheckpointKind(models.TextChoices):
    CHECKPOINT = "checkpoint", _("checkpoint")
    # Signed (seq, hash) of the last event removed by pruning: where the chain now starts.
    ANCHOR = "anchor", _("pruning anchor")
