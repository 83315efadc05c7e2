"""Template helpers for deals: amounts in the user's language, and the deals card that company and
person pages show (`{% load deal_tags %}{% record_deals record %}`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Case, IntegerField, Value, When
from django.utils import formats

from kontor.deals.currencies import format_money
from kontor.deals.models import Deal, DealState
from kontor.records.models import Kind, Record

register = template.Library()

CARD_SIZE = 10


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """`{{ deal.total_value|money:deal.currency }}` → "7.500,00 €" (German) or "€7,500.00"."""
    return format_money(amount, currency)


@register.filter
def amount(value: Decimal | None) -> str:
    """A number with two decimals and grouping in the user's language, without a currency: for
    tables whose caption names the currency."""
    return "" if value is None else formats.number_format(value, 2, use_l10n=True, force_grouping=True)


@register.filter
def whole_money(amount: Decimal | None, currency: str) -> str:
    """Like money, without the cents: for the chart's scale."""
    return format_money(amount, currency, decimals=0)


@register.inclusion_tag("deals/_record_deals.html", takes_context=True)
def record_deals(context: template.Context, record: Record) -> dict[str, Any]:
    """The "Deals" card of a company or person page, in one query: open deals first (soonest
    target date first), then the closed ones, at most CARD_SIZE with a link to all of them."""
    deals = Deal.objects.alive().select_related("company")
    if record.kind == Kind.COMPANY:
        deals = deals.filter(company_id=record.pk)
        param = f"company={record.pk}"
    else:
        deals = deals.filter(people=record.pk)
        param = f"person={record.pk}"
    open_first = Case(When(state=DealState.OPEN, then=Value(0)), default=Value(1),
                      output_field=IntegerField())
    rows = list(deals.order_by(open_first, "target_date", "-closed_at", "record_id")[:CARD_SIZE + 1])
    # `param` prefills a new deal and filters the deals overview: ?company=ID or ?person=ID.
    return {"record": record, "deals": rows[:CARD_SIZE], "has_more": len(rows) > CARD_SIZE, "param": param}
