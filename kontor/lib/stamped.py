"""Fragments of a page's rows that differ only by the row's id, rendered once per request; and the
skeletons of rows that differ by their texts too.

A timeline page shows 25 entries, and most of each entry's footer is the same for all of them but
for the entry's id: its edit and delete links, its paperclip form, its comment link. Rendering
that through the templates 25 times was a third of the page. `stamped()` renders the fragment
once with a stand-in id and gives each row a copy with its own id put in.

The caller keys the fragment by everything else it depends on (the record, the permissions, the
language) and uses it only where the row has nothing of its own (no comments, no files, no error
to show); otherwise it renders the template as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from django.conf import settings
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


class KeptFragments:
    """Fragments rendered once per process, by a key that holds everything they show (the
    language, the user, the permissions, ...), with stand-ins for what differs per page (ids, the
    CSRF token) that the caller puts in. They are renderings of their keys, not shared state: every
    process renders the same for the same key. With DEBUG on (templates edited while Kontor runs)
    they are rendered every time. Beyond `limit` keys the store starts afresh."""

    def __init__(self, limit: int = 256) -> None:
        self._fragments: dict[Hashable, str] = {}
        self._limit = limit

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        if settings.DEBUG:
            return render()
        fragment = self._fragments.get(key)
        if fragment is None:
            if len(self._fragments) >= self._limit:
                self._fragments.clear()  # a thread between its get and its store keeps its own copy
            fragment = self._fragments[key] = render()
        return fragment


# -- skeletons: a row template rendered once, each row's texts put in -------------------------------------
#
# A list of 50 or 100 rows rendered row by row through a template costs most of the page: every
# variable of every row is looked up, filtered and escaped by the template engine. A skeleton is the
# row template rendered once per page with `mark(name)` for each of the row's texts and STAND_IN
# for its id, turned into a %-format string; each row is then `skeleton % its_texts`, with its
# texts escaped by the caller (plain `html.escape`).

def mark(name: str) -> SafeString:
    """A stand-in for a row's text in a skeleton: no template text, translation or URL contains it."""
    return SafeString(f"\ue000{name}\ue000")


def skeleton(rendered: str, parts: Iterable[str]) -> str:
    """A row template's output, rendered with `mark(name)` for each of `parts` and STAND_IN for the
    id, as a %-format string of the parts and `id`: every "%" doubled (a translation or URL may have
    one), then "%(id)s" where the id stood and "%(name)s" where each part's stand-in stood."""
    text = rendered.replace("%", "%%").replace(_STAND_IN_TEXT, "%(id)s")
    for name in parts:
        text = text.replace(mark(name), f"%({name})s")
    return text
