"""Audit action codes ("catalog.dataresource.public_notice", "auth.login") as words in the
reader's language: the subject (a model's verbose name, or a named area) and the verb (a
fixed word, or the target status of a transition). The code stays the record; unknown
codes are shown as they are."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SUBJECTS = {
    "api_key": _("API key"),
    "auth": _("Sign-in"),
    "audit": _("Audit log"),
    "console": _("Regulator console"),
    "otp_device": _("Authenticator"),
    "otp_totp.totpdevice": _("Authenticator"),  # a target: django-otp's own name is English
    "user": _("User"),
    "web": _("Web page"),
    "api": _("API"),
    "authorizationagreement": _("authorization agreement"),
    "membership": _("membership"),
    "organization": _("organization"),
    "catalog.resource": _("Data resource"),
    "catalog.datasetupload": _("dataset upload"),
    "catalog.datasetversion": _("dataset version"),
    "delivery.records": _("data records"),
    "delivery.leak": _("Leak tracing"),
    "delivery.sandbox": _("Sandbox query"),
    "console.report": _("Supervision report"),
    "delivery.statements": _("statement"),
    "operators.qualificationdocument": _("qualification document"),
    "core.dbtimeouts": _("Database time limits"),
    "grants.rule": _("Routing rule"),
    "webhooks.delivery": _("Webhook delivery"),
    "webhooks.endpoint": _("Webhook endpoint"),
    "workflow.outbox": _("Background jobs"),
}
VERBS = {
    "create": pgettext_lazy("audit", "created"),
    "created": pgettext_lazy("audit", "created"),
    "update": pgettext_lazy("audit", "updated"),
    "save": pgettext_lazy("audit", "saved"),
    "confirm": pgettext_lazy("audit", "confirmed"),
    "delete": pgettext_lazy("audit", "deleted"),
    "remove": pgettext_lazy("audit", "removed"),
    "set": pgettext_lazy("audit", "set"),
    "import": pgettext_lazy("audit", "imported"),
    "propose": pgettext_lazy("audit", "change proposed"),
    "amend": pgettext_lazy("audit", "amendment started"),
    "publish": pgettext_lazy("audit", "published"),
    "preview": pgettext_lazy("audit", "previewed"),
    "read": pgettext_lazy("audit", "read"),
    "document": pgettext_lazy("audit", "signed document attached"),
    "document_read": pgettext_lazy("audit", "signed document read"),
    "upload": pgettext_lazy("audit", "uploaded"),
    "fail": pgettext_lazy("audit", "failed"),
    "retry": pgettext_lazy("audit", "retried"),
    "run": pgettext_lazy("audit", "run"),
    "sweep": pgettext_lazy("audit", "swept"),
    "expiring": pgettext_lazy("audit", "expiry reminder"),
    "overdue": pgettext_lazy("audit", "overdue"),
    "filed": pgettext_lazy("audit", "filed"),
    "credit_status": pgettext_lazy("audit", "credit status checked"),
    "reassign": pgettext_lazy("audit", "reassigned"),
    "resend": pgettext_lazy("audit", "resent"),
    "ping": pgettext_lazy("audit", "pinged"),
    "rotate_secret": pgettext_lazy("audit", "secret rotated"),
    "revoke": pgettext_lazy("audit", "revoked"),
    "login": pgettext_lazy("audit", "signed in"),
    "logout": pgettext_lazy("audit", "signed out"),
    "lockout": pgettext_lazy("audit", "locked out"),
    "otp": pgettext_lazy("audit", "two-factor code"),
    "otp_lockout": pgettext_lazy("audit", "two-factor locked"),
    "otp_unlock": pgettext_lazy("audit", "two-factor unlocked"),
    "unlock": pgettext_lazy("audit", "unlocked"),
    "verify": pgettext_lazy("audit", "chain verified"),
    "prune": pgettext_lazy("audit", "old events pruned"),
    "access": pgettext_lazy("audit", "access"),
    "access_change": pgettext_lazy("audit", "access changed"),
    "tokens_change": pgettext_lazy("audit", "codes changed"),
    "start": pgettext_lazy("audit", "started"),
    "finish": pgettext_lazy("audit", "finished"),
    "view": pgettext_lazy("audit", "viewed"),
    "generate": pgettext_lazy("audit", "generated"),
    "decide": pgettext_lazy("audit", "decided"),
    "message": pgettext_lazy("audit", "message sent"),
    "bind_key": pgettext_lazy("audit", "key bound"),
    "issue": pgettext_lazy("audit", "issued"),
    "raise": pgettext_lazy("audit", "raised"),
    "acknowledge": pgettext_lazy("audit", "acknowledged"),
    "resolve": pgettext_lazy("audit", "resolved"),
    "key_suspend": pgettext_lazy("audit", "key suspended"),
    "key_lift": pgettext_lazy("audit", "key suspension lifted"),
    "trace": pgettext_lazy("audit", "file traced"),
    "query": pgettext_lazy("audit", "query run"),
    "request": pgettext_lazy("audit", "requested"),
    "complete": pgettext_lazy("audit", "completed"),
    "download": pgettext_lazy("audit", "downloaded"),
}


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except (LookupError, ValueError):
        return None


def _status_label(model, value: str) -> str | None:
    try:
        field = model._meta.get_field("status")
    except Exception:
        return None
    return dict(field.flatchoices).get(value)


def action_label(code: str) -> str:
    parts = (code or "").split(".")
    if len(parts) == 3:
        subject_key, verb = ".".join(parts[:2]), parts[2]
        model = _model(parts[0], parts[1])
        subject = SUBJECTS.get(subject_key) or (model and model._meta.verbose_name)
        verb_label = (model and _status_label(model, verb)) or VERBS.get(verb)
    elif len(parts) == 2:
        subject, verb_label = SUBJECTS.get(parts[0]), VERBS.get(parts[1])
        if parts[0] in ("web", "api"):
            verb_label = parts[1]  # a view name: technical, but tells where it happened
    else:
        return code
    if not subject or not verb_label:
        return code
    return f"{_capitalized(subject)} · {verb_label}"


def target_label(target_type: str) -> str:
    """The target type "grants.grant" as the model's name ("grant"); an unknown type as it is."""
    parts = (target_type or "").split(".")
    model = _model(parts[0], parts[1]) if len(parts) == 2 else None
    named = SUBJECTS.get(target_type) or (model and model._meta.verbose_name)
    return _capitalized(named) if named else target_type


def _capitalized(name) -> str:
    """`name` with its first letter upper-cased (str.capitalize lowers the rest)."""
    name = str(name)
    return f"{name[:1].upper()}{name[1:]}"


def role_label(code: str) -> str:
    """An actor's role ("admin") in words, as a membership names it (read through the
    app registry: audit sits below accounts); a role no longer known as it is."""
    model = _model("accounts", "membership")
    choices = dict(model._meta.get_field("role").flatchoices) if model else {}
    return str(ROLES.get(code) or choices.get(code, code))


ROLES = {"superuser": _("Superuser")}
