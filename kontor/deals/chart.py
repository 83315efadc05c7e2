"""The geometry of the revenue chart above the deals list: stacked columns per month (won at the
bottom, weighted open on top), drawn as server-side SVG by deals/_chart.html.

The chart has no viewBox: x positions are percentages of its width and y positions pixels of its
fixed height, so that the columns stretch with the screen while the text keeps its size, and
month names stay readable on a phone. Coordinates are computed with Decimal like the amounts.

The texts of each month (its names, its amounts and its tooltip) are written here too, in the
current language, with the translation and the formats looked up once per chart instead of once
per month in the template."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import dateformat, formats
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kontor.deals.currencies import MoneyFormat
from kontor.deals.forecast import Forecast, Month

PLOT_TOP = 18
PLOT_HEIGHT = 140
LABEL_SPACE = 40
HEIGHT = PLOT_TOP + PLOT_HEIGHT + LABEL_SPACE
COLUMN_SHARE = Decimal("0.62")  # of each month's slot; the rest is the gap between columns
MAX_LABELS = 13  # month names that fit under the chart on a phone
GRID_LINES = 4


@dataclass
class Column:
    month: Month
    x: Decimal  # percent
    width: Decimal  # percent
    center: Decimal  # percent
    slot_x: Decimal  # percent
    slot_width: Decimal  # percent
    won_y: Decimal
    won_height: Decimal
    open_y: Decimal
    open_height: Decimal
    is_current: bool
    show_label: bool
    show_year: bool
    texts: MonthTexts


@dataclass
class MonthTexts:
    """A month as the chart and its table write it: "Mar" and "2027" under the column, "Mar 2027"
    in the table, the tooltip, and the three amounts of the table's row."""

    label: str
    year: str
    row_label: str
    title: SafeString
    won: str
    weighted_open: str
    total: str


@dataclass
class GridLine:
    y: Decimal
    amount: Decimal

    @property
    def text_y(self) -> Decimal:
        """The amount is written just above its line."""
        return self.y - 4


@dataclass
class Chart:
    forecast: Forecast
    columns: list[Column]
    grid: list[GridLine]
    height: int = HEIGHT
    plot_bottom: int = PLOT_TOP + PLOT_HEIGHT
    label_y: int = PLOT_TOP + PLOT_HEIGHT + 17
    year_y: int = PLOT_TOP + PLOT_HEIGHT + 33

    @property
    def current_column(self) -> Column | None:
        """The column of the current month, if the chart shows it."""
        return next((column for column in self.columns if column.is_current), None)

    @property
    def column_groups(self) -> SafeString:
        """The SVG group of every column (column_group)."""
        return SafeString("".join([column_group(self, index, column) for index, column in enumerate(self.columns)]))

    @property
    def table_rows(self) -> SafeString:
        """The row of every month in the table of figures (table_row)."""
        return SafeString("".join([table_row(column) for column in self.columns]))


def _number(value: Decimal | int) -> str:
    """A number as the chart's SVG writes it (`{% localize off %}`): unlocalized, which for the
    chart's integers and decimals of a few digits is what str() and "{:f}" write with the default
    decimal separator, the point."""
    if type(value) is int:
        return str(value)
    if isinstance(value, Decimal) and settings.DECIMAL_SEPARATOR == ".":
        _, digits, exponent = value.as_tuple()
        if isinstance(exponent, int) and abs(exponent) + len(digits) <= 200:  # as numberformat.format
            return f"{value:f}"
    return conditional_escape(formats.localize(value, use_l10n=False))


def column_group(chart: Chart, index: int, column: Column) -> str:
    """A column of the chart in SVG: its month's figures as data attributes, its tooltip, the area
    that shows it, its two bars (where not empty), its label and year (where shown).

    Written here rather than in deals/_chart.html, where a year's columns were a third of the
    page's template work (ten nodes and a dozen lookups a column); the markup is the same."""
    month, texts = column.month, column.texts
    x, width = _number(column.x), _number(column.width)
    won = (f'<rect class="bar-won" x="{x}%" y="{_number(column.won_y)}" width="{width}%" '
           f'height="{_number(column.won_height)}"></rect>' if column.won_height else "")
    bar_open = (f'<rect class="bar-open" x="{x}%" y="{_number(column.open_y)}" width="{width}%" '
                f'height="{_number(column.open_height)}"></rect>' if column.open_height else "")
    center = _number(column.center)
    label = ""
    if column.show_label:
        css = (" is-current" if column.is_current else "") + (" is-even" if index % 2 == 0 else " is-odd")
        label = (f'<text class="chart-label{css}" x="{center}%" y="{_number(chart.label_y)}" '
                 f'text-anchor="middle">{conditional_escape(texts.label)}</text>')
    year = (f'<text class="chart-year" x="{center}%" y="{_number(chart.year_y)}" '
            f'text-anchor="middle">{conditional_escape(texts.year)}</text>' if column.show_year else "")
    return (f'\n    <g class="chart-column" data-month="{month.key}" data-won="{_number(month.won)}" '
            f'data-open="{_number(month.weighted_open)}" data-total="{_number(month.total)}">\n'
            f'      <title>{conditional_escape(texts.title)}</title>\n'
            f'      <rect class="chart-hit" x="{_number(column.slot_x)}%" y="0" width="{_number(column.slot_width)}%" '
            f'height="{_number(chart.plot_bottom)}"></rect>\n'
            f'      {won}\n      {bar_open}\n      {label}\n      {year}\n    </g>\n    ')


