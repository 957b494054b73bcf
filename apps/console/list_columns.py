"""The columns of the console's own lists (organizations, operators, agreements, the
registration queue, the audit log): header labels, sort fields and export values
(apps.core.tables). The application, queue and grant lists keep theirs in
apps.grants.columns, beside the pages the portal shares."""

from django.utils.translation import gettext_lazy as _

from apps.core.tables import Column

ORGANIZATION_COLUMNS = [
    Column("name", _("Name"), "name", "name"),
    Column("name_en", _("English name"), "name_en", "name_en"),
    Column("code", _("Code"), "code", "code"),
    Column("kind", _("Kind"), "get_kind_display", "kind"),
    Column("members", _("Members"), "members", "members"),
    Column("active", _("Active"), "is_active", "is_active"),
]

OPERATOR_COLUMNS = [
    Column("operator", _("operator"), "organization.name", "organization__name"),
    Column("credit_code", _("unified social credit code"), "credit_code", "credit_code"),
    Column("status", _("qualification status"), "get_status_display", "status"),
    Column("credit", _("credit status"), "get_credit_status_display", "credit_status"),
    Column("rereview", _("re-review due"), "rereview_due", "rereview_due"),
]

AGREEMENT_COLUMNS = [
    Column("number", _("agreement number"), "number", "number"),
    Column("version", _("version"), "version", "version"),
    Column("operator", _("operator"), "operator.name", "operator__name"),
    Column("status", _("status"), "get_status_display", "status"),
    Column("term_start", _("term start"), "term_start", "term_start"),
    Column("term_end", _("term end"), "term_end", "term_end"),
]

REGISTRATION_COLUMNS = [
    Column("name", _("name"), "name", "name"),
    Column("provider", _("provider"), "provider.name", "provider__name"),
    Column("kind", _("registration kind"), "get_registration_kind_display", "registration_kind"),
    Column("status", _("registration status"), "get_status_display", "status"),
    Column("classification", _("classification"), "get_classification_display", "classification"),
    Column("open_type", _("open type"), "get_open_type_display", "open_type"),
    Column("notice_ends", _("public notice ends at"), "notice_ends_at", "notice_ends_at"),
]


def _target(event) -> str:
    return f"{event.target_type} {event.target_id}".strip()


AUDIT_COLUMNS = [
    Column("seq", _("Seq"), lambda e: getattr(getattr(e, "seal", None), "seq", None)),
    Column("time", _("Time"), "occurred_at", "id"),
    Column("actor", _("Actor"), "actor_label", "actor_label"),
    Column("organization", _("Organization"), "actor_org_id", "actor_org_id"),
    Column("action", _("Action"), "action", "action"),
    Column("target", _("Target"), _target, "target_type"),
    Column("outcome", _("Outcome"), "get_outcome_display", "outcome"),
    Column("reason", _("Reason"), "reason"),
    Column("ip", _("IP address"), "ip", "ip"),
]
