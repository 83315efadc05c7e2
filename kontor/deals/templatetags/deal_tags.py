"""Template helpers for deals: amounts in the user's language, the texts of the deals list's rows,
and the deals card that company and person pages show (`{% load deal_tags %}{% record_deals record %}`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Case, IntegerField, Value, When
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kontor.deals.currencies import format_money
from kontor.deals.models import Deal, DealState, Stage
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


@dataclass
class DealRow:
    """What one row of the deals list shows besides the deal's own fields (deals/_row.html)."""

    deal: Deal
    state_title: str
    stage_label: str
    when: SafeString  # "target 3/15/27", "won …", "lost …" or nothing
    amount: str
    weighted: SafeString  # "€7,500.00 weighted" for an open deal above 0 %, else nothing


@register.simple_tag
def deal_rows(deals: Iterable[Deal]) -> list[DealRow]:
    """`{% deal_rows page.items as rows %}`: the rows' texts, with the translations, the stage
    names and the date format looked up once per page instead of once per row. Writes what
    `blocktranslate with date=…|date:"SHORT_DATE_FORMAT"` and the `money` filter wrote."""
    date_format = formats.get_format("SHORT_DATE_FORMAT")
    texts = {"target": gettext("target %(date)s"), DealState.WON: gettext("won %(date)s"),
             DealState.LOST: gettext("lost %(date)s"), "weighted": gettext("%(amount)s weighted")}
    state_title = gettext("State")
    stage_labels = {value: str(label) for value, label in Stage.choices}

    def when(deal: Deal) -> SafeString:
        if deal.is_open:
            day: Any = deal.target_date
            text = texts["target"]
        else:
            day = deal.closed_at and timezone.localtime(deal.closed_at)
            text = texts[DealState.WON if deal.is_won else DealState.LOST]
        if not day:
            return mark_safe("")
        return mark_safe(text % {"date": conditional_escape(dateformat.format(day, date_format))})

    def weighted(deal: Deal) -> SafeString:
        if not (deal.is_open and deal.probability):
            return mark_safe("")
        amount = conditional_escape(format_money(deal.weighted_value, deal.currency))
        return mark_safe(texts["weighted"] % {"amount": amount})

    return [DealRow(deal, state_title, stage_labels[deal.stage], when(deal),
                    format_money(deal.total_value, deal.currency), weighted(deal)) for deal in deals]


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
