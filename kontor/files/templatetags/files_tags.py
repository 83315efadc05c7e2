"""Template helpers for files: the Files card of record pages, the files under history entries."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kontor.accounts.models import Membership
from kontor.accounts.requests import membership_of
from kontor.files import actions, queries, quota
from kontor.files.models import Attachment
from kontor.history.models import Entry
from kontor.records.models import Record

register = template.Library()


def _membership(context: template.Context) -> Membership:
    return context.get("membership") or membership_of(context)


@register.inclusion_tag("files/_record_files.html", takes_context=True)
def record_files(context: template.Context, record: Record) -> dict[str, Any]:
    """`{% record_files record %}`: the Files card of a person, company, deal or project page."""
    return {**queries.record_card(_membership(context), record), "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("files/_entry_files.html", takes_context=True)
def entry_files(context: template.Context, entry: Entry, record: Record) -> dict[str, Any]:
    """`{% entry_files entry record %}`: an entry's files and its paperclip. The timelines prefetch
    the files (queries.prefetch_entry_files); a single entry costs one query."""
    return {"entry": entry, "record": record, "membership": _membership(context),
            "request": context.get("request"), "csrf_token": context.get("csrf_token")}


# An entry id no entry reaches: the paperclip is rendered with it once per page and record, then
# each entry's copy only swaps in its own id (25 forms per timeline page cost a fifth of it).
_ENTRY_STAND_IN = "987654321099"


@register.simple_tag(takes_context=True)
def entry_attach(context: template.Context, entry: Entry, record: Record) -> SafeString:
    """`{% entry_attach entry record %}`: the paperclip under an entry, a small upload form."""
    upload_error = context.get("upload_error")
    request = context.get("request")
    if upload_error or request is None:
        return render_to_string("files/_entry_attach.html", {
            "record": record, "entry_pk": entry.pk, "upload_error": upload_error,
            "csrf_token": context.get("csrf_token")})
    cache: dict[tuple[int, str], str] = request.__dict__.setdefault("_kontor_entry_attach", {})
    key = (record.pk, get_language())
    if key not in cache:
        cache[key] = render_to_string("files/_entry_attach.html", {
            "record": record, "entry_pk": int(_ENTRY_STAND_IN), "csrf_token": context.get("csrf_token")})
    return mark_safe(cache[key].replace(_ENTRY_STAND_IN, str(entry.pk)))  # noqa: S308 (rendered, escaped above)


@register.filter
def file_deletable_by(attachment: Attachment, membership: Membership | None) -> bool:
    return membership is not None and actions.can_delete_file(membership, attachment)


@register.filter
def files_for(entry: Entry, membership: Membership | None) -> list[Attachment]:
    """The entry's files the membership may see: prefetched by the timelines, else one query."""
    if membership is None:
        return []
    if "attachments" not in getattr(entry, "_prefetched_objects_cache", {}):
        queries.prefetch_entry_files([entry], membership)
    return list(entry.attachments.all())


@register.inclusion_tag("files/_storage_card.html", takes_context=True)
def storage_usage_card(context: template.Context) -> dict[str, Any]:
    """`{% storage_usage_card %}`: what the account's files take, against its quota (two queries)."""
    return {"usage": quota.usage(_membership(context).account)}
