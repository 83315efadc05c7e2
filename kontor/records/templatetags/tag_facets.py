"""The tag counts in a list's side column follow the list's filter (kontor/records/tag_counts.py).

Counting the tags of a filtered list reads every tagging of the records it selects (29,000 people
for a common tag of 100,000): that costs as much as the list itself. So the list is shown first,
with the stored counts while no filter is on and empty counts while one is, and a loader asks the
same list URL with `tagcounts=1` for the filtered counts, which htmx swaps in by their ids:

    {% tag_choices tag_filter %}      the side column's tags, with the stored count while no filter
                                      is on and an empty one while the filtered count loads
    {{ tag|facet_count:facet }}       a count as the loader's answer swaps it in (_tag_counts_oob.html)
    {% tag_counts_oob "person" %}     the loader, on a filtered page and in htmx answers
"""

from __future__ import annotations

import functools
import hashlib
import html
from typing import Any

from django import template
from django.utils.safestring import SafeString

from kontor.accounts.requests import request_of

register = template.Library()


PENDING: dict[str, int] = {}


def _is_filtered(context: template.Context) -> bool:
    filters = context.get("filters")
    return filters is not None and filters.is_filtered


def _facet(context: template.Context) -> dict[str, int] | None:
    """None while the list is not filtered (the stored counts are right), PENDING while it is (the
    loader fetches the filtered counts once the list is shown)."""
    return PENDING if _is_filtered(context) else None


@register.filter
def facet_count(tag: Any, facet: dict[str, int] | None) -> int | str:
    """A side-column tag's count (a dict with name and count, or a Tag with .count): the filtered
    count, the stored one while no filter is on, or "" while the filtered one is still loading."""
    name = tag["name"] if isinstance(tag, dict) else tag.name
    stored = tag["count"] if isinstance(tag, dict) else getattr(tag, "count", 0)
    if facet is None:
        return stored
    return "" if facet is PENDING else facet.get(str(name).lower(), 0)


@register.filter
def tag_count_id(tag: Any) -> str:
    """A stable element id for a tag's count, made from its name (ids cannot hold every character)."""
    return _count_id(str(tag["name"] if isinstance(tag, dict) else tag.name))


@functools.lru_cache(maxsize=4096)
def _count_id(name: str) -> str:
    return "tagcount-" + hashlib.sha1(name.lower().encode(), usedforsecurity=False).hexdigest()[:12]


@register.simple_tag(takes_context=True)
def tag_choices(context: template.Context, tags: list[dict[str, Any]]) -> SafeString:
    """`{% tag_choices tag_filter %}`: the side column's tags (records/filters.tag_filter), each a
    checkbox with its count, written once here rather than by eight nodes a tag: a list page shows
    every tag of the account."""
    facet = _facet(context)
    choices = []
    for tag in tags:
        name, count = html.escape(str(tag["name"])), facet_count(tag, facet)
        checked = " checked" if tag["checked"] else ""
        zero = "" if count else " is-zero"
        choices.append(f'<li><label><input type="checkbox" name="tag" value="{name}"{checked}> '
                       f'<span class="tagfilter-name">{name}</span></label><span class="count{zero}" '
                       f'id="{_count_id(str(tag["name"]))}">{count}</span></li>')
    return SafeString("\n".join(choices))


def _loader_url(context: template.Context) -> str:
    request = request_of(context)
    query = request.GET.copy()
    query.pop("page", None)
    query["tagcounts"] = "1"
    return f"{request.path}?{query.urlencode()}"


@register.inclusion_tag("records/_tag_counts_oob.html", takes_context=True)
def tag_counts_oob(context: template.Context, kind: str) -> dict[str, Any]:
    """At the end of a list (the page and its htmx answers): the loader, which asks the list's URL
    with `tagcounts=1` for the counts once the list is shown, wherever the side column's counts may
    be out of date: on a filtered page, and after every htmx answer (a filter ticked or unticked;
    the column itself stays, with the focus on the tag just ticked)."""
    if _is_filtered(context) or getattr(request_of(context), "htmx", False):
        return {"loader_url": _loader_url(context)}
    return {}
