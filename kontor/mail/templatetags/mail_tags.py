"""Template helpers for filed e-mails in the history, and the dropbox card of the settings page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.history.models import Entry, EntryKind
from kontor.mail.dropbox import dropbox_for
from kontor.mail.forwards import QUOTE_PREFIX
from kontor.mail.models import EmailMessage

register = template.Library()

# How much of an e-mail's text the timeline shows before "Show more".
FOLD_LINES = 6
FOLD_CHARS = 600
# Recipients named before "and N more".
SHOWN_ADDRESSES = 4


@register.filter
def email_of(entry: Entry) -> EmailMessage | None:
    """The e-mail details of an entry of kind e-mail (loaded with the timeline), else None."""
    if entry.kind != EntryKind.EMAIL:
        return None
    try:
        return entry.email
    except ObjectDoesNotExist:
        return None


@register.filter
def without_inline_images(files: list[Any], entry: Entry) -> list[Any]:
    """An e-mail's files without the images its HTML shows inline (a logo in the signature): they
    belong to the "View as HTML" page, not among the attachments."""
    email = email_of(entry)
    inline = set((email.inline_files or {}).values()) if email is not None else set()
    return [file for file in files if file.pk not in inline] if inline else files


@register.filter
def calendar_event(email: EmailMessage | None) -> dict[str, str] | None:
    """A calendar invitation's event as the timeline shows it: what kind of message ("Invitation",
    "Cancelled", "Reply"), what, when (in the reader's time zone and language) and where."""
    event = email.event if email is not None else None
    if not event or not isinstance(event, dict):
        return None
    labels = {"REQUEST": _("Invitation"), "CANCEL": _("Cancelled"), "REPLY": _("Reply to an invitation"),
              "COUNTER": _("New time proposed")}
    return {"label": labels.get(str(event.get("method") or ""), _("Event")),
            "summary": str(event.get("summary") or ""), "when": _event_time(event),
            "location": str(event.get("location") or "")}


def _event_time(event: dict[str, Any]) -> str:
    start, end = _when(event.get("start")), _when(event.get("end"))
    if start is None:
        return ""
    if event.get("all_day"):
        # All-day events run from midnight to midnight: the last day is the one before the end.
        last = (end - dt.timedelta(days=1)).date() if end is not None and end > start else start.date()
        first = start.date()
        if last == first:
            return formats.date_format(first, "DATE_FORMAT")
        return f"{formats.date_format(first, 'DATE_FORMAT')} – {formats.date_format(last, 'DATE_FORMAT')}"
    start = timezone.localtime(start)
    shown = formats.date_format(start, "DATETIME_FORMAT")
    if end is None or end <= start:
        return shown
    end = timezone.localtime(end)
    if end.date() == start.date():
        return f"{shown} – {formats.time_format(end, 'TIME_FORMAT')}"
    return f"{shown} – {formats.date_format(end, 'DATETIME_FORMAT')}"


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _one(name: str, address: str) -> str:
    return f"{name} <{address}>" if name and address else name or address


@register.filter
def sender_line(email: EmailMessage) -> str:
    """"Anna Berger <anna@berger.example>"."""
    return _one(email.from_name, email.from_email)


@register.filter
def sender_name(email: EmailMessage | None) -> str:
    """Who wrote a contact's mail, for the place where a colleague's name stands."""
    if email is None:
        return ""
    return email.from_name or email.from_email


@register.filter
def address_line(pairs: list[list[str]]) -> str:
    """Recipients as one line: names where known, else addresses; "and 3 more" after a few."""
    names = [pair[0] or pair[1] for pair in pairs if len(pair) == 2 and (pair[0] or pair[1])]
    if len(names) <= SHOWN_ADDRESSES + 1:
        return ", ".join(names)
    return _("%(names)s and %(count)s more") % {"names": ", ".join(names[:SHOWN_ADDRESSES]),
                                                "count": len(names) - SHOWN_ADDRESSES}


# Where the writer's own words end: the signature delimiter ("-- "), and the line that opens a
# quoted reply ("Am 3. Dezember 2026 um 10:12 schrieb Anna Berger <…>:", "On … wrote:"). Forward
# markers are left alone: below them is the forwarded mail, the substance of the entry.
SIGNATURE_LINE = re.compile(r"^(?:-- ?|__)$")
REPLY_INTRO = re.compile(r"^(?:Am|On|Le|El|Il) [^\n]{1,250}(?:schrieb|wrote|a écrit|escribió|ha scritto)[^\n]{0,250}:$")


def _end_of_own_words(lines: list[str]) -> int:
    """The index of the first line of signature or quoted reply within the first FOLD_LINES
    lines, when someone wrote something above it; otherwise FOLD_LINES."""
    for number, line in enumerate(lines[:FOLD_LINES]):
        stripped = line.rstrip()
        if number and (SIGNATURE_LINE.match(stripped) or QUOTE_PREFIX.match(stripped)
                       or (len(stripped) <= 500 and REPLY_INTRO.match(stripped.strip()))):
            return number if any(above.strip() for above in lines[:number]) else FOLD_LINES
    return FOLD_LINES


@register.filter
def fold_text(text: str) -> tuple[str, str]:
    """The first lines of a text and the rest ("" when it is short): the timeline shows the first
    and keeps the rest behind "Show more". A signature or quoted reply that starts within those
    lines goes behind "Show more" too: it is what the team has read before, or noise."""
    lines = text.strip().splitlines()
    shown = _end_of_own_words(lines)
    head, rest = "\n".join(lines[:shown]), "\n".join(lines[shown:])
    if len(head) > FOLD_CHARS:
        cut = head.rfind(" ", 0, FOLD_CHARS)
        cut = cut if cut > FOLD_CHARS // 2 else FOLD_CHARS
        head, rest = head[:cut], head[cut:] + ("\n" + rest if rest else "")
    return head.rstrip(), rest.strip()


@register.filter
def can_mark_confidential(membership: Membership | None) -> bool:
    return membership is not None and roles.can_read_confidential(membership.role)


@register.inclusion_tag("mail/_dropbox_card.html", takes_context=True)
def dropbox_card(context: template.Context) -> dict[str, Any]:
    """"Your Kontor address" with its copy button and instructions, for the settings page."""
    membership = context.get("membership") or getattr(context.get("request"), "membership", None)
    return {"dropbox": dropbox_for(membership) if membership is not None else None,
            "csrf_token": context.get("csrf_token")}
