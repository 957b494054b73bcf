"""Serializers of the applications, reviews and grants API.

What each party reads: the merchant reads its applications whole; the operator and the
regulator read submitted ones whole; a provider agency reviewing a step reads the
request's scope (product, purpose, fields, term, volume, legal basis) but not the
applicant's contacts nor its attachments. A person's name is shown only to the members
of that person's organization and to the regulator; everyone else reads the
organization (the merchant learns which organization decided, not who).
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.choices import OrganizationKind
from apps.core.api.serializers import (
    CharField,
    DateField,
    EmailField,
    ModelSerializer,
    StrictSerializer,
    TextField,
)
from apps.core.converters import ID_MAX
from apps.grants.access import refusal
from apps.grants.approval import step_kind
from apps.grants.choices import ApplicationKind, ApplicationStatus, Decision, GrantStatus, StepKind
from apps.grants.models import AccessApplication, ApplicationAttachment, Grant, GrantKey
from apps.grants.selectors import QUEUES
from apps.workflow.schema import document_optional

TEXT = 5000
SEARCH = 100
CONTACTS = ("tech_contact_name", "tech_contact_email", "tech_contact_phone", "dpo_name",
            "dpo_contact")  # fmt: skip
REF = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    "required": ["id", "name"],
}


def sees_contacts(user) -> bool:
    """Provider agencies review the data asked for; they do not read the contacts or the
    attachments (the merchant, the operator and the regulator do)."""
    return getattr(user, "org_kind", None) != OrganizationKind.PROVIDER


def sees_inside(viewer, organization_id) -> bool:
    """Whether `viewer` reads which person or key of an organization acted: its own
    members, and the regulator."""
    return getattr(viewer, "is_authenticated", False) and (
        viewer.is_regulator or viewer.organization_id == organization_id
    )


def person(viewer, user, organization_id) -> str | None:
    """The user name of `user` if `viewer` may read it (same organization, or regulator)."""
    return user.username if user is not None and sees_inside(viewer, organization_id) else None


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


@extend_schema_field(REF)
class RefField(serializers.Field):
    """{id, name} of an organization or a product."""

    def to_representation(self, obj):
        return _ref(obj)


@extend_schema_field({**REF, "nullable": True})
class NullableRefField(RefField):
    pass


class Viewer:
    """Serializers that show people read the caller from the context."""

    @property
    def viewer(self):
        request = self.context.get("request")
        return getattr(request, "user", None)


# Input ----------------------------------------------------------------------------------


class ApplicationWriteSerializer(StrictSerializer):
    product = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    purpose = TextField(max_length=TEXT)
    scenario = CharField(max_length=100)
    fields = serializers.ListField(child=CharField(max_length=100), min_length=1, max_length=500)
    requested_end = DateField()
    expected_calls_per_day = serializers.IntegerField(
        min_value=0, max_value=2_000_000_000, required=False, allow_null=True
    )
    expected_rows_per_day = serializers.IntegerField(
        min_value=0, max_value=10**15, required=False, allow_null=True
    )
    legal_basis = TextField(max_length=TEXT)
    tech_contact_name = CharField(max_length=100)
    tech_contact_email = EmailField(max_length=254)
    tech_contact_phone = CharField(max_length=40, required=False, allow_blank=True)
    dpo_name = CharField(max_length=100)
    dpo_contact = CharField(max_length=100)
    accept_terms = serializers.BooleanField(
        required=False, help_text="accepts the product's current terms of use"
    )


class ApplicationChangesSerializer(ApplicationWriteSerializer):
    """A renewal or an amendment: only what changes (the rest is the grant's application)."""

    product = None


class GrantsNoteSerializer(StrictSerializer):
    note = TextField(required=False, allow_blank=True, max_length=2000)


class GrantReasonSerializer(StrictSerializer):
    reason = TextField(max_length=2000, allow_blank=True)


class MessageWriteSerializer(StrictSerializer):
    body = TextField(max_length=TEXT, allow_blank=True)


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField()


class DecideSerializer(StrictSerializer):
    step = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    decision = serializers.ChoiceField(Decision.choices)
    comment = TextField(max_length=TEXT, allow_blank=True)


class BindSerializer(StrictSerializer):
    api_key = serializers.IntegerField(min_value=1, max_value=ID_MAX)


class ApplicationParamsSerializer(serializers.Serializer):
    """Query parameters of the application list (DRF's paging adds its own)."""

    status = serializers.ChoiceField(ApplicationStatus.choices, required=False)
    product = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    kind = serializers.ChoiceField(ApplicationKind.choices, required=False)
    q = CharField(max_length=SEARCH, required=False, allow_blank=True)


class QueueParamsSerializer(ApplicationParamsSerializer):
    queue = serializers.ChoiceField([(q, q) for q in QUEUES], required=False, default="mine")
    step = serializers.ChoiceField(StepKind.choices, required=False)
    kind = None


class GrantParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(GrantStatus.choices, required=False)
    product = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    merchant = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    q = CharField(max_length=SEARCH, required=False, allow_blank=True)


# Output ---------------------------------------------------------------------------------


class ApplicationSerializer(Viewer, ModelSerializer):
    merchant = RefField(read_only=True)
    product = RefField(read_only=True)
    grant = serializers.SerializerMethodField()

    class Meta:
        model = AccessApplication
        exclude = ["created_by"]
        read_only_fields = [f.name for f in AccessApplication._meta.fields]

    def get_grant(self, obj) -> int | None:
        grant = getattr(obj, "grant", None) if obj.status == ApplicationStatus.APPROVED else None
        return grant.pk if grant else None

    def to_representation(self, application):
        data = super().to_representation(application)
        if not sees_contacts(self.viewer):
            for key in CONTACTS:
                data.pop(key, None)
        return data


document_optional("Application", CONTACTS)


class AttachmentSerializer(ModelSerializer):
    class Meta:
        model = ApplicationAttachment
        fields = ["id", "name", "content_type", "size", "sha256", "created_at"]
        read_only_fields = fields


class MessageSerializer(Viewer, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField(help_text="shown to the author's organization")
    author_organization = RefField(read_only=True)
    body = CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_author(self, message) -> str | None:
        return person(self.viewer, message.author, message.author_organization_id)


class StepSerializer(Viewer, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    stage = CharField(read_only=True)
    kind = serializers.SerializerMethodField()
    assignee_organization = NullableRefField(read_only=True)
    assignee_role = CharField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    decision = CharField(read_only=True)
    decided_by = serializers.SerializerMethodField(help_text="shown to the step's organization")
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    comment = CharField(read_only=True)

    def get_kind(self, step) -> str:
        return step_kind(step)

    def get_overdue(self, step) -> bool:
        return bool(step.decision == "pending" and step.due_at and step.due_at < timezone.now())

    def get_decided_by(self, step) -> str | None:
        return person(self.viewer, step.decided_by, step.assignee_organization_id)


class QueueEntrySerializer(StepSerializer):
    """One line of a reviewer's work list: the step and the application it decides."""

    application = serializers.SerializerMethodField()
    application_status = serializers.SerializerMethodField()
    product = serializers.SerializerMethodField()
    merchant = serializers.SerializerMethodField()

    def _application(self, step):
        return self.context["applications"].get(step.object_id)

    def get_application(self, step) -> int:
        return step.object_id

    def get_application_status(self, step) -> str:
        return self._application(step).status

    @extend_schema_field(REF)
    def get_product(self, step) -> dict:
        return _ref(self._application(step).product)

    @extend_schema_field(REF)
    def get_merchant(self, step) -> dict:
        return _ref(self._application(step).merchant)


class ApplicationEventSerializer(Viewer, serializers.Serializer):
    """A status move: the actor's organization always, the person per `person()`."""

    from_status = CharField(read_only=True)
    to_status = CharField(read_only=True)
    actor = serializers.SerializerMethodField()
    actor_organization = serializers.SerializerMethodField()
    note = CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_actor(self, entry) -> str | None:
        actor = entry.actor if entry.actor_id else None
        return person(self.viewer, actor, entry.actor_organization_id)

    @extend_schema_field({**REF, "nullable": True})
    def get_actor_organization(self, entry) -> dict | None:
        if entry.actor_id is None:
            return None  # the system (checks, timers) or an actor the policy masks
        return _ref(entry.actor_organization)


class GrantSerializer(ModelSerializer):
    merchant = RefField(read_only=True)
    product = RefField(read_only=True)
    refusal = serializers.SerializerMethodField(
        help_text="why a bound key is refused now (its 403 code), or null when usable"
    )

    class Meta:
        model = Grant
        fields = [
            "id", "number", "version", "previous", "application", "merchant", "product",
            "scope", "calls_per_day", "rows_per_day", "rate_per_minute", "starts_at",
            "ends_at", "status", "suspended_by", "refusal", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_refusal(self, grant) -> str | None:
        problem = refusal(grant)
        return problem[0] if problem else None


class GrantKeySerializer(Viewer, serializers.Serializer):
    api_key = serializers.IntegerField(source="api_key_id", read_only=True, allow_null=True)
    name = CharField(source="api_key.name", read_only=True, allow_null=True)
    prefix = CharField(source="api_key.prefix", read_only=True, allow_null=True)
    expires_at = serializers.DateTimeField(source="api_key.expires_at", read_only=True)
    revoked = serializers.SerializerMethodField()
    bound_by = serializers.SerializerMethodField()
    bound_at = serializers.DateTimeField(read_only=True)

    def get_revoked(self, binding: GrantKey) -> bool:
        return binding.api_key.is_revoked

    def get_bound_by(self, binding) -> str | None:
        return person(self.viewer, binding.bound_by, binding.api_key.organization_id)

    def to_representation(self, binding):
        """Which key it is (id, name, prefix): for the key's own organization and the
        regulator; the product's operator and the data's provider read that a key is
        bound, and its term, not which one (as for sandbox and export history)."""
        shown = super().to_representation(binding)
        if not sees_inside(self.viewer, binding.api_key.organization_id):
            shown.update(api_key=None, name=None, prefix=None)
        return shown
