"""A timeline's rows, worked out in Python once per entry, with what every row of a page shares
worked out once per page.

Asked of the templates entry by entry (an include per entry, `get_kind_display`, a filter for the
other records, three tags for the footer, a dozen `{% if %}` and `{% translate %}`), an entry cost
about 1,800 Python calls, three quarters of a person page's timeline. Here each value is computed
once and history/_rows.html only writes it out. `{% timeline_rows items record as rows %}` makes the
rows of a page (history/_entries.html, contacts/_company_entries.html) and of one entry
(history/_entry.html).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kontor.contacts.models import Person
from kontor.files.templatetags.files_tags import entry_files
from kontor.history import actions
from kontor.history.models import Activity, Entry, EntryKind
from kontor.history.queries import LinkedRecord
from kontor.history.templatetags import comment_tags, history_tags
from kontor.lib import text
from kontor.lib.stamped import STAND_IN, stamp
from kontor.lib.urls import id_url
from kontor.mail.templatetags.mail_tags import email_of, sender_name
from kontor.records.models import KIND_URL_NAMESPACE, Kind, Record

register = template.Library()

_EMPTY = SafeString("")


def _escape(text: str) -> SafeString:
    """django.utils.html.escape, without its check for lazy strings (a row's texts are never lazy)."""
    return SafeString(html.escape(text))


class Clock:
    """history_tags.time_element for many moments: the reader's formats, time zone and year looked
    up once."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.year = timezone.localtime(self.now).year
        self.datetime_format = formats.get_format("DATETIME_FORMAT")
        self.month_day_format = formats.get_format("MONTH_DAY_FORMAT")
        self.time_format = formats.get_format("TIME_FORMAT")

    def time_element(self, value: dt.datetime) -> SafeString:
        """What `{% time_element value %}` writes: <time> with the ISO moment, the full date and
        time as its title, and `when` as its text (history_tags.when, with one DateFormat)."""
        local = timezone.localtime(value)
        moment = dateformat.DateFormat(local)
        full = moment.format(self.datetime_format)
        if dt.timedelta(0) <= self.now - value < dt.timedelta(hours=22):
            when = naturaltime(value)
        elif local.year == self.year:
            when = f"{moment.format(self.month_day_format)}, {moment.format(self.time_format)}"
        else:
            when = full
        # An ISO moment is digits and -+:.T, nothing to escape.
        return SafeString(f'<time datetime="{local.isoformat()}" title="{html.escape(full)}">'
                          f'{html.escape(when)}</time>')


@dataclass
class RowPage:
    """What the rows of one timeline page share: the reader, the clock, the fixed texts in the
    reader's language (escaped once), and the rendering context of the footer tags."""

    context: template.Context

    def __post_init__(self) -> None:
        context = self.context
        self.clock = Clock()
        self.membership = context.get("membership")
        self.is_new = bool(context.get("is_new"))
        self.kind_labels = {value: _escape(str(label)) for value, label in EntryKind.choices}
        self.edited = _escape(pgettext("a note changed after it was written", "edited"))
        self.confidential = _escape(_("confidential"))
        self.also_on = _escape(pgettext("the other records of a history entry", "Also on:"))
        self.via_title = _escape(_("From the history of this person"))
        self.former_colleague = _escape(_("Former colleague"))
        self.names: dict[int, SafeString] = {}
        # The footer of an entry without comments, by record and permissions, with STAND_IN for its id.
        self.footers: dict[tuple[int, bool, bool], str] = {}
        self.comment_links: dict[int, str] = {}  # its comment link, by record
        self.record_links: dict[int, SafeString] = {}
        # A footer (files, edit and delete links, comment link) that needs the context's state.
        self.footer_state = bool(context.get("upload_error") or context.get("comment_form_open")
                                 or context.get("comment_error"))

    def author(self, entry: Entry) -> SafeString:
        """Who wrote the entry: the colleague, the sender of a filed e-mail, or "Former colleague"."""
        if entry.author_id is not None and entry.author is not None:
            if entry.author_id not in self.names:
                self.names[entry.author_id] = _escape(entry.author.name)
            return self.names[entry.author_id]
        if entry.kind == EntryKind.EMAIL:
            email = email_of(entry)
            if email:
                return _escape(sender_name(email))
        return self.former_colleague

    def record_link(self, record: Record | LinkedRecord) -> SafeString:
        """<a> to a record, once per record on the page."""
        if record.pk not in self.record_links:
            url = id_url(f"{KIND_URL_NAMESPACE[Kind(record.kind)]}:detail", record.pk)
            self.record_links[record.pk] = SafeString(
                f'<a href="{html.escape(url)}">{html.escape(record.display_name)}</a>')
        return self.record_links[record.pk]


@dataclass
class EntryRow:
    """One history entry as history/_rows.html shows it, its parts written out and escaped here:
    `meta` (the line of kind, author, time and badges), `content` (subject and text; a filed
    e-mail's come from mail/_email_entry.html), `others` ("Also on: ...") and `footer`."""

    entry: Entry
    record: Record
    id: SafeString
    css: SafeString
    meta: SafeString
    is_email: bool = False
    content: SafeString = _EMPTY
    others: SafeString = _EMPTY
    footer: SafeString = _EMPTY
    is_activity: bool = field(default=False, init=False)


@dataclass
class ActivityRow:
    """One activity line as history/_rows.html shows it."""

    id: SafeString
    text: SafeString
    time: SafeString
    is_activity: bool = field(default=True, init=False)


class Rows(list):
    """A page's rows (EntryRow or ActivityRow), with what they share (`page`)."""

    page: RowPage


def entry_row(page: RowPage, entry: Entry, record: Record, via_person: Person | None) -> EntryRow:
    """The row of one entry shown on `record` (on a company page, an entry from one of its people
    is shown on the person: `via_person`)."""
    if via_person is not None:
        record = via_person.record
    kind = entry.kind
    css = f"entry entry-{kind}"
    if entry.event:
        css += " entry-system"
    if entry.confidential:
        css += " entry-confidential"
    if page.is_new:
        css += " entry-new"
    row = EntryRow(entry, record, id=SafeString(str(entry.pk)), css=_escape(css), meta=_meta(page, entry, via_person),
                   is_email=kind == EntryKind.EMAIL)
    if not row.is_email:
        content = ""
        if entry.subject:
            subject_css = "entry-subject entry-event" if entry.event else "entry-subject"
            content = f'<p class="{subject_css}">{html.escape(history_tags.event_text(entry))}</p>'
        if entry.body:
            content += f'\n  <div class="entry-body">{text.linkify(entry.body)}</div>'
        row.content = SafeString(content)
    linked = getattr(entry, "live_records", None)  # from queries.timeline, else prefetched or asked
    others = [page.record_link(other) for other in (entry.records.all() if linked is None else linked)
              if other.pk != record.pk]
    if others:
        row.others = SafeString(f'<p class="entry-also small">{page.also_on}\n    {", ".join(others)}\n  </p>')
    row.footer = _footer(page, entry, record)
    return row


def _meta(page: RowPage, entry: Entry, via_person: Person | None) -> SafeString:
    """The entry's line above its text: its kind (but a note's), who wrote it, from whose history
    (on a company page), when, and whether it was edited or is confidential."""
    parts = []
    if entry.kind != EntryKind.NOTE:
        label = page.kind_labels.get(entry.kind) or _escape(entry.kind)
        parts.append(f'<span class="entry-kind" data-kind="{html.escape(entry.kind)}">{label}</span>')
    parts.append(f"<strong>{page.author(entry)}</strong>")
    if via_person is not None:
        parts.append(f'<a class="entry-via" href="{html.escape(via_person.get_absolute_url())}" '
                     f'title="{page.via_title}">{html.escape(via_person.full_name)}</a>')
    parts.append(page.clock.time_element(entry.happened_at))
    if entry.version > 1:
        parts.append(f"<span>{page.edited}</span>")
    if entry.confidential:
        parts.append(f'<span class="badge">{page.confidential}</span>')
    return SafeString("\n    ".join(parts))


def _footer(page: RowPage, entry: Entry, record: Record) -> SafeString:
    """The entry's files and paperclip, its edit and delete links and its comments. Without
    comments, the links are one fragment per page, record and permissions (kontor/lib/stamped.py)."""
    context = page.context
    files = entry_files(context, entry, record)
    if page.footer_state or comment_tags.is_commented(entry):
        links = history_tags.entry_actions(context, entry, record)
        return SafeString(f"{files}{links}{comment_tags.entry_comments(context, entry, record)}")
    membership = page.membership
    key = (record.pk, membership is not None and actions.can_edit_entry(membership, entry),
           membership is not None and actions.can_delete_entry(membership, entry))
    if key not in page.footers:
        if record.pk not in page.comment_links:
            page.comment_links[record.pk] = comment_tags.uncommented_render(context, record)(STAND_IN)
        edit_links = history_tags.entry_actions_render(context, record, key[1], key[2])
        page.footers[key] = (edit_links(STAND_IN) if edit_links else "") + page.comment_links[record.pk]
    return SafeString(files + stamp(page.footers[key], entry.pk))


@register.simple_tag(takes_context=True)
def timeline_rows(context: template.Context, items: Entry | list[Entry], record: Record) -> Rows:
    """`{% timeline_rows entries record as rows %}`: the rows of a timeline page (its entries and,
    with comment_tags.timeline_items, its activity lines), or of one entry. One entry takes
    `via_person` from the context; a page's entries carry theirs (contacts/company_history.py)."""
    page = RowPage(context)
    rows = Rows()
    rows.page = page
    if isinstance(items, Entry):
        rows.append(entry_row(page, items, record, context.get("via_person")))
        return rows
    for item in comment_tags.timeline_items(items):
        if isinstance(item, Activity):
            rows.append(ActivityRow(id=SafeString(str(item.pk)), text=_escape(comment_tags.activity_text(item)),
                                    time=page.clock.time_element(item.created_at)))
        else:
            rows.append(entry_row(page, item, record, getattr(item, "via_person", None)))
    return rows
