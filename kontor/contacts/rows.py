"""The rows of the people and companies lists, worked out in Python once per row, with what every
row of a page shares (the user's Kontor address, the translated patterns, each tag's link) worked
out once per page.

A list shows 50 rows. Written by six custom tags a row (the checkbox, the photo, the job, the
e-mail and phone links, the tags), each with `format_html`, a row cost about 90 microseconds of
template work; here each piece is made with plain string formatting and `html.escape` (what
`django.utils.html.escape` calls, without its check for lazy strings: a row's texts are never lazy),
and `contacts/_contact_rows.html` only writes the pieces out.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from kontor.contacts.models import Company, Person
from kontor.contacts.queries import RowData
from kontor.contacts.templatetags.contact_links import avatar, dropbox_address, mailto_url, tel_url
from kontor.lib.urls import IdURL
from kontor.records.filters import tag_link
from kontor.records.templatetags.bulk_tags import pick_checkbox


@dataclass(slots=True)
class ContactRow:
    """One row, every text ready to write out (escaped where it came from the user)."""

    pick: SafeString  # the bulk bar's checkbox
    avatar: SafeString
    url: str
    name: str  # escaped by the template
    sub: SafeString  # the line under the name: a person's job, a company's place
    contact: SafeString  # the e-mail address and phone number as links
    tags: SafeString  # the tags, each a link that adds it to the filters
    item: Person | Company  # for a custom field shown as a column (`row.item.record`)


class _PageTexts:
    """What the rows of one page share."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.bcc = dropbox_address(request)
        self.job = gettext("%(title)s at %(company)s")
        self.select = gettext("Select %(name)s")
        self.person_url, self.company_url = IdURL("people:detail"), IdURL("companies:detail")


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


def contact_rows(request: HttpRequest, items: Sequence[Person] | Sequence[Company]) -> list[ContactRow]:
    """The rows of a page of people or companies that add_row_data has given their `.row`."""
    texts = _PageTexts(request)
    rows = []
    for item in items:
        data: RowData = item.row  # type: ignore[union-attr]  # set by add_row_data
        name = item.full_name
        sub = _place_line(data) if isinstance(item, Company) else _job_line(texts, data.job) if data.job else ""
        rows.append(ContactRow(
            pick=pick_checkbox(item.pk, name, texts.select), avatar=avatar(item),
            url=texts.company_url(item.pk) if isinstance(item, Company) else texts.person_url(item.pk),
            name=name, sub=SafeString(sub), contact=SafeString(_contact_links(texts, data)),
            tags=SafeString(_tag_links(texts, data.tags)), item=item))
    return rows
