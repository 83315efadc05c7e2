"""Short forms of stored text: for search titles, activity lines and the like."""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

HTML_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def plain_text(text: str) -> str:
    """Plain text of a body that may be (cleaned) HTML, such as a filed e-mail."""
    if "<" in text and HTML_TAG.search(text):
        text = html.unescape(strip_tags(text))
    return text


def first_line(text: str, limit: int = 120) -> str:
    """The first line with any text in it, stripped and cut to `limit` characters."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:limit]
