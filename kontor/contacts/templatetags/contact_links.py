"""How people and companies are linked and pictured on pages: mailto:, tel: and web links,
avatars and ages. Every e-mail address on a page becomes a link through `mailto_url` with
`dropbox_address` (the `mailto_href` tag, and the list rows' `row_contact`), so that what a mail
link carries (the user's dropbox address in BCC) is decided in one place."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from urllib.parse import quote

from django import template
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info

from kontor.contacts.models import Company, Person
from kontor.lib.urls import id_url
from kontor.mail.dropbox import dropbox_for

register = template.Library()

_EXTENSION = re.compile(r"(?:ext\.?|x|durchwahl|dw)\s*\d+\s*$", re.IGNORECASE)


def mailto_url(address: str, bcc: str | None = None) -> str:
    """`mailto:` link for an address, optionally with a blind copy (RFC 6068)."""
    url = "mailto:" + quote(address.strip(), safe="@+.!$'*,;:=")
    return url + _bcc_query(bcc) if bcc else url


@functools.lru_cache(maxsize=1024)
def _bcc_query(bcc: str) -> str:
    """The user's own Kontor address as a mailto: query: the same on every link of a page."""
    return "?bcc=" + quote(bcc.strip(), safe="@+.")


def tel_url(number: str) -> str:
    """`tel:` link that phones can dial: digits and a leading plus, an extension dropped."""
    number = _EXTENSION.sub("", number)
    digits = re.sub(r"[^\d]", "", number)
    return "tel:" + ("+" + digits if number.strip().startswith("+") else digits)


def dropbox_address(request: HttpRequest | None) -> str | None:
    """The current user's Kontor address. The middleware loads the dropbox with the membership,
    so however many links a page has, this costs no query."""
    membership = getattr(request, "membership", None)
    return dropbox_for(membership).address if membership is not None else None


@register.simple_tag(takes_context=True)
def mailto_href(context: template.Context, address: str) -> str:
    """The href for an e-mail address shown to the current user: with their Kontor address in BCC,
    so that a mail written from here is filed without further thought."""
    return mailto_url(address, bcc=dropbox_address(context.get("request")))


@register.filter
def tel_href(number: str) -> str:
    return tel_url(number)


# Academic titles that imported names carry in their first or last name ("Dr. Jürgen"): an
# avatar shows "JM" for Dr. Jürgen Mueller, not "DM".
ACADEMIC_TITLE = re.compile(r"^(?:dr|prof|dipl|ing|mag|med|rer|nat|phil|jur|habil|h\.c|mba|msc|bsc)\.?(?:-\w+\.?)*$",
                            re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # a list page asks for the same first names again and again
def _first_letter(name: str) -> str:
    words = [word for word in name.split() if not ACADEMIC_TITLE.match(word)]
    return next((word[0] for word in words if word[0].isalnum()), "")


def initials_of(obj: Person | Company) -> str:
    """Two letters for an avatar: a person's first and last name (academic titles skipped), a
    company's first two words."""
    if isinstance(obj, Person):
        letters = _first_letter(obj.first_name) + _first_letter(obj.last_name)
    else:
        letters = "".join(word[0] for word in obj.name.split()[:2])
    return letters.upper()[:2] or "?"


@register.filter
def initials(obj: Person | Company) -> str:
    return initials_of(obj)


def photo_url(obj: Person | Company) -> str:
    """The access-checked photo address; the file's random name in the query string changes with
    every new photo, so browsers may cache each version for long."""
    if not obj.photo:
        return ""
    namespace = "people" if isinstance(obj, Person) else "companies"
    version = (obj.photo.name or "").rsplit("/", 1)[-1].split(".", 1)[0]
    return f"{id_url(f'{namespace}:photo', obj.pk)}?v={version}"


@register.simple_tag
def avatar(obj: Person | Company, size: str = "") -> SafeString:
    """`{% avatar person %}`, `{% avatar company "large" %}`: the photo, or the initials in a circle.
    Built here rather than in a template, with plain string formatting: list pages show one per row."""
    classes = "avatar"
    if size:
        classes += f" avatar-{html.escape(size)}"
    if isinstance(obj, Company):
        classes += " avatar-company"
    url = photo_url(obj)
    if url:
        pixels = 72 if size == "large" else 40
        return SafeString(f'<span class="{classes}" aria-hidden="true"><img src="{html.escape(url)}" alt="" '
                          f'loading="lazy" width="{pixels}" height="{pixels}"></span>')
    return SafeString(f'<span class="{classes}" aria-hidden="true">{html.escape(initials_of(obj))}</span>')


@register.filter
def age(birthday: dt.date | None) -> int | None:
    """Age in whole years today, or None for no or an implausible birthday."""
    if not birthday:
        return None
    today = timezone.localdate()
    years = today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))
    return years if 0 <= years < 130 else None


@register.filter
def language_name(code: str) -> str:
    """A person's language as a word in the reader's language ("de" → "Deutsch" for a German
    reader, "German" for an English one); text that is not a known code stays as it was typed."""
    try:
        return str(get_language_info(code.strip().lower())["name_translated"])
    except KeyError:
        return code
