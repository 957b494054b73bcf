"""DRF authentication: `Authorization: Bearer <key>` for machines, sessions for people."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from apps.accounts.services import ApiKeyError, api_key_authenticate
from apps.core.net import client_ip

# Checks an upper app adds to every request made with a key (apps.grants: a key bound
# to a grant reads that grant only, and only while the grant is usable). Each is called
# as guard(key, request) and refuses by raising KeyRefused.
KEY_GUARDS: list = []
# What those checks read, named ahead (callables `(key id) -> [apps.core.rowcache.Check]`):
# a GET reads it with the key's own stamps, in one SELECT.
KEY_CHECKS: list = []


def key_guard_register(guard, checks=None) -> None:
    if guard not in KEY_GUARDS:
        KEY_GUARDS.append(guard)
    if checks is not None and checks not in KEY_CHECKS:
        KEY_CHECKS.append(checks)


class KeyRefused(exceptions.PermissionDenied):
    """A valid key that may not make this request: 403 with a specific code."""

    def __init__(self, code: str, message):
        super().__init__(detail=message, code=code)


class ApiKeyFailed(exceptions.AuthenticationFailed):
    def __init__(self, error: ApiKeyError):
        super().__init__(detail=error.message, code=error.code)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        try:
            header = authentication.get_authorization_header(request).decode("latin-1")
        except UnicodeError:  # not latin-1: no key of ours (WSGI servers never pass one)
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header."), code="api_key_invalid"
            ) from None
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        token = token.strip()
        if not token or " " in token:
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header."), code="api_key_invalid"
            )
        try:
            # Only a safe method: nothing it writes may change the rows read ahead.
            also = KEY_CHECKS if request.method in ("GET", "HEAD") else ()
            key = api_key_authenticate(raw_key=token, ip=client_ip(request), also=also)
        except ApiKeyError as error:
            request._request.api_key_denial = error.code
            raise ApiKeyFailed(error) from None
        # The key acts for its own organization through the person who created it (their
        # membership there is pinned on the user by api_key_authenticate).
        user = key.created_by
        request._request.api_key = key
        for guard in KEY_GUARDS:
            try:
                guard(key, request)
            except KeyRefused as refusal:
                request._request.api_key_denial = refusal.get_codes()
                raise
        return user, key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Session auth that refuses a regulator who has not passed the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if user.second_factor_pending:
            raise exceptions.AuthenticationFailed(
                _("Two-factor verification is required."), code="otp_required"
            )
        return user, auth
