"""Expected revenue per month: what the deals chart and the forecast API show.

    won deals    count in full in the month they were won (closed_at, in the user's time zone)
    open deals   count value x probability in the month of their target date
    lost deals and open deals at 0 % count nothing

The per-month sums come from one query over the (already filtered) deals. The database adds
integers only: the totals in hundredths (`total_cents`), kept apart by probability, so that the
sums are exact on SQLite as on PostgreSQL; Python then weighs them with Decimal arithmetic.

The query is two grouped halves joined by UNION ALL, each a range scan of its covering index:
the won deals grouped by their month, the open ones by their target day. The open deals are
grouped by day because their index is in target date order, so the database adds them up as it
reads, without sorting some ten thousand rows into months or working out each row's month: on
the benchmark's 50,000 deals the two halves take 3.5 ms where one grouped query over both states
(its indexes merged by an OR) took 9.4 ms. Python then adds the days (at most a few hundred rows
a year) into months.

Which month a won deal belongs to is decided in the database by comparing with the first moment
of each month of the range in the user's time zone, computed here with zoneinfo (so summer time is
exact). That is what TruncMonth(closed_at, tzinfo=...) gives, but on SQLite TruncMonth calls a
Python function for every row, which made the chart over 50,000 deals seven times slower
(150 ms instead of 22 ms on a small two-core machine); plain comparisons cost the same on both
databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import BigIntegerField, DateField, Expression, F, Q, QuerySet, Sum, Value
from django.utils.translation import gettext as _

from kontor.accounts.models import Account
from kontor.deals.models import CENT, Deal, DealState
from kontor.lib.prepared import prepared

WEIGHED_PROBABILITIES = (25, 50, 75)
MAX_MONTHS = 60
MONTHS_BACK = 6
MONTHS_AHEAD = 6


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """How many months the range covers, both ends included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def parse_month(text: str | None) -> dt.date | None:
    """"2027-01" as the first day of that month; None for anything else."""
    try:
        year, month = (int(part) for part in str(text or "").split("-"))
        return dt.date(year, month, 1) if 1 <= year <= 9998 else None
    except ValueError:
        return None


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """From six months back to six months ahead of the current month."""
    this_month = first_of_month(today)
    return add_months(this_month, -MONTHS_BACK), add_months(this_month, MONTHS_AHEAD)


