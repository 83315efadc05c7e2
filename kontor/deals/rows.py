"""The rows of the deals list, worked out in Python once per row, with what every row of a page
shares (the translations, the stage names, the date format, each tag's link) worked out once per
page.

A page shows 50 deals. Written by the template field by field (an include per row, the bulk
checkbox tag, a dozen lookups through the deal, its record, company and responsible user), a row
cost about 700 Python calls. Here each row's texts are escaped once, and deals/_row.html is
rendered once per page with stand-ins for them (its skeleton), into which each row's own texts are
put with %-formatting.

The rows are read as values() of the few columns they show (page_rows), not as deals with their
record, company, company record and responsible user as model instances: building those five
objects a row, with every column of each converted, cost more than the rest of the row.

The board's cards are written the same way (BoardTexts, deals/_board_card.html): 150 cards
rendered one by one were some 800 Python calls each, over half of the board's work.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from kontor.contacts.queries import Page, page_of
from kontor.deals.board import Card
from kontor.deals.currencies import MoneyFormat
from kontor.deals.models import Deal, DealState, Stage, cents_to_amount, stage_of, weighted_amount
from kontor.lib.dates import day_text
from kontor.lib.stamped import STAND_IN, mark, skeleton
from kontor.lib.urls import id_url
from kontor.records.filters import tag_link
from kontor.records.models import CustomField, CustomValue
from kontor.records.queries import tag_names_of
from kontor.records.templatetags.bulk_tags import pick_checkbox

_EMPTY = SafeString("")

# What a row reads of its deal, in the order of DealRow's fields.
ROW_FIELDS = ("record_id", "name", "state", "probability", "target_date", "closed_at", "total_cents", "currency",
              "company__name", "company__record__deleted_at", "record__responsible__name")


@dataclass(slots=True)
class DealRow:
    """A deal as its row in the list reads it (ROW_FIELDS), with its tags' names and, when the list
    shows a custom field as a column, the record's value of it (a list of at most one)."""

    pk: int
    name: str
    state: str
    probability: int
    target_date: dt.date | None
    closed_at: dt.datetime | None
    total_cents: int
    currency: str
    company_name: str | None  # None without a company
    company_deleted_at: dt.datetime | None
    responsible_name: str | None  # None without a responsible user
    tags: list[str] = field(default_factory=list)
    custom_values: list[CustomValue] = field(default_factory=list)


# The texts of a row, as deals/_row.html names them (`row.<name>`).
ROW_TEXTS = ("pick", "stage", "stage_label", "name", "company", "when", "responsible",
             "column", "tags", "amount", "weighted")


class DealTexts:
    """The translations, stage names and date format a page's deals are written with, looked up
    once per page instead of once per deal. Writes what `blocktranslate with
    date=…|date:"SHORT_DATE_FORMAT"` and the `money` filter wrote in the templates."""

    def __init__(self) -> None:
        self.date_format = formats.get_format("SHORT_DATE_FORMAT")
        self.language = get_language()
        self.texts = {"target": gettext("target %(date)s"), DealState.WON: gettext("won %(date)s"),
                      DealState.LOST: gettext("lost %(date)s"), "weighted": gettext("%(amount)s weighted")}
        self.stage_labels = {value: str(label) for value, label in Stage.choices}
        self.days: dict[Any, str] = {}
        self.money = MoneyFormat()

    def day(self, day: Any) -> str:
        """The date in the short format, escaped, once per date on the page."""
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = html.escape(day_text(day, self.date_format, self.language))
        return text

    def when(self, state: str, target_date: dt.date | None, closed_at: dt.datetime | None) -> SafeString:
        """"target 3/15/27" for an open deal, "won …" or "lost …" for a closed one (an open deal
        has no closed_at); nothing without the date."""
        if state == DealState.OPEN:
            day: Any = target_date
            text = self.texts["target"]
        else:
            day = closed_at and timezone.localtime(closed_at).date()
            text = self.texts[state]
        if not day:
            return _EMPTY
        return SafeString(text % {"date": self.day(day)})

    def weighted(self, state: str, probability: int, total_cents: int, currency: str) -> SafeString:
        """"€7,500.00 weighted" for an open deal above 0 %, else nothing."""
        if not (state == DealState.OPEN and probability):
            return _EMPTY
        amount = html.escape(self.money.money(weighted_amount(total_cents, probability), currency))
        return SafeString(self.texts["weighted"] % {"amount": amount})


