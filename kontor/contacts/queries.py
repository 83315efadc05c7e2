"""Filtering, sorting and paging the people and company lists. The pages and the API share these,
so a filter means the same thing everywhere.

Everything here stays fast at 100,000 records per account: every filter and sort column is indexed,
tag filters are one grouped subquery over the (tag, record) index, and pages are fetched with
LIMIT per_page + 1 instead of counting the whole table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from kontor.accounts.models import Account
from kontor.contacts.models import Address, Company, ContactDetail, DetailKind, Person, Position
from kontor.records.models import Kind, RecordTag, Tag

ORDERS = ("name", "-updated_at")
PER_PAGE = 50
# Offset paging stays cheap on the sort indexes up to here; further back, a filter finds faster.
MAX_PAGE = 200
MAX_WORDS = 6

T = TypeVar("T")


def _tag_names(tags: Iterable[str]) -> set[str]:
    return {" ".join(name.split()).lower() for name in tags if name and name.strip()}


def records_with_all_tags(account: Account, tags: Iterable[str]) -> QuerySet[Any]:
    """Ids of the records that carry every one of the named tags (case-insensitive), as a subquery:

        SELECT record_id FROM recordtag WHERE tag_id IN (tags of the account with these names)
        GROUP BY record_id HAVING COUNT(*) = number of names

    An unknown name can never be counted, so it matches nothing, as a tag nobody carries should."""
    names = _tag_names(tags)
    tag_ids = Tag.objects.annotate(lower_name=Lower("name")).filter(account=account, lower_name__in=names)
    return (RecordTag.objects.filter(tag_id__in=tag_ids.values("pk")).values("record_id")
            .annotate(matched=Count("tag_id")).filter(matched=len(names)).values("record_id"))


def _common_filters(items: QuerySet, account: Account, kind: str, tags: Sequence[str],
                    responsible_id: int | None, order: str) -> QuerySet:
    # record__account and record__kind repeat what the kind's table already says, so that the
    # database can walk the (account, kind, updated_at) and (account, kind, responsible) indexes.
    items = items.filter(account=account, record__account=account, record__kind=kind,
                         record__deleted_at__isnull=True)
    if responsible_id is not None:
        items = items.filter(record__responsible_id=responsible_id)
    if _tag_names(tags):
        items = items.filter(record_id__in=records_with_all_tags(account, tags))
    if order == "-updated_at":
        return items.order_by("-record__updated_at", "-record__id")
    return items.order_by("sort_name", "record_id")


def filter_people(account: Account, *, tags: Sequence[str] = (), q: str = "",
                  responsible_id: int | None = None, order: str = "name",
                  company_id: int | None = None) -> QuerySet[Person]:
    """Live people of the account: carrying all `tags`, each word of `q` in the first or last name,
    with that responsible user, working (now or formerly) at that company; sorted by `order`
    ("name" or "-updated_at")."""
    people = Person.objects.all()
    for word in q.split()[:MAX_WORDS]:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if company_id is not None:
        staff = Position.objects.filter(company_id=company_id).values("person_id")
        people = people.filter(record_id__in=staff)
    return _common_filters(people, account, Kind.PERSON, tags, responsible_id, order)


def filter_companies(account: Account, *, tags: Sequence[str] = (), q: str = "",
                     responsible_id: int | None = None, order: str = "name") -> QuerySet[Company]:
    """Live companies of the account, filtered and sorted like `filter_people`; `q` matches the name."""
    companies = Company.objects.all()
    for word in q.split()[:MAX_WORDS]:
        companies = companies.filter(name__icontains=word)
    return _common_filters(companies, account, Kind.COMPANY, tags, responsible_id, order)


_LIST_DETAIL_KINDS = [DetailKind.EMAIL, DetailKind.PHONE, DetailKind.MOBILE]


def _common_row_data() -> list[Prefetch]:
    return [
        Prefetch("record__contact_details", ContactDetail.objects.filter(kind__in=_LIST_DETAIL_KINDS),
                 to_attr="list_details"),
        Prefetch("record__tags", Tag.objects.order_by("name"), to_attr="tag_list"),
    ]


def with_row_data(items: QuerySet) -> QuerySet:
    """What a list row shows, in a fixed number of queries whatever the page size: the record,
    e-mail and phone numbers, tags, and for people the primary job, for companies the first address."""
    items = items.select_related("record").prefetch_related(*_common_row_data())
    if items.model is Person:
        return items.prefetch_related(Prefetch(
            "positions", Position.objects.filter(is_primary=True, company__record__deleted_at__isnull=True)
            .select_related("company"), to_attr="primary_positions"))
    return items.prefetch_related(Prefetch("record__addresses", Address.objects.all(),
                                           to_attr="address_list"))


@dataclass
class ListFilters:
    """The filters of a list page, read from its query string (so every filtered list is a link)."""

    tags: list[str] = field(default_factory=list)
    q: str = ""
    responsible_id: int | None = None
    order: str = "name"
    page: int = 1
    company_id: int | None = None

    @classmethod
    def from_query(cls, query: Mapping, current_user_id: int | None = None) -> ListFilters:
        getlist = getattr(query, "getlist", lambda key: [query[key]] if key in query else [])
        tags = list(dict.fromkeys(" ".join(t.split()) for t in getlist("tag") if t.strip()))[:20]
        responsible = query.get("responsible", "")
        order = str(query.get("order") or "")
        return cls(
            tags=tags,
            q=" ".join(str(query.get("q", "")).split())[:200],
            responsible_id=current_user_id if responsible == "me" else _positive_int(responsible),
            order=order if order in ORDERS else "name",
            page=min(max(_positive_int(query.get("page")) or 1, 1), MAX_PAGE),
            company_id=_positive_int(query.get("company")),
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.tags or self.q or self.responsible_id or self.company_id)


def _positive_int(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


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


def page_of(items: QuerySet, number: int, per_page: int = PER_PAGE) -> Page:
    """One page of a sorted queryset, fetching one row more than shown to learn whether there is a
    next page: no COUNT(*) over the whole list."""
    number = min(max(number, 1), MAX_PAGE)
    start = (number - 1) * per_page
    rows = list(items[start:start + per_page + 1])
    return Page(rows[:per_page], number, has_more=len(rows) > per_page)
