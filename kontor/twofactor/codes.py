"""The codes of two-factor login, as pure functions: TOTP (RFC 6238) and recovery codes.

TOTP uses what every authenticator app expects: SHA-1, 30-second steps, 6 digits. A code is
accepted for its own step and one step either side (clock drift between phone and server); the
step it matched is returned so that the caller can refuse it a second time (no replay).
Recovery codes are random, shown once, and stored only as a keyed digest (HMAC with SECRET_KEY),
so that a copy of the database alone cannot be used to log in.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import unicodedata

import pyotp
import segno
from django.conf import settings
from django.utils.crypto import salted_hmac

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps either side of now
ISSUER = "Kontor"
RECOVERY_CODE_COUNT = 10
# Without 0/o, 1/l/i: easy to read off paper and type. 10 of 31 symbols: about 50 bits each.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 10

TOTP_PATTERN = re.compile(rf"[0-9]{{{DIGITS}}}")
RECOVERY_PATTERN = re.compile(rf"[{RECOVERY_ALPHABET}]{{{RECOVERY_LENGTH}}}")


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def step_at(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, moment: dt.datetime) -> str:
    """The code an authenticator app shows at that moment (for tests and the set-up check)."""
    return _totp(secret).at(moment)


def matching_step(secret: str, code: str, moment: dt.datetime) -> int | None:
    """The time step (within the window around moment) whose code is `code`, else None."""
    if not TOTP_PATTERN.fullmatch(code):
        return None
    totp, now = _totp(secret), step_at(moment)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, email: str) -> str:
    return _totp(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth:// link as an inline SVG QR code: drawn here, no outside service sees the secret."""
    return segno.make(uri, error="m").svg_inline(scale=5, omitsize=True)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalize(code: str) -> str:
    """What the user typed, without spaces and dashes, lower case ("123 456", "ABCDE-FGHJK"); digits
    typed in full width (an East Asian keyboard) become ASCII digits."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", code or "")).lower()


def new_recovery_codes() -> list[str]:
    return ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
            for _ in range(RECOVERY_CODE_COUNT)]


def shown(recovery_code: str) -> str:
    half = RECOVERY_LENGTH // 2
    return f"{recovery_code[:half]}-{recovery_code[half:]}"


def recovery_digests(code: str) -> list[str]:
    """The stored forms a recovery code may have: under SECRET_KEY, and under each fallback key
    (so that rotating SECRET_KEY does not void the codes people keep on paper)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac("kontor.twofactor.recovery", code, secret=key, algorithm="sha256").hexdigest()
            for key in keys]


def is_recovery_code(code: str) -> bool:
    return bool(RECOVERY_PATTERN.fullmatch(code))
