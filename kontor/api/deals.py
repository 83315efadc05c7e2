"""/api/v1/deals: list, export, create, read, change, delete (to the trash) and the history of a
deal, the standard routes of every record kind (record_routes.py); and the deal's own: the forecast
of expected revenue per month, win and lose. Each is added where its path must be matched
(`/export` and `/forecast` before `/{deal_id}`).

Money travels as decimal strings ("7500.00"), never as floating-point numbers; requests may send a
string or a JSON number for `value`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator, BeforeValidator, StrictBool, WithJsonSchema

from kontor.accounts.models import Membership, User
from kontor.api import details, exports
from kontor.api.auth import membership
from kontor.api.custom_fields import CustomFieldsIn
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, field_error, locating
from kontor.api.lists import Page, RecordFilters, changed_since, custom_conditions, tag_names
from kontor.api.record_routes import RecordRoutes, record_out, version_field
from kontor.api.schemas import Date, Id, Name, Omittable, TagName, Text
from kontor.contacts.models import Company, Person
from kontor.deals import actions
from kontor.deals.currencies import ISO_CODES, is_currency
from kontor.deals.forecast import MAX_MONTHS, default_range, forecast, months_between, parse_month
from kontor.deals.models import CENT, Deal, DealState
from kontor.deals.queries import filter_deals
from kontor.projects.actions import create_project_from_deal
from kontor.projects.models import Project
from kontor.records.access import access_company, access_deal, access_person
from kontor.records.custom_fields import values_prefetch
from kontor.records.filters import CustomFilter
from kontor.records.models import Kind, Tag


def _currency(value: str) -> str:
    if value.upper() not in ISO_CODES or value not in (value.upper(), value.lower()):
        raise ValueError("Unknown currency; use an ISO 4217 code, e.g. EUR.")
    return value


# The active ISO 4217 codes, as the document lists them (in lower case too: ?currency=usd).
Currency = Annotated[str, AfterValidator(_currency), WithJsonSchema(
    {"type": "string", "enum": sorted(ISO_CODES) + sorted(code.lower() for code in ISO_CODES)})]

router = Router(tags=["Deals"])

StateName = Literal["open", "won", "lost"]
ValueTypeName = Literal["total", "monthly", "daily", "hourly"]
def _not_a_boolean(value: Any) -> Any:
    # Python counts false as 0: without this, `"probability": false` would pass as 0%.
    if isinstance(value, bool):
        raise ValueError(_("Choose 0, 25, 50 or 75."))
    return value


Probability = Annotated[Literal[0, 25, 50, 75], BeforeValidator(_not_a_boolean)]
# A value as text: digits with at most two decimals, as the document says (no exponent, no sign).
MONEY_TEXT = r"^\s*[0-9]{1,12}(\.[0-9]{1,2})?\s*$"


def _money_text(value: Any) -> Any:
    """Text must look like an amount; a JSON number goes on to the checks of Decimal."""
    if isinstance(value, str):
        if not re.search(MONEY_TEXT, value):
            raise ValueError(_("Please enter an amount, e.g. 1500.00."))
        return Decimal(value.strip())
    return value


Money = Annotated[Decimal, BeforeValidator(_money_text), Field(ge=0, le=actions.MAX_VALUE, max_digits=14,
                                                                decimal_places=2),
                  WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": float(actions.MAX_VALUE)},
                                            {"type": "string", "pattern": MONEY_TEXT, "examples": ["1500.00"]}]})]
Month = Annotated[str, Field(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$", examples=["2027-01"])]
ORDERS = Literal["target_date", "-target_date", "-value", "value", "name", "-updated_at"]
# Where an action's error keys belong in the request body.
PLACES: dict[str, list[str | int]] = {"company": ["body", "company_id"], "people": ["body", "person_ids"],
                                      "colleagues": ["body", "colleague_ids"]}


class DealOut(Schema):
    id: int
    name: str
    value: str = Field(description="The value per unit of `value_type`, as a decimal string.")
    value_type: str = Field(description="total, monthly, daily or hourly")
    value_count: int = Field(description="How many months, days or hours; 1 for a total.")
    currency: str = Field(description="ISO 4217 code, e.g. EUR")
    total_value: str = Field(description="value × value_count")
    weighted_value: str = Field(description="What the deal adds to the forecast: the total when won, "
                                            "total × probability while open, 0 when lost.")
    target_date: dt.date | None
    state: str = Field(description="open, won or lost")
    probability: int | None = Field(description="0, 25, 50 or 75 while open; null when won or lost.")
    closed_at: dt.datetime | None = Field(description="When the deal was won or lost.")
    company_id: int | None
    person_ids: list[int]
    colleague_ids: list[int]
    responsible_id: int | None
    description: str
    tags: list[str]
    project_ids: list[int] = Field(description="Live projects made from this deal.")
    version: int
    custom_fields: dict[str, Any] = Field(description="Filled custom fields by key (see /custom-fields).")
    created_at: dt.datetime
    updated_at: dt.datetime


class WonOut(DealOut):
    project_id: int | None = Field(description="The project made from the deal, when one was asked for.")


class DealPage(Page):
    items: list[DealOut]


class DealFields(CustomFieldsIn):
    name: Omittable[Name] = Field(None, max_length=200)
    value: Money | None = Field(None, description="Per unit of `value_type`; a decimal string or number.")
    value_type: ValueTypeName | None = None
    value_count: int | None = Field(None, ge=1, le=actions.MAX_COUNT)
    currency: Currency | None = Field(None, description="ISO 4217 code; the account's currency if left out.")
    target_date: Date | None = None
    state: StateName | None = None
    probability: Probability | None = Field(None, description="0, 25, 50 or 75; for open deals.")
    company_id: Id | None = None
    person_ids: list[Id] | None = Field(None, max_length=500, description="The contact persons; replaces them.")
    colleague_ids: list[Id] | None = Field(None, max_length=500, description="User ids of colleagues involved.")
    description: Text | None = Field(None, max_length=100_000)
    tags: list[TagName] | None = Field(None, description="Replaces the deal's tags; new names are created.")
    responsible_id: Id | None = Field(None, description="User id of an active colleague (see /users).")


class DealCreate(DealFields):
    name: Name = Field(max_length=200)


class DealUpdate(DealFields):
    version: Id | None = version_field("deal")


class WinIn(Schema):
    create_project: StrictBool = Field(False, description="Also create the project that continues the deal (or "
                                                    "return the one made before).")


# The win's body may be left out, but is an object when sent (a default of None would allow null).
NOT_SENT = WinIn(create_project=False)


class DealFilters(RecordFilters):
    state: StateName | None = None
    company_id: Id | None = Field(None, description="Only deals with this company.")
    person_id: Id | None = Field(None, description="Only deals with this contact person.")
    target_from: Date | None = Field(None, description="Only deals with a target date on or after this day.")
    target_to: Date | None = Field(None, description="Only deals with a target date on or before this day.")
    # RecordFilters (lists.py) types `order` as the two sorts of people and companies; mypy refuses a
    # subclass that widens it. A typing that fits every list belongs in lists.py, not in this router.
    order: ORDERS = Field("target_date", description="target_date, -target_date, -value, value, name or "  # type: ignore[assignment]
                                                     "-updated_at")


class ForecastFilters(Schema):
    tag: list[Text] = Field([], description="Like the list: the deals must carry all these tags.")
    tag_id: list[Id] = []
    q: Text = Field("", max_length=200)
    state: StateName | None = None
    responsible_id: Id | None = None
    company_id: Id | None = None
    person_id: Id | None = None
    target_from: Date | None = None
    target_to: Date | None = None
    from_month: Month | None = Field(None, alias="from", description="First month, YYYY-MM; six months back "
                                                                    "if left out.")
    to_month: Month | None = Field(None, alias="to", description="Last month, YYYY-MM; six months ahead if "
                                                                "left out.")
    currency: Currency | None = Field(None, description="ISO 4217 code; the account's currency if left out.")


class MonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    won: str
    weighted_open: str
    total: str


class ForecastOut(Schema):
    currency: str
    from_month: str = Field(alias="from")
    to_month: str = Field(alias="to")
    months: list[MonthOut]
    won: str
    weighted_open: str
    total: str


def _money(amount: Decimal) -> str:
    return str(amount.quantize(CENT))


DEAL_DATA = (
    values_prefetch(),
    Prefetch("record__tags", Tag.objects.order_by("name")), "people", "colleagues",
    Prefetch("projects", Project.objects.alive().order_by("record_id"), to_attr="live_projects"),
)


def with_api_data(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    """Everything a deal's JSON shows, in a fixed number of queries whatever the page size."""
    return deals.select_related("record").prefetch_related(*DEAL_DATA)


