"""The conventions every list of the API shares: the envelope, paging and the record filters.

    GET /api/v1/people?tag=Kunde&tag=Berlin&q=mül&order=-updated_at&page=2&per_page=50
    {"items": [...], "page": 2, "per_page": 50, "has_next": true}

Pages are counted from 1. `has_next` is learnt by fetching one row more than the page holds, so a
list never counts the whole table.

Every record list also filters by custom fields (see kontor/records/filters.py):
`custom.<key>=v` (equals; repeat it for "is one of"), `custom.<key>.contains=`, `custom.<key>.gt=`
and `custom.<key>.lt=` (numbers, dates), combined with `tag` and the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, TypeVar

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import model_validator

from kontor.accounts.models import Membership
from kontor.api.errors import InvalidInput, Loc, field_error
from kontor.api.schemas import DateTime, Id, Text
from kontor.records.filters import CustomFilter, custom_filters
from kontor.records.models import Tag


class Page(Schema):
    page: int
    per_page: int
    has_next: bool = Field(description="Whether the next page has at least one item.")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Counted from 1.")
    per_page: int = Field(25, ge=1, le=250, description="Items per page, at most 250.")
    perpage: int | None = Field(None, ge=1, le=250, description="The same as `per_page`, by the name "
                                                                "CentralStationCRM uses; `per_page` wins if both "
                                                                "are sent.")

    @model_validator(mode="after")
    def _perpage(self) -> PageParams:
        if self.perpage is not None and "per_page" not in self.model_fields_set:
            self.per_page = self.perpage
        return self


class ChangedSince(Schema):
    updated_since: DateTime | None = Field(None, description="Only what changed at or after this time (ISO 8601; "
                                           "without an offset, in the user's time zone).")


class ListParams(PageParams, ChangedSince):
    """What every list takes: paging, `updated_since` and `order`. A list declares its own `order`
    (a Literal of the columns it sorts by, `-` first for descending, its default first) and says
    which time `updated_since` compares in its description."""


class RecordFilters(PageParams):
    tag: list[Text] = Field([], description="A tag name; repeat it to get only records that carry "
                                            "all the tags. An unknown name gives an empty list.")
    tag_id: list[Id] = Field([], description="A tag id from /tags; repeatable like `tag`, and combined "
                                             "with it.")
    q: Text = Field("", max_length=200, description="Only records whose name contains each of these words.")
    responsible_id: Id | None = Field(None, description="Only records this user is responsible for.")
    updated_since: DateTime | None = Field(None, description="Only records changed at or after this time "
                                              "(ISO 8601; without an offset, in the user's time zone).")
    order: Literal["name", "-updated_at"] = Field("name", description="`name` (A to Z) or `-updated_at` "
                                                  "(recently changed first).")


Rows = TypeVar("Rows", bound=QuerySet)


def custom_conditions(request: HttpRequest) -> list[CustomFilter]:
    """The `custom.<key>[.op]` filters of the query string; the schemas cannot declare them, since
    the keys are the account's own."""
    return custom_filters(request.GET)


def page_of(queryset: QuerySet, params: PageParams) -> tuple[list, bool]:
    """One page of a sorted queryset and whether more follow."""
    start = (params.page - 1) * params.per_page
    rows = list(queryset[start:start + params.per_page + 1])
    return rows[:params.per_page], len(rows) > params.per_page


def envelope(items: list, params: PageParams, has_next: bool) -> dict:
    return {"items": items, "page": params.page, "per_page": params.per_page, "has_next": has_next}


def tag_names(membership: Membership, filters: RecordFilters) -> list[str] | None:
    """The tag names to filter by, with `tag_id`s looked up; None when an id names no tag of the
    account (then nothing can match, just as for an unknown name)."""
    names = list(filters.tag)
    if filters.tag_id:
        wanted = set(filters.tag_id)
        tags = dict(Tag.objects.filter(account=membership.account, pk__in=wanted).values_list("pk", "name"))
        if len(tags) < len(wanted):
            return None
        names.extend(tags.values())
    return names


def aware(value: dt.datetime | None, loc: Loc) -> dt.datetime | None:
    """A datetime the database can compare: one sent without an offset counts as the user's local
    time, and one whose UTC equivalent falls outside the calendar is refused."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise InvalidInput([field_error(loc, _("This date is out of range."))]) from None


def changed_since(items: Rows, filters: RecordFilters | ChangedSince,
                  field: str = "record__updated_at", *also: str) -> Rows:
    """Only the rows changed at or after `updated_since`, when the filters name one: by `field`, or
    by any of `field` and `also` (a notification changes when it is read, an import when it ends)."""
    if filters.updated_since is None:
        return items
    since = aware(filters.updated_since, ["query", "updated_since"])
    changed = Q()
    for name in (field, *also):
        changed |= Q(**{f"{name}__gte": since})
    return items.filter(changed)


def in_order(items: Rows, order: str, columns: Mapping[str, str] | None = None) -> Rows:
    """The rows sorted as `order` says (`created_at`, `-created_at`, ...), ties broken by id in the
    same direction so that pages never overlap; `columns` maps an order's name to the column it
    sorts by when the two differ."""
    descending = order.startswith("-")
    name = order.removeprefix("-")
    column = (columns or {}).get(name, name)
    sign = "-" if descending else ""
    return items.order_by(f"{sign}{column}", f"{sign}pk")
