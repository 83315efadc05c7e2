"""Helpers for the people and company lists: links that keep the current filters, and the rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from kontor.contacts import rows
from kontor.contacts.models import Company, Person
from kontor.records import filters
from kontor.records.models import CustomField

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None or "" removes them), e.g. the
    next page of a filtered list: `?{% query_with page=3 %}`."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_without_tag(context: template.Context, name: str) -> str:
    """The current query string with one tag filter taken out (and back on the first page)."""
    query = context["request"].GET.copy()
    query.setlist("tag", [t for t in query.getlist("tag") if t.lower() != name.lower()])
    query.pop("page", None)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def query_with_tag(context: template.Context, name: str) -> str:
    """The current query string with one more tag filter (and back on the first page)."""
    return filters.query_with_tag(context["request"], name)


@register.simple_tag(takes_context=True)
def contact_rows(context: template.Context, items: Sequence[Person] | Sequence[Company],
                 column: CustomField | None = None) -> SafeString:
    """`{% contact_rows page.items column %}`: the rows of a page of people or companies
    (contacts/rows.py)."""
    return rows.contact_rows(context["request"], items, column)
