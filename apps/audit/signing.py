"""The Ed25519 checkpoint key. It lives outside the database (a file or an environment
setting) so that whoever can rewrite the tables still cannot forge a checkpoint."""

import base64
import hashlib
import os
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.audit.canonical import micros


def _load_private(text: bytes) -> Ed25519PrivateKey:
    text = text.strip()
    if text.startswith(b"-----BEGIN"):
        key = serialization.load_pem_private_key(text, password=None)
    else:
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("AUDIT_SIGNING_KEY must be an Ed25519 private key")
    return key


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: two processes starting together must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


@cache
def private_key() -> Ed25519PrivateKey:
    if settings.AUDIT_SIGNING_KEY:
        return _load_private(settings.AUDIT_SIGNING_KEY.encode())
    path = Path(settings.AUDIT_SIGNING_KEY_FILE)
    if not path.exists():
        if not settings.AUDIT_SIGNING_KEY_AUTOCREATE:
            raise ImproperlyConfigured(f"audit signing key file {path} does not exist")
        _generate(path)
    return _load_private(path.read_bytes())


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_pem(key: Ed25519PublicKey | None = None) -> str:
    key = key or public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey | None = None) -> str:
    raw = (key or public_key()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_pem(text: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(text.encode() if isinstance(text, str) else text)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """The current public key and retired ones (AUDIT_RETIRED_PUBLIC_KEY_FILES), by key id,
    so that checkpoints signed before a key rotation still verify."""
    keys = {key_id(): public_key()}
    for path in settings.AUDIT_RETIRED_PUBLIC_KEY_FILES:
        key = load_public_pem(Path(path).read_bytes())
        keys[key_id(key)] = key
    return keys


def message(kind: str, seq: int, chain_hash: bytes, created_at) -> bytes:
    """What a checkpoint signature covers."""
    return f"pdp-audit:{kind}:v1:{seq}:{chain_hash.hex()}:{micros(created_at)}".encode()


def sign(data: bytes) -> bytes:
    return private_key().sign(data)


def is_valid(key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
