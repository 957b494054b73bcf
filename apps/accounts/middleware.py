from django.shortcuts import redirect
from django.urls import reverse

# Paths a regulator may reach before passing the second factor: signing in and out, the
# second factor itself, and a password reset (its link goes to the mailbox; signing in
# after it still asks for the second factor). Not the password change: the password
# alone must not replace the password and lock the owner out.
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/otp/",
    "/accounts/password/reset/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/readyz",
    "/api/",
    "/jsi18n/",
)


class RegulatorTwoFactorMiddleware:
    """Sends a signed-in regulator (or superuser) who has not passed TOTP to enrol or verify first.

    The API is excluded here because VerifiedSessionAuthentication answers 401 there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.second_factor_pending
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
        return self.get_response(request)
