"""Reads for the start page: each one or two bounded queries, whatever the size of the account."""

from __future__ import annotations

import datetime as dt
import heapq
from itertools import chain
from operator import attrgetter

from django.db.models import Prefetch

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.deals.models import Deal, DealState
from kontor.history.models import Entry
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
    newest = (Record.objects.filter(account=membership.account, kind=kind).alive()
              .select_related("person", "company").order_by("-updated_at")[:START_LIST_SIZE]
              for kind in (Kind.PERSON, Kind.COMPANY))
    return heapq.nlargest(START_LIST_SIZE, chain.from_iterable(newest), key=attrgetter("updated_at"))


def latest_notes(membership: Membership) -> list[Entry]:
    """The team's latest notes and filed e-mails the membership may read, with their live records."""
    # Newest first within a name: a project that continues its deal is named before the deal.
    alive_records = Record.objects.alive().order_by("display_name", "-pk")
    return list(Entry.objects.filter(account=membership.account).written_by_people()
                .visible_to(roles.can_read_confidential(membership.role))
                .select_related("author", "email").prefetch_related(Prefetch("records", queryset=alive_records))
                .order_by("-happened_at")[:START_LIST_SIZE])


def my_due_tasks(membership: Membership, today: dt.date) -> list[Task]:
    """The user's open tasks due today or overdue."""
    return list(Task.objects.visible_in(membership.account).filter(assignee=membership.user, due_date__lte=today)
                .open().select_related("record").order_by("due_date", "due_time", "pk")[:START_LIST_SIZE])


def deals_due_soon(membership: Membership, today: dt.date) -> list[Deal]:
    """The open deals whose target date falls in the next two weeks."""
    return list(Deal.objects.filter(account=membership.account, state=DealState.OPEN, target_date__gte=today,
                                    target_date__lte=today + dt.timedelta(days=DUE_DEALS_DAYS))
                .alive().select_related("record").order_by("target_date", "pk")[:START_LIST_SIZE])
