"""Inviting a person into an organization from the console: the account is created
through apps.accounts.services (audited) without a usable password, and an e-mail with a
link to choose one leaves through the outbox in the same transaction."""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail.message import sanitize_address
from django.core.validators import EmailValidator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from apps.accounts import services
from apps.accounts.models import Organization, User
from apps.core.exceptions import InvalidInput
from apps.workflow.notifications import Phrase, in_languages, mail_text
from apps.workflow.outbox_mail import mail_send_later


def set_password_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset_confirm", args=[uid, token])


def require_deliverable(email: str) -> None:
    """An address the mail can be written to. Django's EmailValidator takes a domain that
    IDNA cannot encode ('a@\u00ad.com': the soft hyphen maps to nothing, an empty label),
    and the invitation then failed in the worker at each attempt (UnicodeError)."""
    try:
        sanitize_address(email, "utf-8")
    except (UnicodeError, ValueError):
        message = str(EmailValidator.message)
        raise InvalidInput(message, code="email_invalid", details={"email": [message]}) from None


@transaction.atomic
def member_invite(
    *, organization: Organization, username: str, email: str, role: str, actor: User, site: str
) -> User:
    """Creates the user in `organization` with `role` and mails them where to set a
    password (`site`: scheme and host the link starts with)."""
    require_deliverable(email)
    user = services.user_create(
        username=username,
        password=None,
        organization=organization,
        role=role,
        email=email,
        actor=actor,
    )
    body = Phrase(
        _(
            "An account %(username)s was created for you in %(organization)s. "
            "Choose your password here: %(link)s"
        ),
        username=username,
        organization=organization,
        link=site.rstrip("/") + set_password_path(user),
    )
    subject, text = mail_text(*in_languages(title=_("Your account"), body=body))
    mail_send_later(subject=subject, body=text, to=[email], obj=user)
    return user
