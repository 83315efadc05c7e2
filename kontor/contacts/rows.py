"""The rows of the people and companies lists: `contacts/_contact_row.html` rendered once per page as
the rows' skeleton (lib/stamped.skeleton), each row's texts worked out here and put in, with what
every row of a page shares (the user's Kontor address, the translated patterns, each tag's link)
worked out once per page.

A list shows 50 rows. Written by six custom tags a row (the checkbox, the photo, the job, the
e-mail and phone links, the tags), each with `format_html`, and the row's variables looked up by the
template engine, a row cost about 90 microseconds; here each piece is made with plain string
formatting and `html.escape` (what `django.utils.html.escape` calls, without its check for lazy
strings: a row's texts are never lazy).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from kontor.contacts.models import Company, Person
from kontor.contacts.queries import RowData
from kontor.contacts.templatetags.contact_links import avatar, dropbox_address, mailto_url, tel_url
from kontor.lib.stamped import mark, skeleton
from kontor.lib.urls import IdURL
from kontor.records.filters import tag_link
from kontor.records.models import CustomField
from kontor.records.templatetags.bulk_tags import pick_checkbox

# The texts of a row, as contacts/_contact_row.html names them (`row.<name>`).
ROW_PARTS = ("pick", "avatar", "url", "name", "sub", "contact", "column", "tags")


class _PageTexts:
    """What the rows of one page share."""

    def __init__(self, request: HttpRequest, column: CustomField | None) -> None:
        self.request = request
        self.column = column
        self.bcc = dropbox_address(request)
        self.job = gettext("%(title)s at %(company)s")
        self.select = gettext("Select %(name)s")
        self.person_url, self.company_url = IdURL("people:detail"), IdURL("companies:detail")
        rendered = get_template("contacts/_contact_row.html").render({"row": {name: mark(name) for name in ROW_PARTS}})
        self.skeleton = skeleton(rendered, ROW_PARTS)

    def column_value(self, item: Person | Company) -> str:
        """The custom field the list shows as a column (rare: rendered by its template per row)."""
        if self.column is None:
            return ""
        return get_template("records/_column_value.html").render({"record": item.record, "column": self.column})


def _job_line(texts: _PageTexts, job: tuple[str, str]) -> str:
    title, company = job
    text = texts.job % {"title": html.escape(title), "company": html.escape(company)} if title \
        else html.escape(company)
    return f'<div class="row-sub small">{text}</div>'


def _place_line(row: RowData) -> str:
    if not row.city:
        return ""
    place = html.escape(row.city) + (f", {html.escape(row.country)}" if row.country else "")
    return f'<div class="row-sub small">{place}</div>'


def _contact_links(texts: _PageTexts, row: RowData) -> str:
    if not row.email and not row.phone:
        return ""
    email = (f'<a href="{html.escape(mailto_url(row.email, bcc=texts.bcc))}">{html.escape(row.email)}</a>'
             if row.email else "")
    phone = f'<a href="{html.escape(tel_url(row.phone))}">{html.escape(row.phone)}</a>' if row.phone else ""
    return f'<div class="row-contact small">{email}{phone}</div>'


def _tag_links(texts: _PageTexts, names: list[str]) -> str:
    if not names:
        return ""
    return f'<div class="tags row-tags">{"".join(tag_link(texts.request, name) for name in names)}</div>'


def _row(texts: _PageTexts, item: Person | Company) -> str:
    data: RowData = item.row  # type: ignore[union-attr]  # set by add_row_data
    name = item.full_name
    is_company = isinstance(item, Company)
    return texts.skeleton % {
        "pick": pick_checkbox(item.pk, name, texts.select), "avatar": avatar(item),
        "url": texts.company_url(item.pk) if is_company else texts.person_url(item.pk),
        "name": html.escape(name),
        "sub": _place_line(data) if is_company else _job_line(texts, data.job) if data.job else "",
        "contact": _contact_links(texts, data), "column": texts.column_value(item),
        "tags": _tag_links(texts, data.tags)}


def contact_rows(request: HttpRequest, items: Sequence[Person] | Sequence[Company],
                 column: CustomField | None = None) -> SafeString:
    """The HTML of the rows of a page of people or companies that add_row_data has given their
    `.row`; `column` the custom field the list shows as a column, if any."""
    texts = _PageTexts(request, column)
    return SafeString("".join([_row(texts, item) for item in items]))
