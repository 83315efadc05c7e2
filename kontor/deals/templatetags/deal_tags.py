"""Template helpers for deals: amounts in the user's language, the deals list's rows and the
board's cards (deals/rows.py), and the deals card that company and person pages show
(`{% load deal_tags %}{% record_deals record %}`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from kontor.deals import rows
from kontor.deals.board import Card
from kontor.deals.currencies import format_amount, format_money
from kontor.deals.models import Deal, DealState
from kontor.lib.prepared import prepared
from kontor.records.models import CustomField, Kind, Record

register = template.Library()

CARD_SIZE = 10


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """`{{ deal.total_value|money:deal.currency }}` → "7.500,00 €" (German) or "€7,500.00"."""
    return format_money(amount, currency)


@register.filter
def amount(value: Decimal | None) -> str:
    """`{{ month.won|amount }}`: currencies.format_amount."""
    return format_amount(value)


@register.filter
def whole_money(amount: Decimal | None, currency: str) -> str:
    """Like money, without the cents: for the chart's scale."""
    return format_money(amount, currency, decimals=0)


@register.simple_tag(takes_context=True)
def deal_rows(context: template.Context, items: Iterable[rows.DealRow],
              column: CustomField | None = None) -> SafeString:
    """`{% deal_rows page.items column %}`: the rows of a page of the deals list (deals/rows.py page_rows)."""
    return rows.deal_rows(context.get("request"), items, column)


@register.simple_tag(takes_context=True)
def board_cards(context: template.Context, deals: Iterable[Card]) -> SafeString:
    """`{% board_cards column.cards %}`: a column's cards (deals/rows.py BoardTexts), with what the
    cards of every column share worked out once per page."""
    query, moved, move = context.get("query") or "", context.get("moved"), context.get("move", "")
    request = context.get("request")
    cache: dict[Any, rows.BoardTexts] = request.__dict__.setdefault("_kontor_board_texts", {}) if request else {}
    key = (query, moved, get_language())
    if key not in cache:
        cache[key] = rows.BoardTexts(query, moved, move, context.get("csrf_token"))
    texts = cache[key]
    return SafeString("".join([texts.card(deal) for deal in deals]))


@prepared
def _card_deals(record_id: int, of_company: bool) -> QuerySet[Deal]:
    """A company's deals (`of_company`) or a person's, open first (soonest target date first), then
    the closed ones; one more than the card shows."""
    deals = Deal.objects.alive().select_related("company")
    deals = deals.filter(company_id=record_id) if of_company else deals.filter(people=record_id)
    open_first = Case(When(state=DealState.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return deals.order_by(open_first, "target_date", "-closed_at", "record_id")[:CARD_SIZE + 1]


@register.inclusion_tag("deals/_record_deals.html", takes_context=True)
def record_deals(context: template.Context, record: Record) -> dict[str, Any]:
    """The "Deals" card of a company or person page, in one query: open deals first (soonest
    target date first), then the closed ones, at most CARD_SIZE with a link to all of them."""
    is_company = record.kind == Kind.COMPANY
    param = f"company={record.pk}" if is_company else f"person={record.pk}"
    rows = _card_deals(record.pk, is_company)
    # `param` prefills a new deal and filters the deals overview: ?company=ID or ?person=ID.
    return {"record": record, "deals": rows[:CARD_SIZE], "has_more": len(rows) > CARD_SIZE, "param": param}
