"""Reads of the history: a record's timeline, a page at a time."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.files.models import Attachment
from kontor.files.queries import prefetch_entry_files
from kontor.history import activity
from kontor.history.models import Activity, Comment, Entry, EntryLink
from kontor.lib.prepared import prepared
from kontor.records.models import Record


class LinkedRecord(NamedTuple):
    """A live record an entry is on, as far as a timeline shows it ("Also on: ...")."""

    pk: int
    kind: str
    display_name: str


class TimelinePage(list):
    """One page of a timeline: a plain list of entries that also knows whether older ones exist,
    and the record's activities in the same stretch of time (shown between the entries)."""

    has_more: bool = False
    activities: list[Activity] = []


# 25 entries fill a screen and a half; rendering them is most of a record page's time, so more
# come with "Show older entries" rather than up front.
TIMELINE_PAGE_SIZE = 25


def timeline(record: Record, by: Membership, limit: int = TIMELINE_PAGE_SIZE,
             before: dt.datetime | None = None, before_id: int | None = None) -> TimelinePage:
    """The record's history, newest first, as far as the membership may read it.

    Walks the (record, happened_at) index of EntryLink, so its cost does not grow with the size
    of the account. `before` (and `before_id` for entries sharing that instant) pages further
    back (keyset pagination). Each entry comes with its author's name and its other live records
    read along, so rendering the page costs a fixed number of queries."""
    confidential_too = roles.can_read_confidential(by.role)
    if limit == TIMELINE_PAGE_SIZE:
        found = _first_entries(record.pk, confidential_too, before, before_id)
    else:
        found = list(_newest_first(record.pk, confidential_too, before, before_id)[:limit + 1])
    page = TimelinePage(found[:limit])
    page.has_more = len(found) > limit
    # The record's activity lines between this page's oldest entry and the previous page's.
    page.activities = activity.for_record(record, newer_than=page[-1].happened_at if page.has_more else None,
                                          older_than=before, can_read_confidential=roles.can_read_confidential(by.role))
    attach_live_records(page)
    prefetch_entry_files(page, by)
    return page


def _newest_first(record_id: int, confidential_too: bool, before: dt.datetime | None,
                  before_id: int | None) -> QuerySet[Entry]:
    # All conditions on the link go into one filter(), so that they are about the same link.
    on_record = Q(links__record=record_id)
    if before is not None:
        older = Q(links__happened_at__lt=before)
        if before_id is not None:
            older |= Q(links__happened_at=before, id__lt=before_id)
        on_record &= older
    entries = Entry.objects.filter(on_record)
    if not confidential_too:
        entries = entries.filter(confidential=False)
    # A filed e-mail's details (mail.EmailMessage) come in the same query: no query per e-mail.
    # Whether an entry has comments or files (visible or not) comes along too (most have neither:
    # they need no more query).
    # Of the author, only the name is shown: no user instance for each entry.
    # Nor its created and updated times, which no row shows (each datetime column of SQLite is a
    # conversion per row).
    return (entries.select_related("email").defer("created_at", "updated_at")
            .order_by("-links__happened_at", "-id")
            .annotate(author_name=F("author__name"),
                      is_commented=Exists(Comment.objects.filter(entry=OuterRef("pk"))),
                      has_files=Exists(Attachment.objects.filter(entry=OuterRef("pk"), deleted_at__isnull=True))))


@prepared
def _first_entries(record_id: int, confidential_too: bool, before: dt.datetime | None,
                   before_id: int | None) -> QuerySet[Entry]:
    """A timeline page as a record page and "Show older entries" ask it, compiled once."""
    return _newest_first(record_id, confidential_too, before, before_id)[:TIMELINE_PAGE_SIZE + 1]


def attach_live_records(entries: list[Entry]) -> None:
    """Gives each entry its live records by name (`entry.live_records`, LinkedRecord) in one query
    of plain rows. A prefetch of `entry.records` made a model and a related manager for each entry
    and record; the ORM's building of even the plain query cost as much as a page's rows, so its
    few lines of SQL are written out."""
    by_entry: dict[int, list[LinkedRecord]] = {entry.pk: [] for entry in entries}
    if not by_entry:
        return
    link, record = EntryLink._meta, Record._meta
    ids = ", ".join(["%s"] * len(by_entry))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT link.entry_id, r.id, r.kind, r.display_name FROM {link.db_table} link"  # noqa: S608 - names
            f" JOIN {record.db_table} r ON r.id = link.record_id"  # and placeholders only
            f" WHERE link.entry_id IN ({ids}) AND r.deleted_at IS NULL ORDER BY r.display_name, r.id",
            list(by_entry))
        for entry_id, record_id, kind, display_name in cursor.fetchall():
            by_entry[entry_id].append(LinkedRecord(record_id, kind, display_name))
    for entry in entries:
        entry.live_records = by_entry[entry.pk]  # type: ignore[attr-defined]  # for the timeline's rows


def first_live_record(entry: Entry) -> Record | None:
    """The oldest live record the entry is on: where to go back to after changing it."""
    return Record.objects.alive().filter(entries=entry).order_by("pk").first()
