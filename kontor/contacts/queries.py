"""Filtering, sorting and paging the people and company lists. The pages and the API share these,
so a filter means the same thing everywhere.

Everything here stays fast at 100,000 records per account: every filter and sort column is indexed,
tag filters are one grouped subquery over the (tag, record) index, and pages are fetched with
LIMIT per_page + 1 instead of counting the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

from kontor.accounts.models import Account
from kontor.contacts.models import (
    Address,
    Assistant,
    Company,
    ContactDetail,
    DetailKind,
    ImportantDate,
    Person,
    Position,
)
from kontor.lib.params import parse_id
from kontor.lib.prepared import prepared
from kontor.records.custom_fields import values_prefetch
from kontor.records.filters import (
    MAX_PAGE,
    MAX_WORDS,
    CustomFilter,
    RecordFilters,
    filter_records,
    name_contains,
    tag_plan,
    with_tag_plan,
)
from kontor.records.models import Kind, Tag
from kontor.records.queries import tag_names_of
from kontor.search.backends import names_in_order
from kontor.search.folding import Query

__all__ = ["MAX_PAGE", "MAX_WORDS", "ListFilters", "RowData", "filter_companies", "filter_people", "page_of",
           "with_row_data"]

ORDERS = ("name", "-updated_at")
PER_PAGE = 50

T = TypeVar("T")


def _common_filters(items: QuerySet, account: Account, kind: str, tags: Sequence[str],
                    responsible_id: int | None, order: str, custom: Sequence[CustomFilter] = ()) -> QuerySet:
    items = items.filter(account=account, record__deleted_at__isnull=True)
    items = filter_records(items, account, kind, tags=tags, responsible_id=responsible_id, custom=custom)
    if order == "-updated_at" or responsible_id is not None:
        # record__account and record__kind repeat what the kind's table already says, so that the
        # database can walk the (account, kind, updated_at) and (account, kind, responsible)
        # indexes. Sorted by name they must stay out: tempted by them, SQLite read every record of
        # the kind and sorted them (110 ms at 100,000 people) instead of walking the name index.
        items = items.filter(record__account=account, record__kind=kind)
    if order == "-updated_at":
        return items.order_by("-record__updated_at", "-record__id")
    return items.order_by("sort_name", "record_id")


def _first_named(account: Account, kind: str, q: str, first: int | None, *others: object) -> list[int] | None:
    """The ids of the first `first` records of a list filtered by name alone and sorted by name,
    found in order in the search index (search.backends.names_in_order): a common surname's 1,000
    matches then cost no read of their rows. None where the index cannot answer that alone: other
    filters (`others`), a word shorter than three letters, no `first`."""
    words = q.split()[:MAX_WORDS]
    if first is None or not words or any(others):
        return None
    queries = [Query(word) for word in words]
    if not all(query.clauses for query in queries):
        return None
    return names_in_order(account.pk, kind, queries, first)


def filter_people(account: Account, *, tags: Sequence[str] = (), q: str = "",
                  responsible_id: int | None = None, order: str = "name",
                  company_id: int | None = None, custom: Sequence[CustomFilter] = (),
                  first: int | None = None) -> QuerySet[Person]:
    """Live people of the account: carrying all `tags`, each word of `q` in the first or last name,
    with that responsible user, working (now or formerly) at that company, meeting the `custom`
    field conditions; sorted by `order` ("name" or "-updated_at"). With `first`, only the first
    `first` rows are read (a page): a filter by name alone then finds them in the index."""
    people = Person.objects.all()
    named = _first_named(account, Kind.PERSON, q, first, tags, responsible_id is not None, company_id is not None,
                         custom, order != "name")
    if named is not None:
        return _common_filters(people.filter(record_id__in=named), account, Kind.PERSON, (), None, order)
    for word in q.split()[:MAX_WORDS]:
        people = people.filter(name_contains(account, Kind.PERSON, word, "first_name", "last_name"))
    if company_id is not None:
        staff = Position.objects.filter(company_id=company_id).values("person_id")
        people = people.filter(record_id__in=staff)
    return _common_filters(people, account, Kind.PERSON, tags, responsible_id, order, custom)


def filter_companies(account: Account, *, tags: Sequence[str] = (), q: str = "",
                     responsible_id: int | None = None, order: str = "name",
                     custom: Sequence[CustomFilter] = (), first: int | None = None) -> QuerySet[Company]:
    """Live companies of the account, filtered and sorted like `filter_people`; `q` matches the name."""
    companies = Company.objects.all()
    named = _first_named(account, Kind.COMPANY, q, first, tags, responsible_id is not None, custom, order != "name")
    if named is not None:
        return _common_filters(companies.filter(record_id__in=named), account, Kind.COMPANY, (), None, order)
    for word in q.split()[:MAX_WORDS]:
        companies = companies.filter(name_contains(account, Kind.COMPANY, word, "name"))
    return _common_filters(companies, account, Kind.COMPANY, tags, responsible_id, order, custom)


_LIST_DETAIL_KINDS = [DetailKind.EMAIL, DetailKind.PHONE, DetailKind.MOBILE]
# The columns a row reads of the person or company itself; the rest stays in the database.
_ROW_FIELDS = {Person: ("title", "first_name", "last_name", "photo"), Company: ("name", "photo")}


@dataclass(slots=True)
class RowData:
    """What a list row shows beside the name and photo (`obj.row`)."""

    email: str = ""  # the first e-mail address
    phone: str = ""  # the number most likely to reach them: the first landline or mobile number
    tags: list[str] = field(default_factory=list)  # their names, sorted
    # People: the primary job at a company outside the trash, as (job title, company name).
    job: tuple[str, str] | None = None
    # Companies: the first address's city and country.
    city: str = ""
    country: str = ""


# A list page's details, a query each, compiled once per page length (kontor/lib/prepared.py).
# `record__pk__in` rather than `record_id__in`: the same SQL (no join), but the ids are checked as
# plain integers, not each as a possible model instance.

@prepared
def _list_details(ids: list[int]) -> QuerySet[ContactDetail, tuple[int, str, str]]:
    return (ContactDetail.objects.filter(record__pk__in=ids, kind__in=_LIST_DETAIL_KINDS)
            .values_list("record_id", "kind", "value"))


@prepared
def _list_jobs(ids: list[int]) -> QuerySet[Position, tuple[int, str, str]]:
    return (Position.objects.filter(person__record__pk__in=ids, is_primary=True,
                                    company__record__deleted_at__isnull=True)
            .values_list("person_id", "job_title", "company__name"))


@prepared
def _list_places(ids: list[int]) -> QuerySet[Address, tuple[int, str, str]]:
    return Address.objects.filter(record__pk__in=ids).values_list("record_id", "city", "country")


# A person's or company's page: its lists, a query each, compiled once.

@prepared
def tags_of(record_id: int) -> QuerySet[Tag]:
    return Tag.objects.filter(records=record_id).order_by("name")


@prepared
def details_of(record_id: int) -> QuerySet[ContactDetail]:
    return ContactDetail.objects.filter(record_id=record_id)


@prepared
def addresses_of(record_id: int) -> QuerySet[Address]:
    return Address.objects.filter(record_id=record_id)


@prepared
def live_positions_of(person_id: int) -> QuerySet[Position]:
    """A person's jobs at companies outside the trash, with the company."""
    return Position.objects.filter(person_id=person_id, company__record__deleted_at__isnull=True).select_related(
        "company")


