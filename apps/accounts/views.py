from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from apps.accounts import otp, otp_lockout
from apps.accounts.forms import LoginForm, OtpTokenForm
from apps.accounts.lockout import LockState, lock_state
from apps.core.api.errors import error_body
from apps.core.http import same_site_path


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        context = self.get_context_data(form=form)
        # Only a real failed check counts (not an empty field): say what is left of it.
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            state = lock_state(self.request, {"username": form.data.get("username", "")})
            context["attempts_message"] = attempts_message(state)
        return self.render_to_response(context)


def attempts_message(state: LockState) -> str:
    minutes = _cool_off_minutes()
    return ngettext(
        "%(count)d attempt left before sign-in is locked for %(minutes)d minutes.",
        "%(count)d attempts left before sign-in is locked for %(minutes)d minutes.",
        state.attempts_left,
    ) % {"count": state.attempts_left, "minutes": minutes}


def lockout_message(state: LockState) -> str:
    lifts_at = state.lifts_at or timezone.now() + settings.AXES_COOLOFF_TIME
    values = {
        "time": formats.time_format(timezone.localtime(lifts_at), "H:i"),
        "minutes": state.minutes_left or _cool_off_minutes(),
    }
    if state.address_locked:
        return (
            _(
                "Too many failed sign-in attempts from your network address. Sign-in from this "
                "address is locked until %(time)s (in %(minutes)d minutes); ask your administrator "
                "if it must be unlocked sooner."
            )
            % values
        )
    return (
        _(
            "Too many failed sign-in attempts. This account is locked until %(time)s (in "
            "%(minutes)d minutes) for sign-in from your address; try again then or ask your "
            "administrator to unlock it."
        )
        % values
    )


def _cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: the sign-in page with the reason and the time to retry
    (HTTP 429 with Retry-After), or the JSON error for a client that asks for JSON."""
    state = lock_state(request, credentials)
    message = lockout_message(state)
    retry_after = str(state.minutes_left * 60 or int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        body = error_body("sign_in_locked", message, {"retry_after_seconds": int(retry_after)})
        locked = JsonResponse(body, status=429)
    else:
        form = LoginForm(request, data=request.POST or None)
        form.is_bound = False
        context = {"form": form, "locked_message": message}
        locked = render(request, "registration/login.html", context, status=429)
    locked["Retry-After"] = retry_after
    return locked


def _safe_next(request, default: str = "home") -> str:
    """The `next` address when it stays on this site, else `default` (a view name) as an
    address. Always an address: redirect("ADMIN") took it for a view name and raised
    NoReverseMatch, a 500."""
    target = request.POST.get("next") or request.GET.get("next")
    if same_site_path(request, target):
        return target
    return resolve_url(default) if default else ""


@sensitive_post_parameters("token")
@login_required
def otp_view(request):
    """Enrol a TOTP authenticator (first time) or verify a code (every sign-in)."""
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_safe_next(request))
    device = otp.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = otp.pending_device(user)
    form = OtpTokenForm(request.POST or None)
    lock = otp_lockout.otp_lock_state(user)
    allowed, throttle = device.verify_is_allowed()
    status = 200
    if request.method == "POST" and form.is_valid() and lock.locked:
        # Locked after too many wrong codes: refused unchecked, the right code too.
        form.add_error("token", otp_lockout.locked_message(lock))
        otp.otp_code_refused(user=user, request=request, reason="otp_locked", enrolling=enrolling)
        status = 429
    elif request.method == "POST" and form.is_valid() and not allowed:
        # django-otp doubles the wait after each wrong code; say so instead of "wrong code".
        wait = (throttle or {}).get("locked_until")
        seconds = max(1, int((wait - timezone.now()).total_seconds()) + 1) if wait else 1
        form.add_error(
            "token",
            _("Too many wrong codes. Wait %(seconds)d seconds and try again.")
            % {"seconds": seconds},
        )
        otp.otp_code_refused(
            user=user, request=request, reason="otp_throttled", enrolling=enrolling
        )
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_lockout.otp_success_record(user=user)
            if enrolling:
                otp.otp_device_confirm(device=device, actor=user)
                messages.success(request, _("Two-factor authentication is now enabled."))
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request))
        otp.otp_code_refused(user=user, request=request, reason="otp_wrong", enrolling=enrolling)
        lock = otp_lockout.otp_failure_record(user=user, request=request, enrolling=enrolling)
        form.add_error("token", otp_lockout.wrong_code_messages(lock))
        status = 429 if lock.locked else 200
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request, "")}
    if lock.locked and not form.is_bound:
        context["locked_message"] = otp_lockout.locked_message(lock)
    if enrolling:
        uri = otp.provisioning_uri(device)
        context.update(qr_svg=otp.qr_svg(uri), secret=otp.base32_secret(device))
    response = render(request, "accounts/otp.html", context, status=status)
    if lock.locked:
        response["Retry-After"] = str(lock.seconds_left)
    return response
