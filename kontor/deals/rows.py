"""The rows of the deals list, worked out in Python once per row, with what every row of a page
shares (the translations, the stage names, the date format, each tag's link) worked out once per
page.

A page shows 50 deals. Written by the template field by field (an include per row, the bulk
checkbox tag, a dozen lookups through the deal, its record, company and responsible user), a row
cost about 700 Python calls. Here each row's texts are escaped once, and deals/_row.html is
rendered once per page with stand-ins for them (its skeleton), into which each row's own texts are
put with %-formatting.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.template import Context
from django.template.loader import get_template
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kontor.deals.currencies import format_money
from kontor.deals.models import Deal, DealState, Stage
from kontor.lib.stamped import STAND_IN
from kontor.lib.urls import id_url
from kontor.records.models import CustomField
from kontor.records.templatetags.bulk_tags import pick_checkbox

# The texts of a row, as deals/_row.html names them (`row.<name>`).
ROW_TEXTS = ("pick", "stage", "state_title", "stage_label", "name", "company", "when", "responsible",
             "column", "tags", "amount", "weighted")


class DealTexts:
    """The translations, stage names and date format a page's deals are written with, looked up
    once per page instead of once per deal. Writes what `blocktranslate with
    date=…|date:"SHORT_DATE_FORMAT"` and the `money` filter wrote in the templates."""

    def __init__(self) -> None:
        self.date_format = formats.get_format("SHORT_DATE_FORMAT")
        self.texts = {"target": gettext("target %(date)s"), DealState.WON: gettext("won %(date)s"),
                      DealState.LOST: gettext("lost %(date)s"), "weighted": gettext("%(amount)s weighted")}
        self.stage_labels = {value: str(label) for value, label in Stage.choices}
        self.days: dict[Any, str] = {}

    def day(self, day: Any) -> str:
        """The date in the short format, escaped, once per date on the page."""
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = conditional_escape(dateformat.format(day, self.date_format))
        return text

    def when(self, deal: Deal) -> SafeString:
        """"target 3/15/27" for an open deal, "won …" or "lost …" for a closed one (an open deal
        has no closed_at); nothing without the date."""
        if deal.state == DealState.OPEN:
            day: Any = deal.target_date
            text = self.texts["target"]
        else:
            day = deal.closed_at and timezone.localtime(deal.closed_at).date()
            text = self.texts[deal.state]
        if not day:
            return mark_safe("")
        return mark_safe(text % {"date": self.day(day)})

    def weighted(self, deal: Deal) -> SafeString:
        """"€7,500.00 weighted" for an open deal above 0 %, else nothing."""
        if not (deal.state == DealState.OPEN and deal.probability):
            return mark_safe("")
        amount = conditional_escape(format_money(deal.weighted_value, deal.currency))
        return mark_safe(self.texts["weighted"] % {"amount": amount})


class _PageTexts(DealTexts):
    """What the rows of one page share besides the deals' texts: the skeleton of a row, the bulk
    checkbox's label, the tags' links."""

    def __init__(self, request: HttpRequest | None, column: CustomField | None) -> None:
        super().__init__()
        self.request = request
        self.column = column
        self.select = gettext("Select %(name)s")
        self.stage_names = {value: html.escape(label) for value, label in self.stage_labels.items()}
        self.tag_links: dict[str, str] = {}
        self.skeleton = self._skeleton()

    def _skeleton(self) -> str:
        """deals/_row.html as a %-format string of the ROW_TEXTS and `id`.

        1. Render the template once, with STAND_IN as the id and a stand-in for each text.
        2. Double every "%" in it (a translation may have one).
        3. Put "%(id)s" where the id stood and "%(name)s" where each text's stand-in stood."""
        row: dict[str, Any] = {name: SafeString(_mark(name)) for name in ROW_TEXTS}
        row.update(id=STAND_IN, url=SafeString(id_url("deals:detail", STAND_IN)),
                   state_title=gettext("State"))
        text = get_template("deals/_row.html").render({"row": row})
        text = text.replace("%", "%%").replace(str(STAND_IN), "%(id)s")
        for name in ROW_TEXTS:
            if name != "state_title":
                text = text.replace(_mark(name), f"%({name})s")
        return text

    def tag_link(self, name: str) -> str:
        """A tag as a link that adds it to the list's filters, once per tag on the page."""
        link = self.tag_links.get(name)
        if link is None:
            from kontor.contacts.templatetags.contact_lists import query_with_tag

            query = query_with_tag(Context({"request": self.request}), name) if self.request is not None else ""
            link = self.tag_links[name] = f'<a class="tag" href="?{html.escape(query)}">{html.escape(name)}</a>'
        return link

    def column_value(self, deal: Deal) -> str:
        """The custom field shown as a column, as records/_column_value.html writes it."""
        return get_template("records/_column_value.html").render({"column": self.column, "record": deal.record})

    def row(self, deal: Deal) -> str:
        name = html.escape(deal.name)
        company, record = deal.company, deal.record
        responsible = record.responsible
        tags = record.tag_list  # type: ignore[attr-defined]  # with_row_data's prefetch
        when = self.when(deal)
        weighted = self.weighted(deal)
        stage = deal.stage
        return self.skeleton % {
            "id": deal.pk, "pick": pick_checkbox(deal.pk, deal.name, self.select),
            "stage": stage, "stage_label": self.stage_names[stage], "name": name,
            "company": f"<span>{html.escape(company.name)}</span>"
            if company is not None and not company.record.deleted_at else "",
            "when": f"<span>{when}</span>" if when else "",
            "responsible": f'<span class="row-responsible">{html.escape(responsible.name)}</span>'
            if responsible is not None else "",
            "column": self.column_value(deal) if self.column is not None else "",
            "tags": '<div class="tags row-tags deal-row-tags">' + "".join(self.tag_link(tag.name) for tag in tags)
            + "</div>" if tags else "",
            "amount": html.escape(format_money(deal.total_value, deal.currency)),
            "weighted": f'<div class="small muted">{weighted}</div>' if weighted else "",
        }


def _mark(name: str) -> str:
    return f"\x00{name}\x00"


def deal_rows(request: HttpRequest | None, deals: Iterable[Deal], column: CustomField | None = None) -> SafeString:
    """The HTML of the rows of a page of deals (with what with_row_data fetches), `column` the
    custom field the list shows as a column, if any."""
    texts = _PageTexts(request, column)
    return SafeString("".join([texts.row(deal) for deal in deals]))
