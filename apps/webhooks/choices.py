from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery status", "Pending")  # not yet sent
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


# Error codes of refused URLs (API `code`, form errors, attempt log).
URL_NOT_HTTPS = "webhook_url_not_https"
URL_PRIVATE_ADDRESS = "webhook_url_private_address"
URL_INVALID = "webhook_url_invalid"
URL_UNRESOLVABLE = "webhook_url_unresolvable"