@prepared
def assistants_of(person_id: int) -> QuerySet[Assistant]:
    return Assistant.objects.filter(person_id=person_id)


@prepared
def important_dates_of(person_id: int) -> QuerySet[ImportantDate]:
    return ImportantDate.objects.filter(person_id=person_id)


def add_row_data(items: Sequence[Person] | Sequence[Company]) -> None:
    """Sets `.row` (a RowData) on each of a page's people or companies, in one query per kind of
    detail. Plain values rather than prefetched model instances: prefetching four relations of 50
    rows built about 600 objects and cost more Python than all the rest of the list page."""
    rows = {item.pk: RowData() for item in items}
    if not rows:
        return
    for item in items:
        item.row = rows[item.pk]  # type: ignore[union-attr]  # for the list templates only
    ids = list(rows)
    for record_id, kind, value in _list_details(ids):
        row = rows[record_id]
        if kind == DetailKind.EMAIL:
            row.email = row.email or value
        else:
            row.phone = row.phone or value
    for record_id, name in tag_names_of(ids):
        rows[record_id].tags.append(name)
    if isinstance(items[0], Person):
        for person_id, job_title, company_name in _list_jobs(ids):
            rows[person_id].job = rows[person_id].job or (job_title, company_name)
    else:
        places: dict[int, tuple[str, str]] = {}  # the first address of each
        for record_id, city, country in _list_places(ids):
            places.setdefault(record_id, (city, country))
        for record_id, (city, country) in places.items():
            rows[record_id].city, rows[record_id].country = city, country


def with_row_data(items: QuerySet, *, custom_values: bool = False) -> QuerySet:
    """What a list row shows, in a fixed number of queries whatever the page size: the name and
    photo, the first e-mail address and phone number, the tags, and for people the primary job,
    for companies the first address (`obj.row`, see RowData); with `custom_values` (a custom field
    shown as a column) the record with its custom values. The rest comes per page: add_row_data."""
    items = items.only(*_ROW_FIELDS[items.model])
    if custom_values:
        items = items.select_related("record").prefetch_related(values_prefetch())
    return items


