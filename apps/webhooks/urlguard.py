"""SSRF defence: a webhook URL must be https:// and every address its host resolves to
must be public. Checked when an endpoint is registered and again at each send, and the
request then goes to the address that was checked (pinned), so a DNS answer that
changes between the check and the connection (rebinding) cannot reach the inside.

WEBHOOKS_ALLOW_INSECURE_LOOPBACK (tests only; production refuses it) lets
http://127.0.0.1:<port> through, for a local test receiver.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput
from apps.webhooks import choices as c

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to
    tls: bool


def _refuse(code: str, message) -> InvalidInput:
    return InvalidInput(message, code=code, details={"url": [str(message)]})


def address_refused(address: str) -> bool:
    """Private, loopback, link-local, multicast, reserved, unspecified or otherwise not
    globally routable (shared address space, IPv4 inside IPv6...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise _refuse(c.URL_UNRESOLVABLE, _("The URL's host name does not resolve.")) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def _has_controls(text: str) -> bool:
    return any(ch <= " " or ch == "\x7f" for ch in text)


def url_check(url: str) -> Target:
    """The checked target of `url`, or InvalidInput with a stable code."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise _refuse(c.URL_INVALID, _("This is not a valid URL.")) from None
    host = parts.hostname or ""
    if not host or parts.username is not None or parts.password is not None:
        raise _refuse(c.URL_INVALID, _("Give a URL with a host name and no user name."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if _has_controls(url.strip()) or not path.isascii():
        # http.client sends the path as ASCII: '/数据' raised UnicodeEncodeError in the
        # worker at every attempt (a traceback, the delivery pending for ever), and a space
        # or a control character is its InvalidURL (urlsplit drops a CR or LF from the
        # path, not from the stored URL). A client percent-encodes them; a host name may
        # be Unicode (IDNA).
        raise _refuse(c.URL_INVALID, _("This is not a valid URL."))
    loopback = settings.WEBHOOKS_ALLOW_INSECURE_LOOPBACK and host == LOOPBACK
    if loopback and parts.scheme in ("http", "https"):
        tls = parts.scheme == "https"
        return Target(host, port or (443 if tls else 80), path, LOOPBACK, tls)
    if parts.scheme != "https":
        raise _refuse(c.URL_NOT_HTTPS, _("Webhook URLs must start with https://."))
    port = port or 443
    addresses = _resolve(host, port)
    if not addresses or any(address_refused(a) for a in addresses):
        raise _refuse(
            c.URL_PRIVATE_ADDRESS,
            _("The URL's host resolves to a private or reserved address; it is refused."),
        )
    return Target(host, port, path, addresses[0], True)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to the checked address, with the URL's host name for SNI and the certificate."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(target: Target, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POSTs `body` to the checked target; redirects are answers, never followed.
    Returns the status and the start of the response body."""
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    conn = (_PinnedHTTPS if target.tls else _PinnedHTTP)(target, timeout)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        snippet = response.read(512).decode("utf-8", "replace")
        return response.status, snippet
    finally:
        conn.close()
