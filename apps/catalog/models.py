"""Data resources, their fields, metadata versions and dataset versions.

Their registration history, review steps and public notices live in apps.workflow."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.catalog.choices import (
    OUT_OF_REGISTRY,
    Classification,
    DataFormat,
    FieldType,
    IngestStatus,
    MaskingRule,
    OpenType,
    PersonalInfo,
    RegistrationKind,
    RegistrationStatus,
    UpdateFrequency,
)
from apps.core.permissions import VIEW
from apps.workflow import policy

# Seeing rows of a dataset (masked): only the resource's provider and regulators.
PREVIEW = "preview"


class Theme(models.Model):
    """EU data theme vocabulary (used by DCAT-AP), with Chinese names."""

    code = models.CharField(max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)

    class Meta:
        ordering = ["code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


def in_registry(prefix: str = "", now=None) -> Q:
    """Holds a registry entry now: has a registry code, was neither deregistered nor
    expired, and its validity has not passed (an expiry is true the moment it passes,
    before the timer moves the status), or a renewal filed in time keeps it for the
    grace period. A change or renewal under way keeps the entry."""
    now = now or timezone.now()
    valid = (
        Q(**{f"{prefix}expires_at__isnull": True})
        | Q(**{f"{prefix}expires_at__gt": now})
        | Q(**{f"{prefix}grace_until__gt": now})
    )
    return (
        Q(**{f"{prefix}registry_code__isnull": False})
        & ~Q(**{f"{prefix}status__in": OUT_OF_REGISTRY})
        & valid
    )


class DataResourceQuerySet(models.QuerySet):
    def public(self):
        """What anonymous visitors may see: metadata of resources in the registry."""
        return self.filter(in_registry())

    def restrict(self, user, action: str = VIEW):
        """What `user` may do, by the rules in apps.catalog.rules."""
        return policy.restrict(self, user, action)


class DataResource(models.Model):
    provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="resources", verbose_name=_("provider")
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    source_system = models.CharField(_("source system"), max_length=200, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="resources")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    update_frequency = models.CharField(
        _("update frequency"),
        max_length=20,
        choices=UpdateFrequency.choices,
        default=UpdateFrequency.IRREGULAR,
    )
    spatial_coverage = models.CharField(_("spatial coverage"), max_length=200, blank=True)
    temporal_start = models.DateField(_("temporal coverage from"), null=True, blank=True)
    temporal_end = models.DateField(_("temporal coverage to"), null=True, blank=True)
    data_format = models.CharField(
        _("format"), max_length=10, choices=DataFormat.choices, default=DataFormat.TABLE
    )
    classification = models.CharField(
        _("classification"),
        max_length=10,
        choices=Classification.choices,
        default=Classification.GENERAL,
    )
    general_grade = models.PositiveSmallIntegerField(
        _("general data grade"), null=True, blank=True, help_text=_("1 to 4, general data only")
    )
    open_type = models.CharField(
        _("open type"), max_length=15, choices=OpenType.choices, default=OpenType.CONDITIONAL
    )
    in_operation_scope = models.BooleanField(_("in scope for authorized operation"), default=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    status = models.CharField(
        _("registration status"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.DRAFT,
        db_index=True,
    )
    registration_kind = models.CharField(
        _("registration kind"),
        max_length=20,
        choices=RegistrationKind.choices,
        default=RegistrationKind.INITIAL,
    )
    registry_code = models.CharField(
        _("registry code"), max_length=40, unique=True, null=True, blank=True
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("registration expires at"), null=True, blank=True)
    # Set while a renewal filed before `expires_at` waits for its decision: the entry stays
    # in the registry until then (CATALOG_RENEWAL_GRACE_DAYS after the expiry).
    grace_until = models.DateTimeField(_("renewal grace until"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("public notice ends at"), null=True, blank=True)
    metadata_version = models.PositiveIntegerField(default=1)
    current_version = models.ForeignKey(
        "DatasetVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Application-built search terms (CJK bigrams, words): see apps.catalog.search.
    search_terms = models.TextField(blank=True, default="")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = GenericRelation("workflow.StatusHistory")

    objects = DataResourceQuerySet.as_manager()

    # The field whose choices label the `kind` of this model's history rows.
    history_kind_field = "registration_kind"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(general_grade__isnull=True)
                | Q(classification="general", general_grade__gte=1, general_grade__lte=4),
                name="catalog_grade_only_for_general_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_authorizable(self) -> bool:
        """Core data and prohibited resources can be registered but never authorized."""
        return (
            self.classification != Classification.CORE
            and self.open_type != OpenType.PROHIBITED
            and self.in_operation_scope
        )

    @property
    def is_in_registry(self) -> bool:
        """The same rule as `in_registry()`, on this instance, now."""
        if not self.registry_code or self.status in OUT_OF_REGISTRY:
            return False
        now = timezone.now()
        return (
            self.expires_at is None
            or self.expires_at > now
            or (self.grace_until is not None and self.grace_until > now)
        )


class ResourceField(models.Model):
    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("field name"), max_length=64)
    label = models.CharField(_("label"), max_length=100)
    label_en = models.CharField(_("English label"), max_length=100, blank=True)
    data_type = models.CharField(
        _("type"), max_length=10, choices=FieldType.choices, default=FieldType.STRING
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    nullable = models.BooleanField(_("may be empty"), default=True)
    personal_info = models.CharField(
        _("personal information"),
        max_length=10,
        choices=PersonalInfo.choices,
        default=PersonalInfo.NONE,
    )
    masking = models.CharField(
        _("default masking"), max_length=12, choices=MaskingRule.choices, default=MaskingRule.NONE
    )

    class Meta:
        ordering = ["resource", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "name"], name="catalog_field_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"


class MetadataVersion(models.Model):
    """A snapshot of a resource's metadata and fields each time they change.

    For a resource already in the registry, a change or correction is kept here as a
    *pending* snapshot and applied only when the registration of that change completes,
    so the public record never shows unapproved metadata.
    """

    resource = models.ForeignKey(
        DataResource, on_delete=models.CASCADE, related_name="metadata_versions"
    )
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    pending = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "version"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "version"], name="catalog_metadata_version")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} metadata v{self.version}"


class ReminderSent(models.Model):
    """Makes expiry reminders idempotent: one row per resource, expiry and lead time."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "expires_at", "days_before"], name="catalog_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} reminded {self.days_before} days before"


class DatasetUploadQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        """What `user` may do, by the rules in apps.catalog.rules."""
        return policy.restrict(self, user, action)


class DatasetUpload(models.Model):
    """One upload and its ingestion job: progress while it runs, the report afterwards."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="uploads")
    file_path = models.CharField(max_length=500)
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    detected_format = models.CharField(max_length=10, blank=True)
    detected_encoding = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=IngestStatus.choices, default=IngestStatus.PENDING, db_index=True
    )
    bytes_processed = models.BigIntegerField(default=0)
    rows_processed = models.BigIntegerField(default=0)
    problem_count = models.BigIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)  # first N: row, column, value, reason
    # How many values of each field were rewritten into the canonical form, by form:
    # {field: {form: count}} (see apps.catalog.ingest.normalize).
    normalized = models.JSONField(default=dict, blank=True)
    # The column mapping this upload is read with: {normalized file column: field name, or
    # "" to leave the column out}; empty when the header matched by itself.
    column_mapping = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    version = models.OneToOneField(
        "DatasetVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="upload"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = DatasetUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"upload {self.pk} of {self.resource_id} ({self.status})"

    @property
    def progress(self) -> float:
        if self.status == IngestStatus.SUCCEEDED:
            return 1.0
        return min(self.bytes_processed / self.size_bytes, 0.99) if self.size_bytes else 0.0


class ColumnMapping(models.Model):
    """How a provider's files name a resource's fields: file column → field, saved from a
    mapping step and applied to the resource's next uploads."""

    resource = models.OneToOneField(
        DataResource, on_delete=models.CASCADE, related_name="column_mapping"
    )
    # {normalized file column: field name, or "" to leave the column out}
    columns = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return f"column mapping of {self.resource_id}"


class DatasetVersion(models.Model):
    """An immutable Parquet file: the record of one dataset version."""

    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    parquet_path = models.CharField(max_length=500)
    row_count = models.BigIntegerField()
    byte_size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    schema = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="catalog_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"
