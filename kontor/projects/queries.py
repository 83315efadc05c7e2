"""Filtering and sorting projects, shared by the projects page and the API; and a project's
history, which shows the history of the deal it came from alongside its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import F, Prefetch, Q, QuerySet

from kontor.accounts import roles
from kontor.accounts.models import Account, Membership
from kontor.files.queries import prefetch_entry_files
from kontor.history.models import Entry, EntryLink
from kontor.history.queries import TIMELINE_PAGE_SIZE, TimelinePage
from kontor.projects.models import Project, ProjectStatus
from kontor.records.filters import CustomFilter, date_range
from kontor.records.list_filters import LinkedFilters, filter_linked, one_of
from kontor.records.models import Kind, Record

ORDERS = ("name", "start_date", "-start_date", "status", "-updated_at")
STATUSES = tuple(ProjectStatus.values)


def filter_projects(account: Account, *, tags: Sequence[str] = (), q: str = "", status: str = "",
                    responsible_id: int | None = None, company_id: int | None = None, company_name: str = "",
                    person_id: int | None = None, date_from: dt.date | None = None,
                    date_to: dt.date | None = None, order: str = "name",
                    custom: Sequence[CustomFilter] = ()) -> QuerySet[Project]:
    """Live projects of the account: carrying all `tags`, each word of `q` in the project's or its
    company's name, in that status, with that responsible user, for that company (by id or by a
    part of its name), with that person, running at some time between `date_from` and `date_to`
    (a project without an end runs on; one without a start is left out by a date filter),
    meeting the `custom` field conditions; sorted by `order` (see ORDERS)."""
    projects = filter_linked(Project.objects.all(), account, Kind.PROJECT, tags=tags, q=q,
                             responsible_id=responsible_id, company_id=company_id, company_name=company_name,
                             person_id=person_id, order=order, custom=custom)
    if status in STATUSES:
        projects = projects.filter(status=status)
    if date_to is not None:
        projects = projects.filter(start_date__lte=date_to)
    if date_from is not None:
        runs_on = Q(end_date__isnull=True, start_date__isnull=False)
        projects = projects.filter(Q(end_date__gte=date_from) | runs_on)
    return sort_projects(projects, order)


def sort_projects(projects: QuerySet[Project], order: str) -> QuerySet[Project]:
    if order == "-updated_at":
        return projects.order_by("-record__updated_at", "-record_id")
    if order == "start_date":
        return projects.order_by(F("start_date").asc(nulls_last=True), "record_id")
    if order == "-start_date":
        return projects.order_by(F("start_date").desc(nulls_last=True), "-record_id")
    if order == "status":
        # starting, open, closed: the reverse of their alphabetical order, so the index serves.
        return projects.order_by("-status", "sort_name", "record_id")
    return projects.order_by("sort_name", "record_id")


@dataclass
class ProjectFilters(LinkedFilters):
    """The filters of the projects page, read from its query string."""

    ORDERS: ClassVar[tuple[str, ...]] = ORDERS
    DEFAULT_ORDER: ClassVar[str] = "name"

    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def own_fields(cls, query: Mapping) -> dict[str, Any]:
        date_from, date_to = date_range(query.get("date_from"), query.get("date_to"))
        return {**super().own_fields(query),
                "status": one_of(query.get("status"), STATUSES),
                "date_from": date_from, "date_to": date_to}

    @property
    def has_own_filters(self) -> bool:
        return bool(super().has_own_filters or self.status or self.date_from or self.date_to)

    def apply(self, account: Account) -> QuerySet[Project]:
        return filter_projects(account, **self.shared_arguments(account), status=self.status,
                               date_from=self.date_from, date_to=self.date_to)


def history_records(project: Project) -> list[Record]:
    """The records whose history the project shows: its own, and the live deal it came from."""
    records = [project.record]
    if project.deal_id is not None:
        deal_record = Record.objects.alive().filter(pk=project.deal_id).first()
        if deal_record is not None:
            records.append(deal_record)
    return records


def project_entries(project: Project, by: Membership, records: list[Record] | None = None) -> QuerySet[Entry]:
    """The entries of the project and of its deal, newest first, each once (an entry on both is
    one row), as far as the membership may read them; with author and live records loaded."""
    records = records if records is not None else history_records(project)
    entries = Entry.objects.filter(
        account=project.account,
        pk__in=EntryLink.objects.filter(record__in=[r.pk for r in records]).values("entry_id"))
    others = Record.objects.alive().order_by("display_name")
    return (entries.visible_to(roles.can_read_confidential(by.role)).select_related("author")
            .prefetch_related(Prefetch("records", queryset=others)).order_by("-happened_at", "-pk"))


def project_timeline(project: Project, by: Membership, limit: int = TIMELINE_PAGE_SIZE,
                     before: dt.datetime | None = None, before_id: int | None = None) -> TimelinePage:
    """A page of the project's merged history (see project_entries), further back from `before`
    and `before_id` (keyset pagination).

    Each entry gets `shown_on`: the record it is edited from (the project's own entries on the
    project, the deal's on the deal), so that the history partials link to the right place."""
    records = history_records(project)
    entries = project_entries(project, by, records)
    if before is not None:
        older = Q(happened_at__lt=before)
        if before_id is not None:
            older |= Q(happened_at=before, pk__lt=before_id)
        entries = entries.filter(older)
    rows = list(entries[:limit + 1])
    page = TimelinePage(rows[:limit])
    page.has_more = len(rows) > limit
    prefetch_entry_files(page, by)
    for entry in page:
        linked = {record.pk for record in entry.records.all()}
        entry.shown_on = project.record if project.record_id in linked else records[-1]
    return page
