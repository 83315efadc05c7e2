"""Sealing small secrets (the TOTP keys) so that a copy of the database alone does not give them
away: they are encrypted and authenticated with keys derived from SECRET_KEY.

The construction uses the standard library only (Kontor has no runtime dependency on a crypto
package): a keystream of HMAC-SHA256(encryption key, nonce || counter) blocks XORed with the
plain text, then HMAC-SHA256(MAC key, version || nonce || cipher text) over the result
(encrypt-then-MAC). Both keys are derived from SECRET_KEY with distinct labels. Opening also
tries SECRET_KEY_FALLBACKS, so that a rotated SECRET_KEY keeps two-factor login working while the
old key is listed there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

VERSION = b"k1"
NONCE_BYTES = 16
TAG_BYTES = 32


class SealBroken(Exception):
    """The sealed text was altered, or sealed under a SECRET_KEY that is no longer configured."""


def _keys(secret_key: str) -> tuple[bytes, bytes]:
    root = hashlib.sha256(f"kontor.twofactor.sealing:{secret_key}".encode()).digest()
    return (hmac.new(root, b"encrypt", hashlib.sha256).digest(),
            hmac.new(root, b"authenticate", hashlib.sha256).digest())


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
              for counter in range(-(-length // 32)))
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(plain: str) -> str:
    encrypt_key, mac_key = _keys(settings.SECRET_KEY)
    nonce = secrets.token_bytes(NONCE_BYTES)
    data = plain.encode()
    cipher = _xor(data, _keystream(encrypt_key, nonce, len(data)))
    tag = hmac.new(mac_key, VERSION + nonce + cipher, hashlib.sha256).digest()
    return VERSION.decode() + "$" + base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def unseal(sealed: str) -> str:
    version, _, payload = sealed.partition("$")
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
    except ValueError as error:
        raise SealBroken from error
    if version.encode() != VERSION or len(raw) < NONCE_BYTES + TAG_BYTES:
        raise SealBroken
    nonce, cipher, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        encrypt_key, mac_key = _keys(secret_key)
        expected = hmac.new(mac_key, VERSION + nonce + cipher, hashlib.sha256).digest()
        if hmac.compare_digest(expected, tag):
            return _xor(cipher, _keystream(encrypt_key, nonce, len(cipher))).decode()
    raise SealBroken
