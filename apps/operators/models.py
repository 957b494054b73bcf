"""Operating entities, their qualification, authorization agreements and annual reports."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.catalog.models import DataResource
from apps.core.permissions import VIEW
from apps.operators.choices import (
    IN_FORCE,
    AgreementMode,
    AgreementStatus,
    CreditStatus,
    DocumentKind,
    ProtectionLevel,
    QualificationStatus,
    ReminderSubject,
    ReportStatus,
    SuspensionKind,
)
from apps.workflow import policy

User = settings.AUTH_USER_MODEL


class OwnedQuerySet(models.QuerySet):
    """Rows of one organization: the owner and the regulator read them (apps.operators.rules)."""

    def restrict(self, user, action: str = VIEW):
        """What `user` may do, by the rules in apps.operators.rules."""
        return policy.restrict(self, user, action)


class ProfileQuerySet(OwnedQuerySet):
    pass


class OperatorProfile(models.Model):
    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="operator_profile"
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    registered_address = models.CharField(_("registered address"), max_length=300)
    protection_level = models.CharField(
        _("classified protection level"),
        max_length=2,
        choices=ProtectionLevel.choices,
        blank=True,
        default=ProtectionLevel.NONE,
    )
    protection_expires_on = models.DateField(
        _("classified protection valid until"), null=True, blank=True
    )
    crypto_assessed = models.BooleanField(
        _("commercial cryptography assessment passed"), default=False
    )
    crypto_expires_on = models.DateField(
        _("cryptography assessment valid until"), null=True, blank=True
    )
    security_officer_name = models.CharField(_("data security officer"), max_length=100)
    security_officer_contact = models.CharField(_("officer contact"), max_length=100)
    credit_status = models.CharField(
        _("credit status"), max_length=10, choices=CreditStatus.choices, default=CreditStatus.GOOD
    )
    status = models.CharField(
        _("qualification status"),
        max_length=20,
        choices=QualificationStatus.choices,
        default=QualificationStatus.DRAFT,
        db_index=True,
    )
    qualified_at = models.DateTimeField(_("qualified at"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("last reviewed at"), null=True, blank=True)
    rereview_due = models.BooleanField(_("re-review due"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = GenericRelation("workflow.StatusHistory")

    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("operator profile")
        verbose_name_plural = _("operator profiles")

    def __str__(self) -> str:
        return str(self.organization)


class DocumentQuerySet(OwnedQuerySet):
    pass


class QualificationDocument(models.Model):
    """A PDF or image proving a qualification; the file lives under DATA_DIR."""

    profile = models.ForeignKey(OperatorProfile, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    original_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500)
    content_type = models.CharField(max_length=50)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


def in_force_now(prefix: str = "") -> Q:
    """In force today: effective or suspended and its term not over. An expiry is true
    the day after `term_end`, before the timer moves the status."""
    return Q(**{f"{prefix}status__in": IN_FORCE}) & Q(
        **{f"{prefix}term_end__gte": timezone.localdate()}
    )


class AgreementQuerySet(OwnedQuerySet):
    def in_force(self):
        return self.filter(in_force_now())


class AuthorizationAgreement(models.Model):
    """One version of an agreement. Versions share the number; at most one is in force."""

    number = models.CharField(_("agreement number"), max_length=40, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    amends = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendment"
    )
    authority = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("authorizing body")
    )
    operator = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("operator"),
    )
    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(_("mode"), max_length=10, choices=AgreementMode.choices)
    domain = models.CharField(_("domain"), max_length=100, blank=True)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    max_revenue = models.DecimalField(
        _("maximum revenue (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    price_cap = models.DecimalField(
        _("price cap (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    security_obligations = models.TextField(_("security obligations"), blank=True)
    allowed_scenarios = models.JSONField(_("allowed scenarios"), default=list, blank=True)
    prohibited_uses = models.JSONField(_("prohibited uses"), default=list, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_path = models.CharField(max_length=500, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    notice_ends_at = models.DateTimeField(_("public notice ends at"), null=True, blank=True)
    effective_at = models.DateTimeField(_("effective since"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = GenericRelation("workflow.StatusHistory")

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("authorization agreement")
        verbose_name_plural = _("authorization agreements")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="operators_number_version"),
            # The database itself refuses a second version in force.
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(status__in=["effective", "suspended"]),
                name="operators_one_version_in_force",
            ),
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="operators_term_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"


class AgreementScope(models.Model):
    agreement = models.ForeignKey(
        AuthorizationAgreement, on_delete=models.CASCADE, related_name="scope"
    )
    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="+")
    # None: every field of the resource; a list: only these field names.
    fields = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "resource"], name="operators_scope_once")
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} ⊇ {self.resource_id}"


class Suspension(models.Model):
    """What one suspension (or revocation) took down, so lifting it restores exactly that.

    `affected` lists {"hook", "model", "pk"} for every object this suspension changed:
    agreements (hook "agreements") and whatever downstream hooks reported.
    """

    kind = models.CharField(max_length=10, choices=SuspensionKind.choices)
    profile = models.ForeignKey(
        OperatorProfile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreement = models.ForeignKey(
        AuthorizationAgreement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    affected = models.JSONField(default=list)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Closed by lifting (objects restored) or because its cause ended (nothing restored).
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_note = models.TextField(blank=True)
    restored = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        constraints = [
            models.CheckConstraint(
                condition=Q(profile__isnull=True) ^ Q(agreement__isnull=True),
                name="operators_suspension_has_one_cause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.profile_id or self.agreement_id}"


class ReportQuerySet(OwnedQuerySet):
    pass


class AnnualReport(models.Model):
    """The yearly disclosure of an operator, filed by 31 March for the previous year."""

    operator = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    content = models.TextField(_("content"))
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_path = models.CharField(max_length=500, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.FILED
    )
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            models.UniqueConstraint(fields=["operator", "year"], name="operators_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.operator_id} {self.year} ({self.status})"


class OperatorReminder(models.Model):
    """Makes reminders idempotent: one row per subject, object, due date and lead time."""

    subject = models.CharField(max_length=20, choices=ReminderSubject.choices)
    object_id = models.BigIntegerField()
    due_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "object_id", "due_on", "days_before"],
                name="operators_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.object_id} -{self.days_before}d"
