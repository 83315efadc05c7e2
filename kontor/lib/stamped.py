"""Fragments of a page's rows that differ only by the row's id, rendered once per request.

A timeline page shows 25 entries, and most of each entry's footer is the same for all of them but
for the entry's id: its edit and delete links, its paperclip form, its comment link. Rendering
that through the templates 25 times was a third of the page. `stamped()` renders the fragment
once with a stand-in id and gives each row a copy with its own id put in.

The caller keys the fragment by everything else it depends on (the record, the permissions, the
language) and uses it only where the row has nothing of its own (no comments, no files, no error
to show); otherwise it renders the template as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# An id no row reaches, and no other part of a fragment contains.
STAND_IN = 987_654_321_077
_STAND_IN_TEXT = str(STAND_IN)


def stamped(request: HttpRequest | None, key: Hashable, render: Callable[[int], str], pk: int) -> SafeString:
    """`render(id)`'s HTML for the row `pk`: rendered once per request (and key and language) with
    STAND_IN as the id, then copied with `pk` in its place. Without a request, rendered directly."""
    if request is None:
        return SafeString(render(pk))  # templates' output, escaped there
    cache: dict[Hashable, str] = request.__dict__.setdefault("_kontor_stamped", {})
    full_key = (key, get_language())
    if full_key not in cache:
        cache[full_key] = str(render(STAND_IN))
    return stamp(cache[full_key], pk)


def stamp(fragment: str, pk: int) -> SafeString:
    """A fragment rendered with STAND_IN (and escaped there), with `pk` in its place."""
    return SafeString(fragment.replace(_STAND_IN_TEXT, str(pk)))
