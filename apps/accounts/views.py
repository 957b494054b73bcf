from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from apps.accounts import otp
from apps.accounts.forms import LoginForm, OtpTokenForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def _safe_next(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


@sensitive_post_parameters("token")
@login_required
def otp_view(request):
    """Enrol a TOTP authenticator (first time) or verify a code (every sign-in)."""
    user = request.user
    if user.is_verified():
        return redirect(_safe_next(request))
    device = otp.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = otp.pending_device(user)
    form = OtpTokenForm(request.POST or None)
    allowed, throttle = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        # django-otp doubles the wait after each wrong code; say so instead of "wrong code".
        wait = (throttle or {}).get("locked_until")
        seconds = max(1, int((wait - timezone.now()).total_seconds()) + 1) if wait else 1
        form.add_error(
            "token",
            _("Too many wrong codes. Wait %(seconds)d seconds and try again.")
            % {"seconds": seconds},
        )
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                otp.otp_device_confirm(device=device, actor=user)
                messages.success(request, _("Two-factor authentication is now enabled."))
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired. Try the current code."))
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request, "")}
    if enrolling:
        uri = otp.provisioning_uri(device)
        context.update(qr_svg=otp.qr_svg(uri), secret=otp.base32_secret(device))
    return render(request, "accounts/otp.html", context)
