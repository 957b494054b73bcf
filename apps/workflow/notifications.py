"""In-app notifications and their e-mail: `notify` writes one row per recipient and,
for those who did not turn e-mail off for the category, one e-mail through the outbox
(`mail_send_later`), all in the caller's transaction. The only writers of notifications
and preferences live here; reads are scoped to the caller (a user reads only their own).
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from apps.accounts.models import Organization, User
from apps.core.exceptions import InvalidInput
from apps.core.names import local_name
from apps.core.permissions import MANAGE, VIEW
from apps.workflow.models import Notification, NotificationCategory, NotificationPreference
from apps.workflow.outbox_mail import mail_send_later
from apps.workflow.system_notes import system_note


class Phrase:
    """A notification's text to be written in every language of the UI: `text` a
    `gettext_lazy` message, `params` its values (a lazy label, a Phrase, or an object
    with a `name` and a `name_en` are rendered in each language too)."""

    def __init__(self, text, **params):
        self.text, self.params = text, params

    def also(self, **params) -> "Phrase":
        """The same text with more parameters."""
        return Phrase(self.text, **self.params, **params)

    def __str__(self) -> str:
        values = {name: _param(value) for name, value in self.params.items()}
        return str(self.text) % values if values else str(self.text)


def _param(value):
    if isinstance(value, Phrase | Promise):
        return str(value)
    if hasattr(value, "name_en"):
        return local_name(value)
    return value


def _in(language: str, text) -> str:
    """The text in `language`: a Phrase or a lazy text translated, and a plain text that
    is one of the sentences the system writes (a step's note) too; a person's words as
    they are."""
    with translation.override(language):
        return system_note(str(text)) if isinstance(text, str) else str(text)


def _recipients(users, organization, roles) -> list[User]:
    if users is not None:
        ids = [u.pk if isinstance(u, User) else int(u) for u in users]
        rows = User.objects.filter(pk__in=ids)
    else:
        if isinstance(organization, Organization | int):
            organization = [organization]
        org_ids = [o.pk if isinstance(o, Organization) else int(o) for o in organization or ()]
        rows = User.objects.filter(membership__organization_id__in=org_ids)
        if roles:
            rows = rows.filter(membership__role__in=list(roles))
    return list(rows.filter(is_active=True).order_by("pk"))


def notify(
    *,
    category: str,
    verb: str,
    title: str,
    body: str = "",
    users: Iterable | None = None,
    organization=None,
    roles: Iterable[str] | None = None,
    obj=None,
    link: str = "",
    key: str = "",
    email: bool = True,
) -> list[User]:
    """Tells `users`, or the members of `organization` (an Organization, an id or a list
    of them) holding one of `roles` (all members when None). `key` makes it once per
    recipient (and the e-mail once). Returns the recipients."""
    if category not in NotificationCategory.values:
        raise ValueError(f"unknown notification category {category!r}")
    recipients = _recipients(users, organization, roles)
    if not recipients:
        return []
    target = {}
    if obj is not None:
        target = {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}
    now = timezone.now()
    # Chinese first (the default language), English beside it when the text translates.
    zh, en = in_languages(title=title, body=body)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                category=category,
                verb=verb[:60],
                title=zh["title"][:200],
                body=zh["body"],
                title_en=en["title"][:200],
                body_en=en["body"],
                link=link[:300],
                key=key[:200],
                created_at=now,
                **target,
            )
            for user in recipients
        ],
        ignore_conflicts=bool(key),
    )
    if email:
        muted = set(
            NotificationPreference.objects.filter(
                user__in=recipients, category=category, email=False
            ).values_list("user_id", flat=True)
        )
        to = [u.email for u in recipients if u.email and u.pk not in muted]
        if to:
            subject, text = mail_text(zh, en, link)
            mail_send_later(subject=subject, body=text, to=to, obj=obj, key=key or None)
    return recipients


def in_languages(**texts) -> tuple[dict, dict]:
    """Each text (a Phrase, a lazy text or a plain one) in Chinese, and in English where
    that reads differently ("" where it does not)."""
    zh = {name: _in(settings.LANGUAGE_CODE, text) for name, text in texts.items()}
    en = {name: _in("en", text) for name, text in texts.items()}
    return zh, {name: (text if text != zh[name] else "") for name, text in en.items()}


def mail_text(zh: dict, en: dict, link: str = "") -> tuple[str, str]:
    """An e-mail's subject and body from `in_languages(title=..., body=...)`: Chinese
    first, English after it where it differs, so that a mail reads the same whoever's
    action sent it (a recipient's language is not known; their pages follow their own)."""
    subject = " / ".join(text for text in (zh["title"], en["title"]) if text)
    parts = [zh["body"] or zh["title"]]
    english = [text for text in (en["title"], en["body"]) if text]
    if english:
        parts.append("\n".join(english))
    if link:
        parts.append(absolute(link))
    return subject, "\n\n".join(part for part in parts if part)


def absolute(link: str) -> str:
    """A page's path as an address a mail reader can open (settings.PLATFORM_URL before
    it); a full address, or a path when PLATFORM_URL is not set, as it is."""
    base = getattr(settings, "PLATFORM_URL", "")
    return f"{base}{link}" if base and link.startswith("/") else link


# Reads ------------------------------------------------------------------------------


def notification_list(*, user, unread: bool = False):
    rows = Notification.objects.restrict(user, VIEW)
    return rows.unread() if unread else rows


def unread_count(*, user) -> int:
    """One COUNT on the partial index of unread rows."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def email_preferences(*, user) -> dict[str, bool]:
    off = set(
        NotificationPreference.objects.filter(user_id=user.pk, email=False).values_list(
            "category", flat=True
        )
    )
    return {category: category not in off for category in NotificationCategory.values}


# Writes -----------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Marks one of the caller's notifications read (404 for anyone else's)."""
    from apps.workflow.policy import get_object_for

    notification = get_object_for(user, Notification, notification_id, MANAGE)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_settle(keys: Iterable[str]) -> int:
    """Marks read, for every recipient, the notifications `notify` wrote under these keys:
    work they announced is no longer waiting (a review step decided or closed), so it
    leaves the unread count; the notifications stay in each list."""
    keys = [key for key in keys if key]
    if not keys:
        return 0
    unread = Notification.objects.filter(key__in=keys, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    return (
        Notification.objects.restrict(user, MANAGE)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def email_preferences_set(*, user, email_on: Iterable[str]) -> dict[str, bool]:
    """E-mail on for the categories in `email_on`, off for the others."""
    email_on = set(email_on)
    unknown = email_on - set(NotificationCategory.values)
    if unknown:
        raise InvalidInput(details={"categories": [", ".join(sorted(unknown))]})
    for category in NotificationCategory.values:
        NotificationPreference.objects.update_or_create(
            user_id=user.pk, category=category, defaults={"email": category in email_on}
        )
    return email_preferences(user=user)


def notify_regulators(**kwargs) -> list[User]:
    """`notify` to the regulators (the authorities, apps.accounts.selectors), holding one
    of `roles` when given."""
    from apps.accounts.selectors import authority_list

    return notify(organization=list(authority_list().values_list("pk", flat=True)), **kwargs)


def notify_decision(
    obj, *, organization_id, verb: str, title: str, body: str = "", link: str = ""
) -> list[User]:
    """A review decision, told to the admins of the organization that submitted."""
    from apps.accounts.choices import Role

    return notify(
        category=NotificationCategory.DECISION,
        verb=verb,
        title=title,
        body=body,
        organization=organization_id,
        roles=[Role.ADMIN],
        obj=obj,
        link=link,
    )
