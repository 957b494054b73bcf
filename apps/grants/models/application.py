"""Access applications: a merchant asks for a listed product for a stated purpose; the
automated checks and the review steps the routing rules give it decide."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.grants.choices import ApplicationKind, ApplicationStatus
from apps.grants.models.routing import PolicyQuerySet
from apps.products.models import DataProduct

User = settings.AUTH_USER_MODEL


class AccessApplication(models.Model):
    merchant = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="access_applications",
        verbose_name=_("merchant"),
    )
    product = models.ForeignKey(
        DataProduct,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("product"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ApplicationKind.choices, default=ApplicationKind.NEW
    )
    # Renewal and amendment: the grant they replace (its scope is the starting point).
    previous_grant = models.ForeignKey(
        "grants.Grant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("grant renewed or amended"),
    )
    purpose = models.TextField(_("purpose"))
    scenario = models.CharField(_("application scenario"), max_length=100)
    # Field names of the product ("<field>" or "<resource id>.<field>" when two sources
    # share a name); a subset of what the product exposes.
    fields = models.JSONField(_("requested fields"), default=list)
    requested_end = models.DateField(_("requested until"))
    expected_calls_per_day = models.PositiveIntegerField(
        _("expected calls per day"), null=True, blank=True
    )
    expected_rows_per_day = models.PositiveBigIntegerField(
        _("expected rows per day"), null=True, blank=True
    )
    legal_basis = models.TextField(_("legal basis"))
    tech_contact_name = models.CharField(_("technical contact"), max_length=100)
    tech_contact_email = models.EmailField(_("technical contact e-mail"))
    tech_contact_phone = models.CharField(_("technical contact phone"), max_length=40, blank=True)
    dpo_name = models.CharField(_("data-protection officer"), max_length=100)
    dpo_contact = models.CharField(_("data-protection officer contact"), max_length=100)
    terms_version = models.PositiveIntegerField(_("accepted terms version"), null=True, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    # What the automated checks found ([{"check", "ok", "message"}]) and the route they
    # chose ({"ruleset": version, "automatic": bool, "steps": [...], "rules": [...]}).
    checks = models.JSONField(_("automated checks"), default=list, blank=True)
    route = models.JSONField(_("route"), default=dict, blank=True)
    # Counts submissions: the checks task of an older submission does nothing.
    round = models.PositiveIntegerField(_("submission"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = GenericRelation("workflow.StatusHistory")

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("access application")
        verbose_name_plural = _("access applications")
        indexes = [models.Index(fields=["product", "status"], name="grants_app_product_status")]
        constraints = [
            # One renewal or amendment at a time for a grant.
            models.UniqueConstraint(
                fields=["previous_grant"],
                condition=Q(status__in=["draft", "submitted", "checking", "in_review"])
                | Q(status="changes_requested"),
                name="grants_one_open_follow_up",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.product_id} ← {self.merchant_id}"

    @property
    def operator_id(self) -> int:
        return self.product.operator_id


class ApplicationMessage(models.Model):
    """The thread between the applicant and the reviewers."""

    application = models.ForeignKey(
        AccessApplication, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("application message")
        verbose_name_plural = _("application messages")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.body[:30]}"


class ApplicationAttachment(models.Model):
    """A file the applicant adds (a business licence, a security plan...). Stored under
    GRANTS_FILES_DIR by its SHA-256; the name is only shown."""

    application = models.ForeignKey(
        AccessApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("application attachment")
        verbose_name_plural = _("application attachments")

    def __str__(self) -> str:
        return self.name
