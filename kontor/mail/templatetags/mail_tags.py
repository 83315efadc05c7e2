"""Template helpers for filed e-mails in the history, and the dropbox card of the settings page."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.history.models import Entry, EntryKind
from kontor.mail.dropbox import dropbox_for
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
        return entry.email  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None


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


@register.filter
def fold_text(text: str) -> tuple[str, str]:
    """The first lines of a text and the rest ("" when it is short): the timeline shows the first
    and keeps the rest behind "Show more"."""
    lines = text.strip().splitlines()
    head, rest = "\n".join(lines[:FOLD_LINES]), "\n".join(lines[FOLD_LINES:])
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
