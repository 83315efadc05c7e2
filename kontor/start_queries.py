"""Reads for the start page: each one or two bounded queries, whatever the size of the account,
compiled once per process (kontor/lib/prepared.py): building them took as long as the page's
rendering."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

from django.db.models import QuerySet

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.deals.models import Deal, DealState
from kontor.history.models import Entry, EntryLink
from kontor.lib.prepared import prepared
from kontor.records.models import Kind, Record
from kontor.tasks.models import Task

START_LIST_SIZE = 10
# Open deals due within this many days are listed.
DUE_DEALS_DAYS = 14


def recent_contacts(membership: Membership) -> list[Record]:
    """Recently changed people and companies, with their person or company for the avatars.

    The newest of each kind are read apart, each along its (account, kind, updated_at) index, and
    the two short lists merged: asked for both kinds at once, the database sorted every person and
    company of the account to find ten (65 ms on 120,000 of them; 1 ms so)."""
    newest = (_newest(membership.account_id, kind.value) for kind in (Kind.PERSON, Kind.COMPANY))
    return heapq.nlargest(START_LIST_SIZE, chain.from_iterable(newest), key=attrgetter("updated_at"))


@prepared
def _newest(account_id: int, kind: str) -> QuerySet[Record]:
    return (Record.objects.filter(account_id=account_id, kind=kind).alive()
            .select_related("person", "company").order_by("-updated_at")[:START_LIST_SIZE])


class Note(NamedTuple):
    """A note or filed e-mail of the start page, with the live records it is on, one per name."""

    entry: Entry
    records: list[Record]


def latest_notes(membership: Membership) -> list[Note]:
    """The team's latest notes and filed e-mails the membership may read, with their live records."""
    entries = _latest_entries(membership.account_id, roles.can_read_confidential(membership.role))
    records: dict[int, list[Record]] = defaultdict(list)
    names: dict[int, set[str]] = defaultdict(set)
    for link in _live_links([entry.pk for entry in entries]) if entries else ():
        # One record per name, the newest: a note on a deal and on the project that continues it
        # reads "on Relaunch" (the project), not "on Relaunch, Relaunch".
        if link.record.display_name not in names[link.entry_id]:
            names[link.entry_id].add(link.record.display_name)
            records[link.entry_id].append(link.record)
    return [Note(entry, records[entry.pk]) for entry in entries]


@prepared
def _latest_entries(account_id: int, confidential_too: bool) -> QuerySet[Entry]:
    entries = Entry.objects.filter(account_id=account_id).written_by_people().visible_to(confidential_too)
    return entries.select_related("author", "email").order_by("-happened_at")[:START_LIST_SIZE]


@prepared
def _live_links(entry_ids: list[int]) -> QuerySet[EntryLink]:
    return (EntryLink.objects.filter(entry__pk__in=entry_ids, record__deleted_at__isnull=True)
            .select_related("record").order_by("record__display_name", "-record__pk"))


def my_due_tasks(membership: Membership, today: dt.date) -> list[Task]:
    """The user's open tasks due today or overdue."""
    return _due_tasks(membership.account_id, membership.user_id, today)


@prepared
def _due_tasks(account_id: int, user_id: int, today: dt.date) -> QuerySet[Task]:
    return (Task.objects.visible_in(account_id).filter(assignee_id=user_id, due_date__lte=today).open()
            .select_related("record").order_by("due_date", "due_time", "pk")[:START_LIST_SIZE])


def deals_due_soon(membership: Membership, today: dt.date) -> list[Deal]:
    """The open deals whose target date falls in the next two weeks."""
    return _deals_due(membership.account_id, today, today + dt.timedelta(days=DUE_DEALS_DAYS))


@prepared
def _deals_due(account_id: int, first: dt.date, last: dt.date) -> QuerySet[Deal]:
    return (Deal.objects.filter(account_id=account_id, state=DealState.OPEN, target_date__gte=first,
                                target_date__lte=last)
            .alive().select_related("record").order_by("target_date", "pk")[:START_LIST_SIZE])