def deal_out(deal: Deal) -> dict[str, Any]:
    return {
        "id": deal.pk, "name": deal.name, "value": _money(deal.value), "value_type": deal.value_type,
        "value_count": deal.value_count, "currency": deal.currency, "total_value": _money(deal.total_value),
        "weighted_value": _money(deal.weighted_value), "target_date": deal.target_date, "state": deal.state,
        "probability": deal.probability if deal.is_open else None, "closed_at": deal.closed_at,
        "company_id": deal.company_id, "person_ids": sorted(p.pk for p in deal.people.all()),
        "colleague_ids": sorted(u.pk for u in deal.colleagues.all()), "description": deal.description,
        "project_ids": [p.pk for p in getattr(deal, "live_projects", [])], **record_out(deal.record),
    }


def _load(by: Membership, deal_id: int) -> Deal:
    deal = access_deal(by, deal_id)
    prefetch_related_objects([deal], *DEAL_DATA)
    return deal


def _stage(data: dict[str, Any], deal: Deal | None) -> str | None:
    """The stage of the state bar that `state` and `probability` ask for; None to leave it."""
    state, probability = data.get("state"), data.get("probability")
    if state in (DealState.WON, DealState.LOST):
        return str(state)
    if state == DealState.OPEN:
        if probability is not None:
            return str(probability)
        return str(deal.probability) if deal is not None and not deal.is_open else None
    if probability is None:
        return None
    if deal is not None and not deal.is_open:
        raise InvalidInput([field_error(["body", "probability"], _(
            "A won or lost deal has no probability; send “state”: “open” with it to reopen the deal."))])
    return str(probability)