def chart_range(query: Mapping, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """The months the chart covers, from `from` and `to` (YYYY-MM) in the query string, with a
    message when they had to be corrected: the default range replaces what cannot be read, ends
    in the wrong order are swapped, and a range longer than MAX_MONTHS is cut."""
    first, last = default_range(today)
    wanted_first, wanted_last = parse_month(query.get("from")), parse_month(query.get("to"))
    error = ""
    if (query.get("from") and wanted_first is None) or (query.get("to") and wanted_last is None):
        error = _("Please choose the months as year and month, e.g. 2027-01.")
    first, last = wanted_first or first, wanted_last or last
    if last < first:
        first, last = last, first
    if months_between(first, last) > MAX_MONTHS:
        last = add_months(first, MAX_MONTHS - 1)
        error = _("The chart shows at most %(count)s months at once.") % {"count": MAX_MONTHS}
    return first, last, error


@dataclass
class Month:
    start: dt.date
    won: Decimal = Decimal("0.00")
    # Unrounded (hundredths x percent can leave fractions of a cent); shown rounded.
    weighted_open_exact: Decimal = Decimal("0")

    @property
    def weighted_open(self) -> Decimal:
        return self.weighted_open_exact.quantize(CENT, ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return (self.won + self.weighted_open_exact).quantize(CENT, ROUND_HALF_UP)

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"


@dataclass
class Forecast:
    currency: str
    first: dt.date
    last: dt.date
    months: list[Month] = field(default_factory=list)

    @property
    def won(self) -> Decimal:
        return sum((m.won for m in self.months), Decimal("0.00"))

    @property
    def weighted_open(self) -> Decimal:
        return sum((m.weighted_open_exact for m in self.months), Decimal("0")).quantize(CENT, ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        exact = sum((m.won + m.weighted_open_exact for m in self.months), Decimal("0"))
        return exact.quantize(CENT, ROUND_HALF_UP)

    @property
    def is_empty(self) -> bool:
        return all(not m.won and not m.weighted_open_exact for m in self.months)


def _month_start(month: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime(month.year, month.month, 1, tzinfo=tz)


def monthly_sums(deals: QuerySet[Deal], first: dt.date, last: dt.date, currency: str, tz: dt.tzinfo,
                 all_of_account: int | None = None) -> list[tuple[dt.date, int, int, int, int]]:
    """The one query, as rows (month or day, won, open at 25 %, at 50 %, at 75 %) of hundredths:
    per month of the range the won total, and per day the open totals at each probability
    (WEIGHED_PROBABILITIES), in no particular order.

    1. Won deals in `currency`, won between the first moment of `first` and the first moment
       after `last` in the time zone `tz`, grouped by their month: the last month whose first
       moment in `tz` is not after closed_at.
    2. Open deals above 0 % in `currency` with a target date in those months, grouped by the
       target date, their totals added up per probability.
    3. Both halves in one statement (UNION ALL); forecast() adds the days up into months.

    `all_of_account`: the id of the account whose live deals, unfiltered, `deals` are; the query
    is then compiled once (_sums_of_all_deals)."""
    starts = [add_months(first, i) for i in range(months_between(first, last))]
    ends = [_month_start(add_months(start, 1), tz) for start in starts]
    end = add_months(last, 1)
    if all_of_account is not None:
        return _sums_of_all_deals(all_of_account, currency, starts, ends, _month_start(first, tz), end)
    return list(_sums(deals, currency, starts, ends, _month_start(first, tz), end))


def _sums(deals: QuerySet[Deal], currency: str, starts: list[dt.date], ends: list[dt.datetime],
          first_moment: dt.datetime, end: dt.date) -> QuerySet[Deal, tuple[dt.date, int, int, int, int]]:
    """monthly_sums' query over `deals`, for the months beginning on `starts` (the first moment
    after each: `ends`; the first moment of the first: `first_moment`; the day after the last
    month: `end`)."""
    deals = deals.filter(currency=currency).order_by()
    zero = Value(0, output_field=BigIntegerField())
    sums = {f"open_{p}": Sum("total_cents", default=0, filter=Q(probability=p)) for p in WEIGHED_PROBABILITIES}
    won = (deals.filter(state=DealState.WON, closed_at__gte=first_moment, closed_at__lt=ends[-1])
           .annotate(month=MonthOf("closed_at", starts, ends))
           .values("month").annotate(won=Sum("total_cents"), **dict.fromkeys(sums, zero)))
    open_days = (deals.filter(state=DealState.OPEN, probability__gt=0, target_date__gte=starts[0],
                              target_date__lt=end)
                 .values("target_date").annotate(won=zero, **sums))
    columns = ["won", *sums]
    return won.values_list("month", *columns).union(open_days.values_list("target_date", *columns), all=True)


@prepared
def _sums_of_all_deals(account_id: int, currency: str, starts: list[dt.date], ends: list[dt.datetime],
                       first_moment: dt.datetime, end: dt.date) -> QuerySet[Deal, tuple[dt.date, int, int, int, int]]:
    """_sums over all the account's live deals (the overview without a filter), compiled once per
    number of months (kontor/lib/prepared.py): building it was half of the forecast's time."""
    from kontor.deals.queries import filter_deals

    return _sums(filter_deals(Account(pk=account_id)), currency, starts, ends, first_moment, end)


class MonthOf(Expression):
    """The first day of the month in which the moment `column` falls, given `starts`, the first
    days of the months of the range, and `ends`, the first moment after each of them: nested CASEs that halve
    the months at each step, a deal being in the earlier half if `column` lies before the end of
    its last month. Every deal the query keeps lies within the range, so a year's months cost
    each row four comparisons, not up to twelve in a row as a flat CASE would.

    Written out here rather than as Case(When(...)) trees: those cost the page more Python
    (resolved and compiled node by node, 25 for a year) than the database spends on the query."""

    def __init__(self, column: str, starts: list[dt.date], ends: list[dt.datetime]) -> None:
        super().__init__(output_field=DateField())
        self.column: Any = F(column)
        self.starts, self.ends = starts, ends

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column, column_params = compiler.compile(self.column)
        starts = [connection.ops.adapt_datefield_value(start) for start in self.starts]
        ends = [connection.ops.adapt_datetimefield_value(end) for end in self.ends]
        params: list[Any] = []

        def halves(low: int, high: int) -> str:
            if high - low == 1:
                params.append(starts[low])
                return "%s"
            middle = (low + high) // 2
            params.extend(column_params)
            params.append(ends[middle - 1])
            earlier = halves(low, middle)
            later = halves(middle, high)
            return f"CASE WHEN {column} < %s THEN {earlier} ELSE {later} END"

        return halves(0, len(starts)), params


def forecast(deals: QuerySet[Deal], first: dt.date, last: dt.date, currency: str, tz: dt.tzinfo,
             all_of_account: int | None = None) -> Forecast:
    """Expected revenue per month from `first` to `last` (first days of months, both included),
    with an entry for every month of the range, empty ones too. `all_of_account`: see monthly_sums."""
    first, last = first_of_month(first), first_of_month(last)
    result = Forecast(currency, first, last,
                      [Month(add_months(first, i)) for i in range(months_between(first, last))])
    # Per month with deals: won hundredths, and open hundredths times percent.
    totals: dict[tuple[int, int], list[int]] = {}
    for day, won_cents, open_25, open_50, open_75 in monthly_sums(deals, first, last, currency, tz, all_of_account):
        month_totals = totals.setdefault((day.year, day.month), [0, 0])
        month_totals[0] += int(won_cents)
        month_totals[1] += int(open_25) * 25 + int(open_50) * 50 + int(open_75) * 75
    for month in result.months:
        if (month.start.year, month.start.month) in totals:
            won_cents, weighed = totals[(month.start.year, month.start.month)]
            month.won = Decimal(won_cents).scaleb(-2)
            month.weighted_open_exact = Decimal(weighed).scaleb(-4)
    return result

