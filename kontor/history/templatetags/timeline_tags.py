"""A timeline's rows, worked out in Python once per entry, with what every row of a page shares
worked out once per page.

Asked of the templates entry by entry (an include per entry, `get_kind_display`, a filter for the
other records, three tags for the footer, a dozen `{% if %}` and `{% translate %}`), an entry cost
about 1,800 Python calls, three quarters of a person page's timeline. Here each part of a row is
written out once, and history/_entry_row.html (and _activity_row.html) is rendered once per page
with stand-ins for the parts (its skeleton), into which each row's own parts are put with
%-formatting. `{% timeline_rows items record %}` writes the rows of a page (history/_entries.html,
contacts/_company_entries.html) and of one entry (history/_entry.html).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from django import template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from kontor.contacts.models import Person
from kontor.files.templatetags import files_tags
from kontor.history import actions
from kontor.history.models import Activity, Entry, EntryKind
from kontor.history.queries import LinkedRecord
from kontor.history.templatetags import comment_tags, history_tags
from kontor.lib import text
from kontor.lib.dates import Clock
from kontor.lib.stamped import STAND_IN, KeptFragments, mark, skeleton, stamp
from kontor.lib.urls import id_url
from kontor.mail.templatetags.mail_tags import email_of, sender_name
from kontor.records.models import KIND_URL_NAMESPACE, Kind, Record

register = template.Library()


def _escape(text: str) -> SafeString:
    """django.utils.html.escape, without its check for lazy strings (a row's texts are never lazy)."""
    return SafeString(html.escape(text))


@dataclass
class RowPage:
    """What the rows of one timeline page share: the reader, the clock, the fixed texts in the
    reader's language (escaped once), and the rendering context of the footer tags."""

    context: template.Context

    def __post_init__(self) -> None:
        context = self.context
        self.clock = Clock()
        self.membership = context.get("membership")
        self.file_reader = files_tags.reader_of(context)
        self.is_new = bool(context.get("is_new"))
        self.kind_labels = {value: _escape(str(label)) for value, label in EntryKind.choices}
        self.edited = _escape(pgettext("a note changed after it was written", "edited"))
        self.confidential = _escape(_("confidential"))
        self.also_on = _escape(pgettext("the other records of a history entry", "Also on:"))
        self.via_title = _escape(_("From the history of this person"))
        self.former_colleague = _escape(_("Former colleague"))
        self.email_template = history_tags.engine_of(context).get_template("mail/_email_entry.html")
        self.names: dict[int, SafeString] = {}
        # The footer of an entry without comments, by record, permissions and whether it has no
        # files (then the paperclip is part of it), with STAND_IN for its id.
        self.footers: dict[tuple[int, bool, bool, bool], str] = {}
        self.comment_links: dict[int, str] = {}  # its comment link, by record
        self.paperclips: dict[int, str] = {}  # its paperclip, by record
        self.record_links: dict[int, SafeString] = {}
        self.via_links: dict[int, str] = {}
        # A footer (files, edit and delete links, comment link) that needs the context's state.
        self.footer_state = bool(context.get("upload_error") or context.get("comment_form_open")
                                 or context.get("comment_error"))

    def author(self, entry: Entry) -> SafeString:
        """Who wrote the entry (entry_author), a colleague's name escaped once per page."""
        if entry.author_id is not None:
            if entry.author_id not in self.names:
                self.names[entry.author_id] = _escape(entry_author(entry) or "")
            return self.names[entry.author_id]
        author = entry_author(entry)
        return self.former_colleague if author is None else _escape(author)

    def via_link(self, person: Person) -> str:
        """<a> to the person from whose history an entry on a company page is, once per person."""
        if person.pk not in self.via_links:
            self.via_links[person.pk] = (f'<a class="entry-via" href="{html.escape(person.get_absolute_url())}" '
                                         f'title="{self.via_title}">{html.escape(person.full_name)}</a>')
        return self.via_links[person.pk]

    def record_link(self, record: Record | LinkedRecord) -> SafeString:
        """<a> to a record, once per record on the page."""
        if record.pk not in self.record_links:
            url = id_url(f"{KIND_URL_NAMESPACE[Kind(record.kind)]}:detail", record.pk)
            self.record_links[record.pk] = SafeString(
                f'<a href="{html.escape(url)}">{html.escape(record.display_name)}</a>')
        return self.record_links[record.pk]


def entry_author(entry: Entry) -> str | None:
    """Who wrote the entry: the colleague's name, or the sender of a filed e-mail; None for a
    colleague no longer there (shown as "Former colleague")."""
    if entry.author_id is not None:
        name = getattr(entry, "author_name", None)  # queries.timeline reads the name, not the user
        return getattr(entry.author, "name", "") if name is None else name
    if entry.kind == EntryKind.EMAIL:
        email = email_of(entry)
        if email:
            return sender_name(email)
    return None


# An entry's row (history/_entry_row.html): `meta` is the line of kind, author, time and badges;
# `content` its subject and text, or a filed e-mail's mail/_email_entry.html; `others` its "Also on:".
ENTRY_PARTS = ("id", "css", "meta", "content", "others", "footer")
ACTIVITY_PARTS = ("id", "text", "time")


def row_skeleton(context: template.Context, template_name: str, parts: tuple[str, ...],
                 shape: dict[str, bool] | None = None) -> str:
    """A row template as a %-format string of its `parts` (lib/stamped.skeleton), so that each row
    costs a string formatting instead of a template rendering; `shape` gives the template the
    flags that choose which parts a row of that shape shows."""
    row: dict[str, object] = {name: mark(name) for name in parts}
    row.update(shape or {})
    return skeleton(history_tags.engine_of(context).get_template(template_name).render(context.new({"row": row})),
                    parts)


def entry_row(page: RowPage, entry: Entry, record: Record, via_person: Person | None) -> dict[str, str]:
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
    row = {"id": str(entry.pk), "css": html.escape(css), "meta": _meta(page, entry, via_person), "content": "",
           "others": ""}
    if kind == EntryKind.EMAIL:
        with page.context.push(entry=entry, record=record):
            row["content"] = page.email_template.render(page.context)
    else:
        content = ""
        if entry.subject:
            subject_css = "entry-subject entry-event" if entry.event else "entry-subject"
            content = f'<p class="{subject_css}">{html.escape(history_tags.event_text(entry))}</p>'
        if entry.body:
            content += f'\n  <div class="entry-body">{text.linkify(entry.body)}</div>'
        row["content"] = content
    linked = getattr(entry, "live_records", None)  # from queries.timeline, else prefetched or asked
    others = [page.record_link(other) for other in (entry.records.all() if linked is None else linked)
              if other.pk != record.pk]
    if others:
        row["others"] = f'<p class="entry-also small">{page.also_on}\n    {", ".join(others)}\n  </p>'
    row["footer"] = _footer(page, entry, record)
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
        parts.append(page.via_link(via_person))
    parts.append(page.clock.time_element(entry.happened_at))
    if entry.version > 1:
        parts.append(f"<span>{page.edited}</span>")
    if entry.confidential:
        parts.append(f'<span class="badge">{page.confidential}</span>')
    return SafeString("\n    ".join(parts))


def _footer(page: RowPage, entry: Entry, record: Record) -> SafeString:
    """The entry's files and paperclip, its edit and delete links and its comments. Without files
    and comments, they are one fragment per page, record and permissions (kontor/lib/stamped.py)."""
    context = page.context
    files = ""
    if page.footer_state or files_tags.files_for(entry, page.file_reader):
        files = files_tags.entry_files(context, entry, record)
    if page.footer_state or comment_tags.is_commented(entry):
        files = files or files_tags.entry_files(context, entry, record)
        links = history_tags.entry_actions(context, entry, record)
        return SafeString(f"{files}{links}{comment_tags.entry_comments(context, entry, record)}")
    membership = page.membership
    key = (record.pk, membership is not None and actions.can_edit_entry(membership, entry),
           membership is not None and actions.can_delete_entry(membership, entry), not files)
    if key not in page.footers:
        page.footers[key] = _shared_footer(page, record, key[1], key[2], key[3])
    return SafeString(files + stamp(page.footers[key], entry.pk))


# The footer of an entry without comments on any record, with STAND_IN for the entry's id,
# RECORD_STAND_IN for the record's and _CSRF for the form's token, by what else it depends on:
# the language, the script prefix, the permissions and whether the paperclip is part of it.
_shared_footers = KeptFragments()
RECORD_STAND_IN = 987_654_321_066
_RECORD_STAND_IN_TEXT = str(RECORD_STAND_IN)
_CSRF = mark("csrf_token")


def _shared_footer(page: RowPage, record: Record, can_edit: bool, can_delete: bool, paperclip: bool) -> str:
    """_page_footer, rendered once per process for every record and request: its templates
    (files/_entry_files.html, history/_entry_actions.html, history/_comments.html) read only the
    record's id, the entry's, the CSRF token and the language from their context, and rendering
    them on every page took about 0.5 ms of a person's page."""
    token = page.context.get("csrf_token")
    token_text = str(token) if token else ""
    if token_text in ("", "NOTPROVIDED"):  # no token to put in
        return _page_footer(page, record, can_edit, can_delete, paperclip)

    def render() -> str:
        with page.context.push(csrf_token=_CSRF):
            return _page_footer(RowPage(page.context), Record(pk=RECORD_STAND_IN, kind=record.kind),
                                can_edit, can_delete, paperclip)

    footer = _shared_footers.get((get_language(), get_script_prefix(), can_edit, can_delete, paperclip), render)
    return footer.replace(_RECORD_STAND_IN_TEXT, str(record.pk)).replace(_CSRF, html.escape(token_text))


def _page_footer(page: RowPage, record: Record, can_edit: bool, can_delete: bool, paperclip: bool) -> str:
    """The paperclip (if asked), edit and delete links and comment link of an entry without
    comments on `record`, with STAND_IN for its id."""
    context = page.context
    if record.pk not in page.comment_links:
        page.comment_links[record.pk] = comment_tags.uncommented_render(context, record)(STAND_IN)
    edit_links = history_tags.entry_actions_render(context, record, can_edit, can_delete)
    if paperclip and record.pk not in page.paperclips:
        page.paperclips[record.pk] = files_tags.paperclip(context, record, STAND_IN)
    return ((page.paperclips[record.pk] if paperclip else "")
            + (edit_links(STAND_IN) if edit_links else "") + page.comment_links[record.pk])


@register.simple_tag(takes_context=True)
def timeline_rows(context: template.Context, items: Entry | list[Entry], record: Record) -> SafeString:
    """`{% timeline_rows entries record %}`: the rows of a timeline page (its entries and, with
    comment_tags.timeline_items, its activity lines), or of one entry, through the skeletons of
    history/_entry_row.html and history/_activity_row.html. One entry takes `via_person` from the
    context; a page's entries carry theirs (contacts/company_history.py), and where they are shown
    from another record than `record`, that record as `shown_on` (projects/queries.py)."""
    page = RowPage(context)
    entry_skeleton = row_skeleton(context, "history/_entry_row.html", ENTRY_PARTS)
    if isinstance(items, Entry):
        return SafeString(entry_skeleton % (entry_row(page, items, record, context.get("via_person"))))
    rows = []
    activity_skeleton = ""
    for item in comment_tags.timeline_items(items):
        if isinstance(item, Activity):
            activity_skeleton = activity_skeleton or row_skeleton(context, "history/_activity_row.html",
                                                                        ACTIVITY_PARTS)
            rows.append(activity_skeleton % {"id": item.pk, "text": html.escape(comment_tags.activity_text(item)),
                                             "time": page.clock.time_element(item.created_at)})
        else:
            shown_on = getattr(item, "shown_on", None) or record
            rows.append(entry_skeleton % (entry_row(page, item, shown_on, getattr(item, "via_person", None))))
    return SafeString("".join(rows))
