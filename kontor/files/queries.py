"""Reading files: the Files area's filtered list, a record's files, the files of timeline entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.files.models import Attachment, on_readable_entry, visible
from kontor.files.sniff import megabytes
from kontor.history.models import Comment, Entry
from kontor.lib.prepared import prepared
from kontor.lib.urls import id_url
from kontor.records.models import Record

RECORD_CARD_SIZE = 10


def visible_files(by: Membership, **conditions: Any) -> QuerySet[Attachment]:
    """The account's files the membership may see (and that meet the `conditions`): one filter()."""
    return Attachment.objects.filter(visible(roles.can_read_confidential(by.role)), account_id=by.account_id,
                                     **conditions)


@dataclass
class FileFilters:
    record_id: int | None = None
    record_name: str = ""
    uploader_id: int | None = None
    file_type: str = ""
    created_from: dt.datetime | None = None
    created_before: dt.datetime | None = None
    name: str = ""


def filtered_files(by: Membership, filters: FileFilters) -> QuerySet[Attachment]:
    """The account's visible files, newest first, narrowed by the filters; with record and
    uploader loaded. Every filter has an index beginning with the account (or the record)."""
    files = visible_files(by)
    if filters.record_id is not None:
        files = files.filter(record_id=filters.record_id)
    for word in filters.record_name.split()[:5]:
        files = files.filter(record__display_name__icontains=word)
    if filters.uploader_id is not None:
        files = files.filter(uploaded_by_id=filters.uploader_id)
    if filters.file_type:
        files = files.filter(file_type=filters.file_type)
    if filters.created_from is not None:
        files = files.filter(created_at__gte=filters.created_from)
    if filters.created_before is not None:
        files = files.filter(created_at__lt=filters.created_before)
    for word in filters.name.split()[:5]:
        files = files.filter(name__icontains=word)
    return files.select_related("record", "uploaded_by").order_by("-created_at", "-pk")


def page_of(files: QuerySet[Attachment], page: int, per_page: int) -> tuple[list[Attachment], bool]:
    """One page and whether another follows, learnt from one row more (no COUNT)."""
    start = (page - 1) * per_page
    rows = list(files[start:start + per_page + 1])
    return count_comments(rows[:per_page]), len(rows) > per_page


def count_comments(files: list[Attachment]) -> list[Attachment]:
    """Sets `comment_count` on each file, for the lists' "2 comments": one query for the page."""
    counts = dict(Comment.objects.filter(file__in=files).values("file_id").annotate(count=Count("pk"))
                  .values_list("file_id", "count")) if files else {}
    for attachment in files:
        attachment.comment_count = counts.get(attachment.pk, 0)  # type: ignore[attr-defined]  # for the template only
    return files


def record_files(by: Membership, record: Record) -> tuple[list[Attachment], bool]:
    """The newest files on a record (its entries' files included) and whether there are more.
    Those of a record in the trash are not visible (Attachment.visible_to): known from the record
    itself, without a join."""
    if record.deleted_at is not None:
        return [], False
    rows = _card_files(by.account_id, record.pk, roles.can_read_confidential(by.role))
    return count_comments(rows[:RECORD_CARD_SIZE]), len(rows) > RECORD_CARD_SIZE


@prepared
def _card_files(account_id: int, record_id: int, confidential_too: bool) -> QuerySet[Attachment]:
    """A record page's Files card, newest first: one more than it shows, compiled once."""
    files = Attachment.objects.filter(account_id=account_id, record_id=record_id, deleted_at__isnull=True)
    if not confidential_too:
        files = files.filter(on_readable_entry())
    return files.select_related("uploaded_by").order_by("-created_at", "-pk")[:RECORD_CARD_SIZE + 1]


def prefetch_entry_files(entries: Sequence[Entry], by: Membership) -> None:
    """Gives each entry its visible files (`entry.visible_files`, oldest first) from one query (none
    when the entries were read with `has_files` and none has any), and their comment counts from
    one more when there are any. A prefetch of `entry.attachments` made a
    queryset and a related manager for each entry, though most entries have no file."""
    entries = list(entries)
    by_entry: dict[int, list[Attachment]] = {entry.pk: [] for entry in entries}
    # Entries read with `has_files` (history.queries.timeline: whether they have files that are
    # not deleted, visible or not) need no query when it is False.
    asked = [entry.pk for entry in entries if getattr(entry, "has_files", True)]
    files = list(visible_files(by, entry_id__in=asked).select_related("uploaded_by")
                 .order_by("created_at", "pk")) if asked else []
    for attachment in files:
        by_entry[attachment.entry_id].append(attachment)  # type: ignore[index]  # filtered on them
    count_comments(files)
    for entry in entries:
        entry.visible_files = by_entry[entry.pk]  # type: ignore[attr-defined]  # read by files_tags


def uploaders(by: Membership) -> list[tuple[int, str]]:
    """The account's people (deactivated ones too: their files stay), for the uploader filter."""
    members = Membership.objects.filter(account=by.account).select_related("user").order_by("user__name")
    return [(member.user_id, member.user.name) for member in members]


def record_card(by: Membership, record: Record) -> dict[str, Any]:
    """The context of a record page's Files card: one query."""
    files, has_more = record_files(by, record)
    return {"record": record, "files": files, "has_more": has_more, "membership": by,
            "max_upload_mb": megabytes(settings.KONTOR_MAX_UPLOAD_BYTES),
            "upload_url": id_url("files:upload", record.pk), "list_url": id_url("files:list")}


def visible_entry(by: Membership, attachment: Attachment) -> Entry | None:
    """The history entry the file is attached to, if the membership may read it."""
    if attachment.entry_id is None:
        return None
    return (Entry.objects.filter(account=by.account, pk=attachment.entry_id)
            .visible_to(roles.can_read_confidential(by.role)).select_related("author").first())
