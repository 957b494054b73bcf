import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.accounts.choices import OrganizationKind, Role
from apps.audit.actors import ActorDescription
from apps.audit.choices import ActorType
from apps.core.permissions import VIEW


class OrganizationQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        # The rules live in apps.workflow.rules, which hangs them on the model at start-up.
        return self.model.access_policy.restrict(self, user, action)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org_id(self) -> int | None:
        """An organization's events join its own audit trail."""
        return self.pk


class User(AbstractUser):
    """A person. Belongs to at most one organization through `membership`."""

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def _membership(self):
        return Membership.objects.select_related("organization").filter(user=self).first()

    @property
    def organization(self) -> Organization | None:
        return self._membership.organization if self._membership else None

    @property
    def organization_id(self) -> int | None:
        return self._membership.organization_id if self._membership else None

    @property
    def role(self) -> str | None:
        return self._membership.role if self._membership else None

    @property
    def org_kind(self) -> str | None:
        org = self.organization
        return org.kind if org else None

    @property
    def is_regulator(self) -> bool:
        return self.org_kind == OrganizationKind.REGULATOR

    @property
    def requires_two_factor(self) -> bool:
        """Regulators and superusers must pass TOTP before anything else."""
        return self.is_regulator or self.is_superuser

    @property
    def second_factor_pending(self) -> bool:
        """Signed in with the password alone where TOTP is required: nothing but the second
        factor's page (and the public ones) until it is passed. For the request's user
        (django-otp's middleware gives it `is_verified`)."""
        return self.requires_two_factor and not self.is_verified()

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ADMIN


class Membership(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class ApiKeyQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        # The rules live in apps.workflow.rules, which hangs them on the model at start-up.
        return self.model.access_policy.restrict(self, user, action)


class ApiKey(models.Model):
    """A machine credential. Only a SHA-256 of the secret is stored; the prefix is visible."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    allowed_ips = models.JSONField(_("allowed IP networks"), default=list, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=500, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_secret(raw_key: str) -> str:
        # Keys are 256-bit random strings, so a fast hash is safe (no dictionary to attack).
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def audit_actor(self) -> ActorDescription:
        return ActorDescription(
            actor_type=ActorType.API_KEY,
            actor_id=str(self.pk),
            actor_label=f"{self.prefix} {self.name} ({self.created_by.get_username()})",
            actor_org_id=self.organization_id,
            actor_role="api_key",
        )

    @property
    def status(self) -> str:
        if self.is_revoked:
            return "revoked"
        return "expired" if self.is_expired else "active"


class SecondFactorLock(models.Model):
    """A user's consecutive wrong TOTP codes and, once they reach OTP_MAX_FAILURES, until
    when the second factor refuses every code (apps.accounts.otp_lockout). Kept in the
    database, not the cache: flushing Redis must not lift a lock."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="second_factor_lock"
    )
    failures = models.PositiveIntegerField(_("consecutive wrong codes"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("second-factor lock")
        verbose_name_plural = _("second-factor locks")

    def __str__(self) -> str:
        return f"{self.user} ({self.failures})"
