"""The signature a receiver checks (README "Webhooks"):

    X-Webhook-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>[, v1=<...>]

one `v1=` per valid secret (two during a rotation's grace period)."""

import hashlib
import hmac
import json
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)


def secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def body_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets_: list[str], timestamp: int, body: bytes) -> str:
    return ", ".join(f"v1={signature(s, timestamp, body)}" for s in secrets_)


def verify(secret: str, header: str, timestamp: str, body: bytes) -> bool:
    """What a receiver does (the README recipe, used by the tests' receiver)."""
    expected = signature(secret, int(timestamp), body)
    given = [part.strip()[3:] for part in header.split(",") if part.strip().startswith("v1=")]
    return any(hmac.compare_digest(expected, g) for g in given)
