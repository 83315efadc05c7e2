"""Template helpers for files: the Files card of record pages, the files under history entries."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from kontor.accounts.models import Membership
from kontor.accounts.requests import membership_of
from kontor.files import actions, queries, quota
from kontor.files.models import Attachment
from kontor.history.models import Entry
from kontor.lib.stamped import stamped
from kontor.mail.templatetags.mail_tags import without_inline_images
from kontor.records.models import Record

register = template.Library()


def _membership(context: template.Context) -> Membership:
    return context.get("membership") or membership_of(context)


@register.inclusion_tag("files/_record_files.html", takes_context=True)
def record_files(context: template.Context, record: Record) -> dict[str, Any]:
    """`{% record_files record %}`: the Files card of a person, company, deal or project page."""
    return {**queries.record_card(_membership(context), record), "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def entry_files(context: template.Context, entry: Entry, record: Record) -> SafeString:
    """`{% entry_files entry record %}`: an entry's files and its paperclip. The timelines prefetch
    the files (queries.prefetch_entry_files); a single entry costs one query. An entry without files
    (most of them) gets a copy of one paperclip rendered once per page (kontor/lib/stamped.py)."""
    membership = _membership(context)
    files = without_inline_images(files_for(entry, membership), entry)
    upload_error = context.get("upload_error")
    request = context.get("request")
    csrf_token = context.get("csrf_token")

    def render(entry_pk: int, shown: list[Attachment]) -> str:
        return render_to_string("files/_entry_files.html", {
            "entry_pk": entry_pk, "files": shown, "record": record, "membership": membership,
            "upload_error": upload_error, "request": request, "csrf_token": csrf_token})

    if files or upload_error:
        return mark_safe(render(entry.pk, files))  # noqa: S308 (a template's output)
    return stamped(request, ("entry_files", record.pk), lambda pk: render(pk, []), entry.pk)


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