def table_row(column: Column) -> str:
    """A month's row in the table of figures."""
    month, texts = column.month, column.texts
    css = ' class="has-revenue"' if month.total else ""
    return (f'\n          <tr{css} data-month="{month.key}"><th scope="row">{conditional_escape(texts.row_label)}</th>'
            f'<td class="num">{conditional_escape(texts.won)}</td>'
            f'<td class="num">{conditional_escape(texts.weighted_open)}</td>'
            f'<td class="num">{conditional_escape(texts.total)}</td></tr>\n          ')


def nice_ceiling(amount: Decimal) -> Decimal:
    """The smallest "round" scale step (1, 2, 2.5 or 5 times a power of ten) such that
    GRID_LINES steps reach `amount`."""
    if amount <= 0:
        return Decimal(1)
    rough = amount / GRID_LINES
    power = Decimal(10) ** (rough.adjusted())
    for factor in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if power * factor >= rough:
            return power * factor
    return power * 10  # pragma: no cover - the loop always returns


def _px(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def month_texts(month: Month, currency: str, title: str, money: MoneyFormat | None = None) -> MonthTexts:
    """The month's texts; `title` is the translated "%(won)s won, %(open)s weighted open", `money`
    the page's formatter of amounts."""
    money = money or MoneyFormat()
    won, weighted_open = month.won, month.weighted_open
    amounts = {"won": conditional_escape(money.money(won, currency)),
               "open": conditional_escape(money.money(weighted_open, currency))}
    # What the formats "F Y", "M" and "M Y" write: the month's name, its abbreviation, the year.
    label, year = dateformat.format(month.start, "M"), f"{month.start.year:04d}"
    name = conditional_escape(f"{dateformat.format(month.start, 'F')} {year}")
    return MonthTexts(label=label, year=year, row_label=f"{label} {year}",
                      title=mark_safe(f"{name}: {title % amounts}"),
                      won=money.amount(won), weighted_open=money.amount(weighted_open),
                      total=money.amount(month.total))


def build_chart(result: Forecast, today: dt.date) -> Chart:
    count = len(result.months)
    step = nice_ceiling(max((m.total for m in result.months), default=Decimal(0)))
    top = step * GRID_LINES
    scale = Decimal(PLOT_HEIGHT) / top
    slot = Decimal(100) / count
    label_every = max(1, math.ceil(count / MAX_LABELS))
    bottom = Decimal(PLOT_TOP + PLOT_HEIGHT)
    columns = []
    title = gettext("%(won)s won, %(open)s weighted open")
    money = MoneyFormat()
    labelled_year = None
    for index, month in enumerate(result.months):
        show_label = index % label_every == 0
        # The year goes under the first labelled month and under each labelled month of a new year.
        show_year = show_label and month.start.year != labelled_year
        if show_label:
            labelled_year = month.start.year
        won_height = _px(month.won * scale)
        open_height = _px(month.weighted_open * scale)
        width = slot * COLUMN_SHARE
        columns.append(Column(
            month=month, slot_x=_pct(slot * index), slot_width=_pct(slot),
            x=_pct(slot * index + (slot - width) / 2), width=_pct(width),
            center=_pct(slot * index + slot / 2),
            won_y=bottom - won_height, won_height=won_height,
            open_y=bottom - won_height - open_height, open_height=open_height,
            is_current=(month.start.year, month.start.month) == (today.year, today.month),
            show_label=show_label, show_year=show_year, texts=month_texts(month, result.currency, title, money),
        ))
    grid = [GridLine(y=_px(bottom - step * i * scale), amount=(step * i).quantize(Decimal(1), ROUND_CEILING)
                     if step >= 1 else step * i) for i in range(1, GRID_LINES + 1)]
    return Chart(result, columns, grid)
