"""SSRF defence: a webhook URL must be https:// and every address its host resolves to
must be public. Checked when an endpoint is registered and again at each send, and the
request then goes to the address that was checked (pinned), so a DNS answer that
changes between the check and the connection (rebinding) cannot reach the inside.

WEBHOOKS_ALLOW_INSECURE_LOOPBACK (tests only; production refuses it) lets
http://127.0.0.1:<port> through, for a local test receiver.
"""

import http.client
import ipaddress
import math
import socket
import ssl
import time
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
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local:  # fec0::/10: deprecated, yet routed inside by some networks
            return True
        if ip.sixtofour and address_refused(str(ip.sixtofour)):
            return True  # 2002:7f00:1::, 6to4 of 127.0.0.1, counts as "global" in ipaddress
        ip = ip.ipv4_mapped or ip
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


class _DeadlineSocket(socket.socket):
    """A socket whose receives all end by `deadline` (a time.monotonic() value). The
    timeout alone bounds each wait: a receiver that sent its headers a byte every few
    seconds held the worker 20 times the timeout, and as long as it liked in general."""

    deadline = math.inf

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the receiver did not answer in time")
        return left

    def recv_into(self, buffer, nbytes=0, flags=0):
        self.settimeout(self._left())
        return super().recv_into(buffer, nbytes, flags)

    def recv(self, bufsize, flags=0):
        self.settimeout(self._left())
        return super().recv(bufsize, flags)


class _DeadlineSSLSocket(ssl.SSLSocket):
    """The TLS layer over a `_DeadlineSocket`, with the same deadline on its reads."""

    deadline = math.inf
    _left = _DeadlineSocket._left

    def recv_into(self, buffer, nbytes=None, flags=0):
        self.settimeout(self._left())
        return super().recv_into(buffer, nbytes, flags)

    def recv(self, buflen=1024, flags=0):
        self.settimeout(self._left())
        return super().recv(buflen, flags)


def _connect(address: str, port: int, deadline: float) -> _DeadlineSocket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = _DeadlineSocket(family, socket.SOCK_STREAM)
    sock.deadline = deadline
    try:
        sock.settimeout(sock._left())
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to the checked address, with the URL's host name for SNI and the certificate;
    connecting, the handshake and the answer all within one deadline."""

    def __init__(self, target: Target, deadline: float):
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineSSLSocket
        super().__init__(target.host, target.port, context=context)
        self._address, self._deadline = target.address, deadline

    def connect(self) -> None:
        sock = _connect(self._address, self.port, self._deadline)
        try:
            sock.settimeout(sock._left())
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock.deadline = self._deadline


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, deadline: float):
        super().__init__(target.host, target.port)
        self._address, self._deadline = target.address, deadline

    def connect(self) -> None:
        self.sock = _connect(self._address, self.port, self._deadline)


def post(target: Target, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POSTs `body` to the checked target; redirects are answers, never followed.
    Returns the status and the start of the response body. The whole exchange takes at
    most WEBHOOKS_TIMEOUT_SECONDS (TimeoutError, an OSError, past it)."""
    deadline = time.monotonic() + settings.WEBHOOKS_TIMEOUT_SECONDS
    conn = (_PinnedHTTPS if target.tls else _PinnedHTTP)(target, deadline)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        snippet = response.read(512).decode("utf-8", "replace")
        return response.status, snippet
    finally:
        conn.close()
