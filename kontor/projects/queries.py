"""Filtering and sorting projects, shared by the projects page and the API; and a project's
history, which shows the history of the deal it came from alongside its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet

from kontor.accounts import roles
from kontor.accounts.models import Account, Membership
from kontor.contacts.models import Company
from kontor.contacts.queries import MAX_PAGE, MAX_WORDS, records_with_all_tags
from kontor.deals.queries import positive_int, trashed_records
from kontor.files.queries import prefetch_entry_files
from kontor.history.actions import TIMELINE_PAGE_SIZE, TimelinePage
from kontor.history.models import Entry, EntryLink
from kontor.projects.models import Project, ProjectStatus
from kontor.records.models import Kind, Record, Tag

ORDERS = ("name", "start_date", "-start_date", "status", "-updated_at")
STATUSES = tuple(ProjectStatus.values)


def filter_projects(account: Account, *, tags: Sequence[str] = (), q: str = "", status: str = "",
                    responsible_id: int | None = None, company_id: int | None = None, company_name: str = "",
                    person_id: int | None = None, date_from: dt.date | None = None,
                    date_to: dt.date | None = None, order: str = "name") -> QuerySet[Project]:
    """Live projects of the account: carrying all `tags`, each word of `q` in the project's or its
    company's name, in that status, with that responsible user, for that company (by id or by a
    part of its name), with that person, running at some time between `date_from` and `date_to`
    (a project without an end runs on; one without a start is left out by a date filter);
    sorted by `order` (see ORDERS)."""
    projects = Project.objects.filter(account=account).exclude(record_id__in=trashed_records(account))
    if order == "-updated_at" or responsible_id is not None:
        projects = projects.filter(record__account=account, record__kind=Kind.PROJECT)
    for word in q.split()[:MAX_WORDS]:
        projects = projects.filter(Q(name__icontains=word) | Q(company__name__icontains=word))
    if status in STATUSES:
        projects = projects.filter(status=status)
    if responsible_id is not None:
        projects = projects.filter(record__responsible_id=responsible_id)
    if company_id is not None:
        projects = projects.filter(company_id=company_id)
    elif company_name:
        projects = projects.filter(company__name__icontains=company_name)
    if person_id is not None:
        projects = projects.filter(people=person_id)
    if date_to is not None:
        projects = projects.filter(start_date__lte=date_to)
    if date_from is not None:
        runs_on = Q(end_date__isnull=True, start_date__isnull=False)
        projects = projects.filter(Q(end_date__gte=date_from) | runs_on)
    if any(name.strip() for name in tags):
        projects = projects.filter(record_id__in=records_with_all_tags(account, tags))
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


def with_row_data(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("record", "record__responsible", "company__record").prefetch_related(
        Prefetch("record__tags", Tag.objects.order_by("name"), to_attr="tag_list"))


@dataclass
class ProjectFilters:
    """The filters of the projects page, read from its query string."""

    tags: list[str] = field(default_factory=list)
    q: str = ""
    status: str = ""
    responsible_id: int | None = None
    company_id: int | None = None
    company_name: str = ""
    person_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order: str = "name"
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping, current_user_id: int | None = None) -> ProjectFilters:
        getlist = getattr(query, "getlist", lambda key: [query[key]] if key in query else [])
        tags = list(dict.fromkeys(" ".join(t.split()) for t in getlist("tag") if t.strip()))[:20]
        responsible = query.get("responsible", "")
        date_from, date_to = _date(query.get("date_from")), _date(query.get("date_to"))
        if date_from and date_to and date_to < date_from:
            date_from, date_to = date_to, date_from
        return cls(
            tags=tags,
            q=" ".join(str(query.get("q", "")).split())[:200],
            status=str(query.get("status") or "") if query.get("status") in STATUSES else "",
            responsible_id=current_user_id if responsible == "me" else positive_int(responsible),
            company_id=positive_int(query.get("company")),
            company_name=" ".join(str(query.get("company_name", "")).split())[:200],
            person_id=positive_int(query.get("person")),
            date_from=date_from, date_to=date_to,
            order=str(query.get("order") or "") if query.get("order") in ORDERS else "name",
            page=min(max(positive_int(query.get("page")) or 1, 1), MAX_PAGE),
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.tags or self.q or self.status or self.responsible_id or self.company_id
                    or self.company_name or self.person_id or self.date_from or self.date_to)

    def apply(self, account: Account) -> QuerySet[Project]:
        company_id, company_name = self.company_id, self.company_name
        if company_id is None and company_name:
            exact = list(Company.objects.filter(account=account, name__iexact=company_name).alive()
                         .values_list("pk", flat=True)[:2])
            if len(exact) == 1:
                company_id, company_name = exact[0], ""
        return filter_projects(account, tags=self.tags, q=self.q, status=self.status,
                               responsible_id=self.responsible_id, company_id=company_id,
                               company_name=company_name, person_id=self.person_id, date_from=self.date_from,
                               date_to=self.date_to, order=self.order)


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


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
        entry.shown_on = project.record if project.record_id in linked else records[-1]  # type: ignore[attr-defined]
    return page
