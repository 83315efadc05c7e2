"""Checks and normalisation of contact details, shared by forms, API and imports."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from kontor.contacts.models import DetailKind

PHONE_CHARS = re.compile(r"^[0-9+()\-/.\s]*(?:(?:ext\.?|x|Durchwahl|DW)\s*[0-9]+)?$", re.IGNORECASE)


def normalize_phone(value: str) -> str:
    """Digits only, with an international prefix (+49 or 0049) turned into the national 0, so that
    '+49 171 2345678' and '0171 2345678' compare equal. Other country codes keep their digits."""
    digits = re.sub(r"\D", "", value)
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
    if kind not in DetailKind.values:
        raise ValidationError(_("Unknown type of contact detail."))
    if len(value) > 300:
        raise ValidationError(_("At most 300 characters."))
    if kind == DetailKind.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            message = _("“%(value)s” is not a valid e-mail address.") % {"value": value}
            raise ValidationError(message) from None
        return value, value.lower()
    if kind in (DetailKind.PHONE, DetailKind.MOBILE, DetailKind.FAX):
        if not PHONE_CHARS.match(value) or not re.search(r"\d", value):
            raise ValidationError(_("“%(value)s” is not a valid phone number.") % {"value": value})
        return value, normalize_phone(value)
    if kind == DetailKind.WEBSITE:
        url = value if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE) else f"https://{value}"
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(_("“%(value)s” is not a valid web address.") % {"value": value}) from None
        return url, url.lower()
    return value, value.lower()