def company_in(by: Membership, data: dict[str, Any]) -> Company | None:
    if data.get("company_id") is None:
        return None
    try:
        return access_company(by, data["company_id"])
    except Http404:
        raise InvalidInput([field_error(["body", "company_id"], _(
            "There is no company with this id in your account."))]) from None


def people_in(by: Membership, data: dict[str, Any]) -> list[Person] | None:
    if "person_ids" not in data:
        return None
    people, errors = [], []
    for index, person_id in enumerate(data["person_ids"] or []):
        try:
            people.append(access_person(by, person_id))
        except Http404:
            errors.append(field_error(["body", "person_ids", index], _(
                "There is no person with this id in your account.")))
    if errors:
        raise InvalidInput(errors)
    return people


def colleagues_in(by: Membership, data: dict[str, Any]) -> list[User] | None:
    if "colleague_ids" not in data:
        return None
    team = {m.user_id: m.user for m in Membership.objects.active().filter(account=by.account)
            .select_related("user")}
    errors = [field_error(["body", "colleague_ids", index], _(
        "There is no active colleague with this id in your account."))
        for index, user_id in enumerate(data["colleague_ids"] or []) if user_id not in team]
    if errors:
        raise InvalidInput(errors)
    return [team[user_id] for user_id in dict.fromkeys(data["colleague_ids"] or [])]


def _write(by: Membership, data: dict[str, Any], deal: Deal | None) -> Deal:
    """Creates the deal (deal=None) or changes it, from the request's fields."""
    fields = {name: data[name] for name in actions.DEAL_FIELDS if name in data and data[name] is not None}
    if "target_date" in data:
        fields["target_date"] = data["target_date"]
    if deal is not None and "description" in data:
        fields["description"] = data["description"] or ""
    stage = _stage(data, deal)
    company = company_in(by, data) if "company_id" in data else actions.KEEP
    people, colleagues = people_in(by, data), colleagues_in(by, data)
    tags, responsible = details.tags_in(data), details.responsible_in(by, data)
    with locating(PLACES):
        if deal is None:
            return actions.create_deal(
                by, fields, stage=stage or "0", company=None if company is actions.KEEP else company,
                people=people or [], colleagues=colleagues or [], tags=tags or (), responsible=responsible or None)
        return actions.update_deal(
            deal, by, fields, version=data.get("version"), stage=stage, company=company, people=people,
            colleagues=colleagues, tags=tags, responsible=actions.KEEP if responsible is False else responsible)


def _filtered(by: Membership, filters: DealFilters | ForecastFilters, order: str,
              custom: list[CustomFilter]) -> QuerySet[Deal] | None:
    # The forecast takes the list's tag filters; tag_names reads only those.
    tags = tag_names(by, RecordFilters.model_construct(tag=filters.tag, tag_id=filters.tag_id))
    if tags is None:
        return None
    return filter_deals(by.account, tags=tags, q=filters.q, state=filters.state or "",
                        responsible_id=filters.responsible_id, company_id=filters.company_id,
                        person_id=filters.person_id, target_from=filters.target_from,
                        target_to=filters.target_to, order=order, custom=custom)


def _listed(by: Membership, filters: DealFilters, custom: list[CustomFilter]) -> QuerySet[Deal] | None:
    """What the list shows for these filters: also only the deals changed since `updated_since`."""
    deals = _filtered(by, filters, filters.order, custom)
    return None if deals is None else changed_since(deals, filters)


