"""Short forms of stored text: for search titles, activity lines and the like."""

from __future__ import annotations

import html
import re

from django.utils.html import escape, strip_tags, urlize
from django.utils.safestring import SafeString

HTML_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
# What Django's urlize must find in a text before it can make a link of any word in it: a scheme,
# "www.", the "@" of an address, a top-level domain it links without a scheme (its simple_url_2_re),
# or an entity, which it unescapes before looking.
_LINK_HINT = re.compile(r"http|www\.|@|\.(?:com|edu|gov|int|mil|net|org)|&", re.IGNORECASE)


def plain_text(text: str) -> str:
    """Plain text of a body that may be (cleaned) HTML, such as a filed e-mail."""
    if "<" in text and HTML_TAG.search(text):
        text = html.unescape(strip_tags(text))
    return text


def first_line(text: str, limit: int = 120) -> str:
    """The first line with any text in it, stripped and cut to `limit` characters."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:limit]


def linkify(text: str) -> SafeString:
    """What the template filter `urlize` makes of plain text (links with rel="nofollow", the rest
    escaped), with the common case quick: a note with nothing a link could be made of is only
    escaped, where urlize splits it into words and inspects each (a quarter of a millisecond for a
    note of a few sentences, 25 notes a page)."""
    if _LINK_HINT.search(text):
        return SafeString(urlize(text, nofollow=True, autoescape=True))
    return escape(text)
