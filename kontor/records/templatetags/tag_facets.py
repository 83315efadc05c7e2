"""The tag counts in a list's side column follow the list's filter (kontor/records/tag_counts.py):

    {% filtered_tag_counts "person" as facet %}   None while no filter is on
    {{ tag|facet_count:facet }}                   the filtered count, or the stored one
    {% tag_counts_oob "person" %}                 the counts again for htmx to swap in place
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import template

from kontor.accounts.requests import membership_of, request_of
from kontor.records import tag_counts
from kontor.records.models import Kind, Tag

register = template.Library()


def _filtered_items(context: template.Context, kind: str) -> Any:
    filters = context.get("filters")
    if filters is None or not filters.is_filtered:
        return None
    account = membership_of(context).account
    # People and companies share one filter class that takes the kind; deals and projects have their own.
    return filters.apply(account, kind) if kind in (Kind.PERSON, Kind.COMPANY) else filters.apply(account)


@register.simple_tag(takes_context=True)
def filtered_tag_counts(context: template.Context, kind: str) -> dict[str, int] | None:
    """How many records of the filtered list carry each tag; None while the list is not filtered."""
    items = _filtered_items(context, kind)
    return None if items is None else tag_counts.counted_within(items)


@register.filter
def facet_count(tag: Any, facet: dict[str, int] | None) -> int:
    """A side-column tag's count (a dict with name and count, or a Tag with .count)."""
    name = tag["name"] if isinstance(tag, dict) else tag.name
    stored = tag["count"] if isinstance(tag, dict) else getattr(tag, "count", 0)
    return stored if facet is None else facet.get(str(name).lower(), 0)


@register.filter
def tag_count_id(tag: Any) -> str:
    """A stable element id for a tag's count, made from its name (ids cannot hold every character)."""
    name = tag["name"] if isinstance(tag, dict) else tag.name
    return "tagcount-" + hashlib.sha1(str(name).lower().encode(), usedforsecurity=False).hexdigest()[:12]


@register.inclusion_tag("records/_tag_counts_oob.html", takes_context=True)
def tag_counts_oob(context: template.Context, kind: str) -> dict[str, Any]:
    """For an htmx answer: every tag's count under the new filter, each swapped into the side column
    by its id (the column itself stays, with the focus on the tag just ticked)."""
    if not getattr(request_of(context), "htmx", False):
        return {"tags": []}
    tags = tag_counts.counted(Tag.objects.filter(account=membership_of(context).account), kind)
    return {"tags": tags, "facet": filtered_tag_counts(context, kind)}
