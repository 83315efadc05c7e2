"""Suggestions for @mentions in notes and comments: the colleagues whose name or address starts
with what was typed after "@", each with the text that names them unambiguously the way
kontor.notifications.actions.mentioned reads a mention back ("@Ben Berger", or "@ben.berger"
when another colleague is also called Ben)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kontor.accounts.models import Membership
from kontor.notifications.actions import colleagues
from kontor.search.folding import fold

MAX_SUGGESTIONS = 8
MAX_QUERY_LENGTH = 50
# One word as notifications.actions.MENTION reads it.
_WORD = re.compile(r"[\w.\-]+")


@dataclass(frozen=True)
class Suggestion:
    membership: Membership
    text: str  # what goes into the note, "@" included


def _names(membership: Membership) -> set[str]:
    """The lower-case words a mention of this colleague may use (as notifications.actions.mentioned)."""
    user = membership.user
    return {user.name.lower(), (user.name.split() or [""])[0].lower(), user.email.split("@")[0].lower()}


def _mention_text(membership: Membership, others: list[Membership]) -> str:
    """"@" and the full name when its first word names nobody else; otherwise the address's local
    part, which is unique in practice. A mention is read as at most two words, the first of which
    alone suffices, so the first word decides."""
    user = membership.user
    taken = set().union(*(_names(other) for other in others if other.pk != membership.pk))
    first = (user.name.split() or [""])[0]
    if _WORD.fullmatch(first) and first.lower() not in taken and user.name.lower() not in taken:
        return f"@{user.name}"
    local = user.email.split("@")[0]
    if _WORD.fullmatch(local) and local.lower() not in taken:
        return f"@{local}"
    return f"@{user.name}"


def _matches(membership: Membership, query: str) -> bool:
    """Whether a word of the name, or the address, starts with the query (case and umlauts aside)."""
    user = membership.user
    words = [*fold(user.name).split(), fold(user.name), fold(user.email)]
    return any(word.startswith(query) for word in words)


def suggest(by: Membership, query: str) -> list[Suggestion]:
    """The active colleagues of `by`'s account (never `by`) matching `query`, by name. An empty
    query lists the first of them; a team has at most some dozens, so they are read in one query
    and matched here."""
    query = fold(query.strip().lstrip("@")[:MAX_QUERY_LENGTH])
    team = colleagues(by)
    found = [membership for membership in team if _matches(membership, query)]
    return [Suggestion(membership, _mention_text(membership, team)) for membership in found[:MAX_SUGGESTIONS]]