@dataclass
class ListFilters(RecordFilters):
    """The filters of the people and company lists: the shared ones, and for people a company."""

    company_id: int | None = None

    @classmethod
    def own_fields(cls, query: Mapping) -> dict[str, Any]:
        return {"company_id": parse_id(query.get("company"))}

    @property
    def has_own_filters(self) -> bool:
        return bool(self.company_id)

    def apply(self, account: Account, kind: str, first: int | None = None) -> QuerySet[Any]:
        """The people or companies these filters select, sorted; with `first`, fit to be read only
        as far as that many rows (the list's page: see filter_people)."""
        if kind == Kind.PERSON:
            return filter_people(account, tags=self.tags, q=self.q, order=self.order,
                                 responsible_id=self.responsible_id, company_id=self.company_id,
                                 custom=self.custom, first=first)
        return filter_companies(account, tags=self.tags, q=self.q, order=self.order,
                                responsible_id=self.responsible_id, custom=self.custom, first=first)

    def rows_to_page(self, per_page: int = PER_PAGE) -> int:
        """How many rows from the start the list reads to show its page and learn whether more follow."""
        return shown_page(self.page) * per_page + 1


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    has_more: bool  # rows exist after this page, whether or not paging may go there

    @property
    def has_next(self) -> bool:
        return self.has_more and self.number < MAX_PAGE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def is_capped(self) -> bool:
        """More rows exist, but beyond the last page offered: the list asks for a filter instead."""
        return self.has_more and self.number >= MAX_PAGE


def shown_page(number: int) -> int:
    """The page a list shows for the asked number: the first to the last it offers (MAX_PAGE)."""
    return min(max(number, 1), MAX_PAGE)


# The first page of a list sorted by name, unfiltered or filtered by tags alone (the page a list
# opens with, and a tag ticked in its side column): the query filter_people/filter_companies and
# with_row_data build, with the tag filter's plan as ids (records.filters.tag_plan; no tags: no
# rarest tag and none probed), compiled once per plan's shape (lib/prepared.py).

def _first_page_query(filter_kind: Callable[..., QuerySet]) -> Callable[[int, int | None, list[int]], list[Any]]:
    @prepared
    def first_page(account_id: int, rarest: int | None, probed: list[int]) -> QuerySet:
        return with_row_data(with_tag_plan(filter_kind(Account(pk=account_id)), rarest, probed))[:PER_PAGE + 1]
    return first_page


_FIRST_PAGE = {Kind.PERSON: _first_page_query(filter_people), Kind.COMPANY: _first_page_query(filter_companies)}


def list_page(account: Account, kind: str, filters: ListFilters, custom_values: bool = False) -> Page:
    """The page of the people or company list that `filters` ask for, each row without its row
    data yet (add_row_data); with `custom_values`, the records with their custom values too."""
    if (shown_page(filters.page) == 1 and filters.order == "name" and not custom_values
            and not (filters.q or filters.responsible_id or filters.custom or filters.has_own_filters)):
        plan = tag_plan(account, kind, filters.tags)
        rows = [] if plan is None else _FIRST_PAGE[Kind(kind)](account.pk, *plan)
        return Page(rows[:PER_PAGE], 1, has_more=len(rows) > PER_PAGE)
    # Only the page is read: a filter by name alone finds it in order in the search index.
    items = filters.apply(account, kind, first=filters.rows_to_page())
    return page_of(with_row_data(items, custom_values=custom_values), filters.page)


def page_of(items: QuerySet, number: int, per_page: int = PER_PAGE) -> Page:
    """One page of a sorted queryset, fetching one row more than shown to learn whether there is a
    next page: no COUNT(*) over the whole list."""
    number = shown_page(number)
    start = (number - 1) * per_page
    rows = list(items[start:start + per_page + 1])
    return Page(rows[:per_page], number, has_more=len(rows) > per_page)


def company_staff(company: Company, limit: int) -> list[Position]:
    """The company's people outside the trash, current ones first, by name; at most `limit`."""
    return list(Position.objects.filter(company=company, person__record__deleted_at__isnull=True)
                .select_related("person").order_by("is_former", "person__sort_name")[:limit])


def merge_rows(is_person: bool, ids: list[int]) -> dict[int, Any]:
    """The people or companies by id, each with what a row of the merge pages shows: `.row_details`
    (its first two e-mail addresses or numbers) and for people `.row_company`. Read with values() in
    three queries whatever the number: prefetching related managers for hundreds of rows cost more
    than the SQL."""
    model = Person if is_person else Company
    objects = {obj.pk: obj for obj in model.objects.filter(pk__in=ids).select_related("record")}
    details: dict[int, list[str]] = {}
    for record_id, value in (ContactDetail.objects.filter(record_id__in=ids).order_by("record_id", "position", "pk")
                             .values_list("record_id", "value")):
        details.setdefault(record_id, []).append(value)
    companies: dict[int, str] = {}
    if is_person:
        for person_id, name in (Position.objects.filter(person_id__in=ids, is_former=False)
                                .order_by("person_id", "-is_primary", "pk").values_list("person_id", "company__name")):
            companies.setdefault(person_id, name)
    for pk, obj in objects.items():
        obj.row_details = details.get(pk, [])[:2]  # type: ignore[union-attr]  # for the template only
        obj.row_company = companies.get(pk, "")  # type: ignore[union-attr]  # for the template only
    return objects