DEALS = RecordRoutes(router, __name__, Kind.DEAL, "deal", "deals", access=access_deal, load=_load, out=deal_out,
                     out_schema=DealOut, write=_write, filters=DealFilters, select=_listed, with_data=with_api_data)

DEALS.add_list(DealPage)
DEALS.add_export(exports.TableExportParams, description=(
    exports.DESCRIPTION + " Amounts are numbers (in Excel) or decimal strings (in CSV)."))


@router.get("/forecast", response={200: ForecastOut, 422: InvalidInputOut}, by_alias=True,
            summary="Expected revenue per month",
            description="Per month of the range: won deals in full in the month they were won (in your time "
                        "zone), open deals at value × probability in the month of their target date; lost and "
                        "0 % deals count nothing. Only deals in `currency`; the list filters apply. Every "
                        "month of the range is listed, empty ones too; at most 60 months.")
def deal_forecast(request: HttpRequest, filters: Query[ForecastFilters]) -> dict:
    by = membership(request)
    first, last = _range(filters)
    currency = (filters.currency or by.account.currency).upper()
    if not is_currency(currency):
        raise InvalidInput([field_error(["query", "currency"], _("Unknown currency; use an ISO 4217 code."))])
    deals = _filtered(by, filters, "target_date", custom_conditions(request)) or Deal.objects.none()
    result = forecast(deals, first, last, currency, timezone.get_current_timezone())
    return {
        "currency": currency, "from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}",
        "months": [{"month": m.key, "won": _money(m.won), "weighted_open": _money(m.weighted_open),
                    "total": _money(m.total)} for m in result.months],
        "won": _money(result.won), "weighted_open": _money(result.weighted_open), "total": _money(result.total),
    }


def _range(filters: ForecastFilters) -> tuple[dt.date, dt.date]:
    first, last = default_range(timezone.localdate())
    errors = []
    for name, text in (("from", filters.from_month), ("to", filters.to_month)):
        if text is not None and parse_month(text) is None:
            errors.append(field_error(["query", name], _("Please send a month as YYYY-MM, e.g. 2027-01.")))
    if errors:
        raise InvalidInput(errors)
    first = parse_month(filters.from_month) or first
    last = parse_month(filters.to_month) or last
    if last < first:
        raise InvalidInput([field_error(["query", "to"], _("The last month cannot be before the first."))])
    if months_between(first, last) > MAX_MONTHS:
        raise InvalidInput([field_error(["query", "to"], _("At most %(count)s months at once.")
                                        % {"count": MAX_MONTHS})])
    return first, last


DEALS.add_create(DealCreate, description=(
    "Only `name` is required. A new deal is open at 0 % unless `state` and `probability` say otherwise; the creator "
    "is responsible unless `responsible_id` names a colleague."))
DEALS.add_read()
DEALS.add_update(DealUpdate, description=(
    "Changes only the fields that are sent; `person_ids`, `colleague_ids` and `tags` replace the stored lists. A "
    "change of `state` or `probability` is written into the deal's history. With `version`, a deal changed "
    "meanwhile is not overwritten (409)."))
DEALS.add_delete(trash=actions.delete_deal)


@router.post("/{deal_id}/win", response={200: WonOut, 404: ErrorOut, 422: InvalidInputOut}, summary="Win a deal",
             description="Marks the deal as won now (a deal won already stays as it is). With "
                         "`{\"create_project\": true}` the project that continues it is created too, or the one "
                         "made before is returned, as `project_id`.")
def win_deal(request: HttpRequest, deal_id: Id, payload: WinIn = NOT_SENT) -> dict:
    by = membership(request)
    deal = access_deal(by, deal_id)
    with transaction.atomic():
        actions.win_deal(deal, by)
        project = create_project_from_deal(deal, by) if payload and payload.create_project else None
    return {**deal_out(_load(by, deal_id)), "project_id": project.pk if project else None}


@router.post("/{deal_id}/lose", response={200: DealOut, 404: ErrorOut}, summary="Lose a deal",
             description="Marks the deal as lost now (a deal lost already stays as it is).")
def lose_deal(request: HttpRequest, deal_id: Id) -> dict:
    by = membership(request)
    actions.lose_deal(access_deal(by, deal_id), by)
    return deal_out(_load(by, deal_id))


DEALS.add_history(description=(
    "Notes, calls, meetings, e-mails and changes of state, newest first unless `order` says otherwise. "
    "Confidential entries only for power users and above."))
