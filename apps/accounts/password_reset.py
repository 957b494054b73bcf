"""The password reset request: rate-limited and audited, without telling who has an account.

Every request with a well-formed address is an audit event `accounts.password_reset_request`
(retention "access"; the audit service takes the client address and user agent from the
request). The address itself is never recorded, only `email_digest`, a keyed digest
(salted_hmac over SECRET_KEY) that lets a reader see that requests concern the same
address without learning which address it is.

Two hourly budgets, counted like the API's throttles (apps.core.api.throttles: one atomic
INCR per window in CACHES, Redis in production; refused requests are not counted):

- PASSWORD_RESET_PER_IP_PER_HOUR requests per client address. Past it the form comes back
  with an error and status 429 (`Retry-After`), audited as a denial.
- PASSWORD_RESET_PER_EMAIL_PER_HOUR requests per address asked for, known or not. Past it
  the answer is the usual redirect to the "sent" page, so it tells nothing about the
  address, but no e-mail goes out; audited as a denial.

Redis out of reach: the budgets cannot be counted, so no e-mail is sent (stricter, never
looser, as the grants' quotas); the form says to try again later (503), audited.
"""

import logging
import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponseRedirect
from django.template import loader
from django.urls import reverse_lazy
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from apps.audit.choices import Retention
from apps.audit.services import audit_record, audit_record_denial
from apps.core.api.throttles import AnonRateThrottle
from apps.core.net import client_ip

logger = logging.getLogger(__name__)

ACTION = "accounts.password_reset_request"
_DIGEST_SALT = "apps.accounts.password_reset.address"


def email_digest(email: str) -> str:
    """A keyed digest of the address (case-insensitive, as the reset form matches it)."""
    return salted_hmac(_DIGEST_SALT, email.strip().lower(), algorithm="sha256").hexdigest()[:32]


class HourlyBudget(AnonRateThrottle):
    """One hourly counter of the API's atomic windows, for `ident` in `scope`. Redis out of
    reach raises (no e-mail then), where the API's own budgets let requests through."""

    fail_open = False

    def __init__(self, scope: str, ident: str, per_hour: int):
        self.scope, self.ident = scope, ident
        self.rate = f"{max(0, per_hour)}/hour"
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def ip_budget(request) -> HourlyBudget:
    ident = client_ip(request) or "unknown"
    return HourlyBudget("password_reset_ip", ident, settings.PASSWORD_RESET_PER_IP_PER_HOUR)


def address_budget(digest: str) -> HourlyBudget:
    per_hour = settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR
    return HourlyBudget("password_reset_email", digest, per_hour)


# What sends the reset e-mail: apps.workflow registers its outbox (accounts imports no
# upper app). Queued, not sent in the request, the e-mail neither slows the answer for a
# known address (which timed apart known from unknown ones) nor is lost while the mail
# server is down. Unregistered, Django's form sends it at once.
MAILERS: list = []


def mailer_register(send) -> None:
    """`send(subject=, body=, to=)` queues one e-mail in the caller's transaction."""
    if send not in MAILERS:
        MAILERS.append(send)


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        if not MAILERS:
            return super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email,
                html_email_template_name,
            )  # fmt: skip
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        MAILERS[0](subject=subject, body=body, to=[to_email])
        return None


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        digest = email_digest(form.cleaned_data["email"])
        try:
            by_ip = ip_budget(self.request)
            if not by_ip.allow_request(self.request, None):
                self._deny("password_reset_throttled", digest, limit="per_ip")
                return self._refuse(form, 429, _ip_limit_message(by_ip.wait()), by_ip.wait())
            address_allowed = address_budget(digest).allow_request(self.request, None)
        except RedisError:
            logger.warning("password reset budgets not counted: Redis out of reach", exc_info=True)
            self._deny("password_reset_throttle_unavailable", digest)
            message = _("Password reset is unavailable at the moment. Try again in a few minutes.")
            return self._refuse(form, 503, message, 60)
        if not address_allowed:
            # The same answer as a request that sent its e-mail: nothing to learn here.
            self._deny("password_reset_throttled", digest, limit="per_email")
            return HttpResponseRedirect(self.get_success_url())
        audit_record(
            action=ACTION,
            data={"email_digest": digest},
            request=self.request,
            retention=Retention.ACCESS,
        )
        return super().form_valid(form)

    def _deny(self, reason: str, digest: str, **data) -> None:
        audit_record_denial(
            action=ACTION,
            reason=reason,
            data={"email_digest": digest, **data},
            request=self.request,
        )

    def _refuse(self, form, status: int, message: str, wait: float | None):
        form.add_error(None, message)
        response = self.render_to_response(self.get_context_data(form=form), status=status)
        response["Retry-After"] = str(max(1, math.ceil(wait or 1)))
        return response


def _ip_limit_message(wait: float | None) -> str:
    minutes = max(1, math.ceil((wait or 60) / 60))
    return ngettext(
        "Too many password reset requests from your network address. "
        "Try again in %(minutes)d minute.",
        "Too many password reset requests from your network address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, with each refused link (forged, expired, or used already: a token dies
    with the password it reset) audited as a denied `accounts.password_reset_confirm`.
    Neither token nor address is recorded; the user is, when the link names one."""

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        # A good token in the address answers a redirect (it moves into the session).
        if not self.validlink and response.status_code == 200:
            audit_record_denial(
                action="accounts.password_reset_confirm",
                reason="reset_link_invalid",
                target=self.user,
                target_org=getattr(self.user, "organization_id", None),
                request=self.request,
            )
        return response
