"""Helpers for the people and company lists: links that keep the current filters, and the links
and texts of a list row."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from kontor.contacts.queries import RowData
from kontor.contacts.templatetags.contact_links import dropbox_address, mailto_url, tel_url

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
    """The current query string with one more tag filter (and back on the first page). Every row of a
    list links its tags this way, so each name is worked out once per request."""
    request = context["request"]
    known: dict[str, str] = request.__dict__.setdefault("_kontor_query_with_tag", {})
    key = name.lower()
    if key not in known:
        query = request.GET.copy()
        tags = query.getlist("tag")
        if key not in {t.lower() for t in tags}:
            query.setlist("tag", [*tags, name])
        query.pop("page", None)
        known[key] = query.urlencode()
    return known[key]


def _row_texts(context: template.Context) -> dict[str, Any]:
    """What the rows of a list share, worked out for the first row of a request: the user's Kontor
    address (the BCC of mail links), the job line's translated pattern, and each tag's link."""
    request = context["request"]
    texts = request.__dict__.get("_kontor_row_texts")
    if texts is None:
        texts = request._kontor_row_texts = {"bcc": dropbox_address(request),
                                              "job": gettext("%(title)s at %(company)s"), "tag_links": {}}
    return texts


@register.simple_tag(takes_context=True)
def job_at(context: template.Context, job: tuple[str, str]) -> str:
    """`{% job_at person.row.job %}`: "Office Manager at Muster GmbH", or the company alone."""
    title, company = job
    if not title:
        return company
    return mark_safe(_row_texts(context)["job"] % {"title": conditional_escape(title),
                                                   "company": conditional_escape(company)})


@register.simple_tag(takes_context=True)
def row_contact(context: template.Context, row: RowData) -> str:
    """`{% row_contact obj.row %}`: a list row's e-mail address (with the user's Kontor address in
    BCC, as mailto_href) and phone number as links, or nothing when it has neither."""
    if not row.email and not row.phone:
        return ""
    email = format_html('<a href="{}">{}</a>', mailto_url(row.email, bcc=_row_texts(context)["bcc"]),
                        row.email) if row.email else ""
    phone = format_html('<a href="{}">{}</a>', tel_url(row.phone), row.phone) if row.phone else ""
    return format_html('<div class="row-contact small">{}{}</div>', email, phone)


@register.simple_tag(takes_context=True)
def row_tags(context: template.Context, names: list[str]) -> str:
    """`{% row_tags obj.row.tags %}`: a list row's tags, each a link that adds it to the filters.
    A page shows the same few tags on many rows, so each link is made once."""
    if not names:
        return ""
    links: dict[str, str] = _row_texts(context)["tag_links"]
    for name in names:
        if name not in links:
            links[name] = format_html('<a class="tag" href="?{}">{}</a>', query_with_tag(context, name), name)
    return format_html('<div class="tags row-tags">{}</div>', mark_safe("".join(links[name] for name in names)))
