"""The pipeline board: the deals the list's filters select, in one column per stage (0, 25, 50,
75 %, won, lost), with each column's sums.

A board of 50,000 deals must open as fast as the list, so it never loads a whole column: each
column shows its first CARDS_PER_COLUMN cards and says how many more there are. The counts and
sums of all six columns come from two grouped queries that read an index only (deal_board_sums),
and an open column's first cards are read in order from deal_board_cards. Won and lost deals are
limited to those closed this month unless all of them are asked for: a team looks at what it
closes now, not at the last five years."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When

from kontor.deals.models import CENT, Deal, DealState, Stage, cents_to_amount, stage_of, stage_parts

CARDS_PER_COLUMN = 25


@dataclass
class ColumnSum:
    """A column's money in one currency: the deals' total and what they add to the forecast."""

    currency: str
    total: Decimal = Decimal("0.00")
    weighted: Decimal = Decimal("0.00")


@dataclass
class BoardColumn:
    stage: str
    label: str
    cards: list[Card] = field(default_factory=list)
    count: int = 0
    sums: list[ColumnSum] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many of the column's deals the board does not show."""
        return max(0, self.count - len(self.cards))

    @property
    def state(self) -> str:
        return stage_parts(self.stage)[0]


def month_start(today: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The first moment of `today`'s month in the user's time zone."""
    return dt.datetime(today.year, today.month, 1, tzinfo=tz)


def stage_deals(deals: QuerySet[Deal], stage: str) -> QuerySet[Deal]:
    """The deals of one column."""
    state, probability = stage_parts(stage)
    return deals.filter(state=state) if probability is None else deals.filter(state=state, probability=probability)


def board_deals(deals: QuerySet[Deal], closed_since: dt.datetime | None) -> QuerySet[Deal]:
    """The filtered deals the board shows: every open one, and the closed ones since the given moment."""
    if closed_since is None:
        return deals
    return deals.filter(Q(state=DealState.OPEN) | Q(closed_at__gte=closed_since))


def _weighted(state: str, probability: int, cents: int) -> Decimal:
    if state == DealState.WON:
        return cents_to_amount(cents)
    if state == DealState.LOST:
        return Decimal("0.00")
    return (Decimal(cents * probability).scaleb(-4)).quantize(CENT, ROUND_HALF_UP)


def _groups(deals: QuerySet[Deal], closed_since: dt.datetime | None) -> Iterator[Mapping[str, Any]]:
    """Count and sum of the deals per state, probability and currency, the open ones and the closed
    ones (this month's, or all) apart: each query reads the deal_board_sums index alone."""
    open_deals = deals.filter(state=DealState.OPEN)
    closed = deals.filter(state__in=[DealState.WON, DealState.LOST])
    if closed_since is not None:
        closed = closed.filter(closed_at__gte=closed_since)
    for part in (open_deals, closed):
        yield from (part.order_by().values("state", "probability", "currency")
                    .annotate(deals=Count("pk"), cents=Sum("total_cents")))


class Card(NamedTuple):
    """What a board card shows of its deal (deals/rows.py BoardTexts.card): plain columns, read
    in the card query; 150 cards as deals with their records, responsible users and companies
    were 600 models, a fifth of the board's time."""

    pk: int
    name: str
    state: str
    probability: int
    total_cents: int
    currency: str
    target_date: dt.date | None
    closed_at: dt.datetime | None
    version: int
    responsible_name: str | None
    company_name: str | None  # None when the deal has no company or its company is in the trash

    @property
    def stage(self) -> str:
        return stage_of(self.state, self.probability)


def _cards(deals: QuerySet[Deal], stage: str, limit: int) -> list[Card]:
    """A column's first cards: open deals in the list's order, won and lost ones the most recently
    closed first (what a team looks at there, and the deal_state_closed index's order)."""
    cards = stage_deals(deals, stage)
    if stage in (DealState.WON, DealState.LOST):
        cards = cards.order_by(F("closed_at").desc(nulls_last=True), "-record_id")
    live_company = Case(When(company__record__deleted_at__isnull=True, then=F("company__name")), default=None)
    rows = cards.values_list("pk", "name", "state", "probability", "total_cents", "currency", "target_date",
                             "closed_at", "record__version", "record__responsible__name", live_company)
    return [Card(*row) for row in rows[:limit]]


def build_board(deals: QuerySet[Deal], closed_since: dt.datetime | None,
                limit: int = CARDS_PER_COLUMN) -> list[BoardColumn]:
    """The six columns of the board for the filtered, sorted `deals`, in 2 + 6 queries at most.

    1. Two grouped queries count and sum the deals per state, probability and currency.
    2. One query per column that has deals reads its first `limit` cards, with what a card
       shows (record, responsible user, company)."""
    shown = board_deals(deals, closed_since)
    columns = {stage: BoardColumn(stage, str(label)) for stage, label in Stage.choices}
    sums: dict[str, dict[str, ColumnSum]] = defaultdict(dict)
    for group in _groups(deals, closed_since):
        stage = str(group["probability"]) if group["state"] == DealState.OPEN else group["state"]
        column = columns[stage]
        column.count += group["deals"]
        money = sums[stage].setdefault(group["currency"], ColumnSum(group["currency"]))
        money.total += cents_to_amount(group["cents"] or 0)
        money.weighted += _weighted(group["state"], group["probability"], group["cents"] or 0)
    for stage, column in columns.items():
        column.sums = sorted(sums[stage].values(), key=lambda money: (-money.total, money.currency))
        if column.count:
            column.cards = _cards(shown, stage, limit)
    return list(columns.values())
