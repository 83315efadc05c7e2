"""Template helpers for deals: amounts in the user's language, the texts of the deals list's rows,
and the deals card that company and person pages show (`{% load deal_tags %}{% record_deals record %}`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Case, IntegerField, Value, When
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kontor.deals import rows
from kontor.deals.currencies import format_amount, format_money
from kontor.deals.models import Deal, DealState
from kontor.deals.rows import DealTexts
from kontor.lib.urls import id_url
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


@dataclass
class BoardCard:
    """What one card of the board shows besides the deal's own fields (deals/_board_card.html)."""

    deal: Deal
    when: SafeString
    amount: str
    move_url: str
    move_label: SafeString
    options: SafeString  # the stage menu's options, the deal's own stage selected


@register.simple_tag
def board_cards(deals: Iterable[Deal]) -> list[BoardCard]:
    """`{% board_cards column.cards as cards %}`: a column's cards' texts, with the stage menu
    written once per stage rather than an option at a time for every card."""
    texts = DealTexts()
    move_label = gettext("New state of “%(name)s”")
    options: dict[str, SafeString] = {}
    for current in texts.stage_labels:
        options[current] = mark_safe("".join(
            format_html('<option value="{}"{}>{}</option>', value, mark_safe(" selected") if value == current else "",
                        label) for value, label in texts.stage_labels.items()))
    return [BoardCard(deal, texts.when(deal.state, deal.target_date, deal.closed_at),
                      texts.money.money(deal.total_value, deal.currency),
                      id_url("deals:move", deal.pk),
                      mark_safe(move_label % {"name": conditional_escape(deal.name)}), options[deal.stage])
            for deal in deals]


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
