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
from kontor.lib.urls import id_url
from kontor.mail.templatetags.mail_tags import without_inline_images
from kontor.records.models import Record

register = template.Library()


def reader_of(context: template.Context) -> Membership:
    """Whose files a page shows: the context's membership, else its request's."""
    return context.get("membership") or membership_of(context)


@register.inclusion_tag("files/_record_files.html", takes_context=True)
def record_files(context: template.Context, record: Record) -> dict[str, Any]:
    """`{% record_files record %}`: the Files card of a person, company, deal or project page."""
    return {**queries.record_card(reader_of(context), record), "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def entry_files(context: template.Context, entry: Entry, record: Record) -> SafeString:
    """`{% entry_files entry record %}`: an entry's files and its paperclip. The timelines read the
    files along (queries.prefetch_entry_files); a single entry costs one query. An entry without
    files (most of them) gets a copy of one paperclip rendered once per page (kontor/lib/stamped.py)."""
    files = without_inline_images(files_for(entry, reader_of(context)), entry)
    if files or context.get("upload_error"):
        return mark_safe(_render(context, record, entry.pk, files, context.get("upload_error") or ""))  # noqa: S308 (a template's output)
    return stamped(context.get("request"), ("entry_files", record.pk), lambda pk: paperclip(context, record, pk),
                   entry.pk)


def paperclip(context: template.Context, record: Record, entry_pk: int) -> str:
    """What {% entry_files %} writes for an entry without files (and no upload error): the paperclip."""
    return _render(context, record, entry_pk, [], "")


def _render(context: template.Context, record: Record, entry_pk: int, files: list[Attachment],
            upload_error: str) -> str:
    return render_to_string("files/_entry_files.html", {
        "entry_pk": entry_pk, "files": files, "record": record, "membership": reader_of(context),
        "action": id_url("files:upload_entry", record.pk, entry_pk),
        "upload_error": upload_error, "request": context.get("request"),
        "csrf_token": context.get("csrf_token")})


@register.filter
def file_deletable_by(attachment: Attachment, membership: Membership | None) -> bool:
    return membership is not None and actions.can_delete_file(membership, attachment)


@register.filter
def files_for(entry: Entry, membership: Membership | None) -> list[Attachment]:
    """The entry's files the membership may see: read along by the timelines, else one query."""
    if membership is None:
        return []
    if not hasattr(entry, "visible_files"):
        queries.prefetch_entry_files([entry], membership)
    return entry.visible_files  # type: ignore[attr-defined, no-any-return]  # set by prefetch_entry_files


@register.inclusion_tag("files/_storage_card.html", takes_context=True)
def storage_usage_card(context: template.Context) -> dict[str, Any]:
    """`{% storage_usage_card %}`: what the account's files take, against its quota (two queries)."""
    return {"usage": quota.usage(reader_of(context).account)}
