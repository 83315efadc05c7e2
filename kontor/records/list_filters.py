"""The list filters of the record kinds that link a company and people (deals, projects), written
once: the query-string reading of what they share, the filtering it means, and the rows a list
shows. A kind adds only its own fields (a deal's state and target dates, a project's status and
running dates) in its own queries module.

The filtering stays fast at 100,000 records: records in the trash are left out by their ids (a
short list, found on the record_trash index) rather than by joining every record, and the
record's columns are only joined where a sort or filter reads them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Prefetch, QuerySet

from kontor.accounts.models import Account
from kontor.contacts.models import Company
from kontor.lib.params import parse_id
from kontor.records.custom_fields import values_prefetch
from kontor.records.filters import (
    MAX_WORDS,
    CustomFilter,
    RecordFilters,
    filter_records,
    linked_name_contains,
    one_line,
)
from kontor.records.models import Tag
from kontor.records.trash import trashed_records

Items = TypeVar("Items", bound=QuerySet)


def one_of(value: object, choices: Sequence[str]) -> str:
    """The value when it is one of the choices, else "" (no filter)."""
    return str(value) if value in choices else ""


@dataclass
class LinkedFilters(RecordFilters):
    """The filters of lists whose records name a company and people (deals, projects): a company
    by id or by (part of) its name, and a contact person. Each such kind adds its own beside them."""

    company_id: int | None = None
    company_name: str = ""
    person_id: int | None = None

    @classmethod
    def own_fields(cls, query: Mapping) -> dict[str, Any]:
        return {"company_id": parse_id(query.get("company")),
                "company_name": one_line(query.get("company_name", "")),
                "person_id": parse_id(query.get("person"))}

    @property
    def has_own_filters(self) -> bool:
        return bool(self.company_id or self.company_name or self.person_id)

    def apply(self, account: Account) -> QuerySet[Any]:
        """The records these filters select, sorted: each kind's own."""
        raise NotImplementedError

    def chosen_company(self, account: Account) -> tuple[int | None, str]:
        """The company filter as (id, part of a name): a name picked from the suggestions that
        names exactly one company becomes that company. Matched on the folded name column (indexed,
        and lower-cased in Python, so "MÜLLER" finds "Müller" on SQLite too)."""
        if self.company_id is not None or not self.company_name:
            return self.company_id, self.company_name
        exact = list(Company.objects.filter(account=account, sort_name=self.company_name.strip().lower())
                     .alive().values_list("pk", flat=True)[:2])
        return (exact[0], "") if len(exact) == 1 else (None, self.company_name)

    def shared_arguments(self, account: Account) -> dict[str, Any]:
        """The shared filters as the keyword arguments of filter_linked (and of the kinds' filter
        functions, which take them too)."""
        company_id, company_name = self.chosen_company(account)
        return {"tags": self.tags, "q": self.q, "responsible_id": self.responsible_id, "company_id": company_id,
                "company_name": company_name, "person_id": self.person_id, "order": self.order,
                "custom": self.custom}


def filter_linked(items: Items, account: Account, kind: str, *, tags: Sequence[str] = (), q: str = "",
                  responsible_id: int | None = None, company_id: int | None = None, company_name: str = "",
                  person_id: int | None = None, order: str = "",
                  custom: Sequence[CustomFilter] = ()) -> Items:
    """The account's live `items` of that kind carrying all `tags`, each word of `q` in their or
    their company's name, with that responsible user, for that company (by id, or by a part of its
    name), with that person, meeting the `custom` field conditions. Unsorted: the kind sorts."""
    items = items.filter(account=account).exclude(record_id__in=trashed_records(account))
    if order == "-updated_at" or responsible_id is not None:
        # Repeating what the kind's table already says lets the database walk the record's
        # (account, kind, updated_at) and (account, kind, responsible) indexes.
        items = items.filter(record__account=account, record__kind=kind)
    for word in q.split()[:MAX_WORDS]:
        items = items.filter(linked_name_contains(account, kind, word))
    if company_id is not None:
        items = items.filter(company_id=company_id)
    elif company_name:
        items = items.filter(company__name__icontains=company_name)
    if person_id is not None:
        items = items.filter(people=person_id)
    return filter_records(items, account, kind, tags=tags, responsible_id=responsible_id, custom=custom)


def with_row_data(items: Items, *, custom_values: bool = False) -> Items:
    """What a list row shows, in a fixed number of queries whatever the page size (and the custom
    values when a custom field is shown as a column)."""
    items = items.select_related("record", "record__responsible", "company__record").prefetch_related(
        Prefetch("record__tags", Tag.objects.order_by("name"), to_attr="tag_list"))
    return items.prefetch_related(values_prefetch()) if custom_values else items
