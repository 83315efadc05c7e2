"""Checks and normalisation of contact details, shared by forms, API and imports."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from kontor.contacts.models import DetailKind

PHONE_CHARS = re.compile(r"^[0-9+()\-/.\s]*(?:(?:ext\.?|x|Durchwahl|DW)\s*[0-9]+)?$", re.IGNORECASE)
HAS_DIGIT = re.compile(r"\d")
NOT_DIGIT = re.compile(r"\D")
HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# Plain strings, read once: an import checks hundreds of thousands of details, and asking the
# enum for its values (or members) on every call cost a fifth of the import's reading time.
# Tuples, not sets: callers may pass DetailKind members, which hash by name, not by value.
DETAIL_KINDS = tuple(str(kind) for kind in DetailKind.values)
EMAIL, WEBSITE = str(DetailKind.EMAIL.value), str(DetailKind.WEBSITE.value)
PHONE_KINDS = tuple(str(kind.value) for kind in (DetailKind.PHONE, DetailKind.MOBILE, DetailKind.FAX))
validate_url = URLValidator(schemes=["http", "https"])
# Plain ASCII addresses (nearly all of them) that Django's validate_email certainly accepts: a
# dot-atom of common characters, host names without leading or trailing dashes, a letter TLD.
# They skip the validator, which is several times slower; anything else still goes through it.
PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,63}")


def normalize_phone(value: str) -> str:
    """Digits only, with an international prefix (+49 or 0049) turned into the national 0, so that
    '+49 171 2345678' and '0171 2345678' compare equal. Other country codes keep their digits."""
    digits = NOT_DIGIT.sub("", value)
    if value.strip().startswith("+"):
        digits = "00" + digits
    if digits.startswith("0049"):
        digits = "0" + digits[4:]
    return digits


def clean_detail(kind: str, value: str) -> tuple[str, str]:
    """Returns (value as stored, normalized form), or raises ValidationError with a message."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Please enter a value."))
    if kind not in DETAIL_KINDS:
        raise ValidationError(_("Unknown type of contact detail."))
    if len(value) > 300:
        raise ValidationError(_("At most 300 characters."))
    if kind == EMAIL:
        if PLAIN_EMAIL.fullmatch(value):  # within 320 characters: longer values were refused above
            return value, value.lower()
        try:
            validate_email(value)
        except ValidationError:
            message = _("“%(value)s” is not a valid e-mail address.") % {"value": value}
            raise ValidationError(message) from None
        return value, value.lower()
    if kind in PHONE_KINDS:
        if not PHONE_CHARS.match(value) or not HAS_DIGIT.search(value):
            raise ValidationError(_("“%(value)s” is not a valid phone number.") % {"value": value})
        return value, normalize_phone(value)
    if kind == WEBSITE:
        url = value if HAS_SCHEME.match(value) else f"https://{value}"
        try:
            validate_url(url)
        except ValidationError:
            raise ValidationError(_("“%(value)s” is not a valid web address.") % {"value": value}) from None
        return url, url.lower()
    return value, value.lower()