class _PageTexts(DealTexts):
    """What the rows of one page share besides the deals' texts: the skeleton of a row, the bulk
    checkbox's label, the tags' links."""

    def __init__(self, request: HttpRequest | None, column: CustomField | None) -> None:
        super().__init__()
        self.request = request
        self.column = column
        self.select = gettext("Select %(name)s")
        self.stage_names = {value: html.escape(label) for value, label in self.stage_labels.items()}
        self.skeleton = self._skeleton()

    def _skeleton(self) -> str:
        """deals/_row.html as a %-format string of the ROW_TEXTS and `id` (lib/stamped.skeleton)."""
        row: dict[str, Any] = {name: mark(name) for name in ROW_TEXTS}
        row.update(id=STAND_IN, url=SafeString(id_url("deals:detail", STAND_IN)),
                   state_title=gettext("State"))
        return skeleton(get_template("deals/_row.html").render({"row": row}), ROW_TEXTS)

    def column_value(self, row: DealRow) -> str:
        """The custom field shown as a column, as records/_column_value.html writes it (its tag
        reads the record's `custom_value_list`, which the row stands in for)."""
        record = SimpleNamespace(custom_value_list=row.custom_values)
        return get_template("records/_column_value.html").render({"column": self.column, "record": record})

    def row(self, row: DealRow) -> str:
        state, probability, total_cents, currency = row.state, row.probability, row.total_cents, row.currency
        stage = stage_of(state, probability)
        company, responsible, tags = row.company_name, row.responsible_name, row.tags
        when = self.when(state, row.target_date, row.closed_at)
        weighted = self.weighted(state, probability, total_cents, currency)
        return self.skeleton % {
            "id": row.pk, "pick": pick_checkbox(row.pk, row.name, self.select),
            "stage": stage, "stage_label": self.stage_names[stage], "name": html.escape(row.name),
            "company": f"<span>{html.escape(company)}</span>"
            if company is not None and row.company_deleted_at is None else "",
            "when": f"<span>{when}</span>" if when else "",
            "responsible": f'<span class="row-responsible">{html.escape(responsible)}</span>'
            if responsible is not None else "",
            "column": self.column_value(row) if self.column is not None else "",
            "tags": '<div class="tags row-tags deal-row-tags">' + "".join(tag_link(self.request, name) for name in tags)
            + "</div>" if tags else "",
            "amount": html.escape(self.money.money(cents_to_amount(total_cents), currency)),
            "weighted": f'<div class="small muted">{weighted}</div>' if weighted else "",
        }


def page_rows(deals: QuerySet[Deal], number: int, column: CustomField | None = None) -> Page[DealRow]:
    """Page `number` of the deals as rows for deal_rows, with their tags and, when the list shows
    the custom field `column`, their values of it: three queries at most, whatever the page size."""
    page = page_of(deals.values_list(*ROW_FIELDS), number)
    rows = page.items = [DealRow(*values) for values in page.items]
    by_id = {row.pk: row for row in rows}
    if by_id:
        for record_id, name in tag_names_of(list(by_id)):
            by_id[record_id].tags.append(name)
        if column is not None:
            for value in CustomValue.objects.filter(record_id__in=by_id, field=column).select_related("field"):
                by_id[value.record_id].custom_values.append(value)
    return page


def deal_rows(request: HttpRequest | None, rows: Iterable[DealRow],
              column: CustomField | None = None) -> SafeString:
    """The HTML of the rows of a page of deals (page_rows), `column` the custom field the list
    shows as a column, if any."""
    texts = _PageTexts(request, column)
    return SafeString("".join([texts.row(row) for row in rows]))


# The texts of a board card, as deals/_board_card.html names them (`card.<name>`).
CARD_TEXTS = ("moved", "name", "company", "amount", "when", "responsible", "version", "move_label", "options")


class BoardTexts(DealTexts):
    """What the cards of one board share: the skeleton of a card (deals/_board_card.html rendered
    once, as the list's rows are), the stage menu once per stage, the translations.

    `query` is the board's query string, which each card's form posts back with; `moved` the id of
    the card just moved; `move` the button's label and `csrf_token` the page's, as the board's
    template has them."""

    def __init__(self, query: str, moved: int | None, move: Any, csrf_token: Any) -> None:
        super().__init__()
        self.moved = moved
        self.move_label = gettext("New state of “%(name)s”")
        labels = {value: html.escape(label) for value, label in self.stage_labels.items()}
        self.options = {current: "".join(
            f'<option value="{value}"{" selected" if value == current else ""}>{label}</option>'
            for value, label in labels.items()) for current in labels}
        self.skeleton = self._skeleton(query, move, csrf_token)

    def _skeleton(self, query: str, move: Any, csrf_token: Any) -> str:
        """deals/_board_card.html as a %-format string of the CARD_TEXTS and `id` (see _PageTexts).
        The query string goes in last, so that no digits of it can pass for the id."""
        card: dict[str, Any] = {name: mark(name) for name in CARD_TEXTS}
        card.update(id=STAND_IN, url=SafeString(id_url("deals:detail", STAND_IN)),
                    move_url=SafeString(id_url("deals:move", STAND_IN)))
        context = {"card": card, "query": mark("query") if query else "", "move": move,
                   "csrf_token": csrf_token}
        text = skeleton(get_template("deals/_board_card.html").render(context), CARD_TEXTS)
        return text.replace(mark("query"), html.escape(query).replace("%", "%%"))

    def card(self, deal: Card) -> str:
        name = html.escape(deal.name)
        when = self.when(deal.state, deal.target_date, deal.closed_at)
        return self.skeleton % {
            "id": deal.pk, "moved": " data-moved" if deal.pk == self.moved else "", "name": name,
            "company": f'<div class="small muted">{html.escape(deal.company_name)}</div>'
            if deal.company_name is not None else "",
            "amount": html.escape(self.money.money(cents_to_amount(deal.total_cents), deal.currency)),
            "when": f"<span>{when}</span>" if when else "",
            "responsible": f'<div class="small muted board-card-responsible">{html.escape(deal.responsible_name)}</div>'
            if deal.responsible_name is not None else "",
            "version": deal.version, "move_label": self.move_label % {"name": name},
            "options": self.options[deal.stage],
        }
