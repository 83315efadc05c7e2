"""The start page's notes and activity lines, each written from a skeleton of its row template.

Rendered row by row through the templates, ten notes took 11,000 Python calls and twenty activity
lines about as many, half of the start page. Here each row's texts are written once, and
kontor/_start_note.html and kontor/_start_activity.html are rendered once per page and shape of
row (an e-mail or a note, confidential or not, on records or not; a line with or without a link)
with stand-ins for the texts (lib/stamped.py), which each row then fills with %-formatting.
"""

from __future__ import annotations

import html
import unicodedata
from typing import Any

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kontor.history.models import Activity, EntryKind
from kontor.history.templatetags import comment_tags, timeline_tags
from kontor.lib import text
from kontor.lib.dates import Clock
from kontor.start_queries import Note

register = template.Library()

NOTE_PARTS = ("author", "records", "time", "kind", "kind_label", "subject", "body")
ACTIVITY_PARTS = ("url", "text", "time")
# How much of a note the start page shows.
NOTE_PREVIEW = 280


class _Skeletons:
    """A row template's skeleton for each shape of row on the page (timeline_tags.row_skeleton),
    rendered when a row of that shape first needs it."""

    def __init__(self, context: template.Context, template_name: str, parts: tuple[str, ...]) -> None:
        self.context, self.template_name, self.parts = context, template_name, parts
        self.shapes: dict[tuple[tuple[str, bool], ...], str] = {}

    def row(self, shape: dict[str, bool], texts: dict[str, Any]) -> str:
        key = tuple(shape.items())
        if key not in self.shapes:
            self.shapes[key] = timeline_tags.row_skeleton(self.context, self.template_name, self.parts, shape)
        return self.shapes[key] % texts


@register.simple_tag(takes_context=True)
def note_rows(context: template.Context, notes: list[Note]) -> SafeString:
    """`{% note_rows notes %}`: the start page's latest notes and filed e-mails."""
    skeletons = _Skeletons(context, "kontor/_start_note.html", NOTE_PARTS)
    clock = Clock()
    kind_labels = {value: html.escape(str(label)) for value, label in EntryKind.choices}
    former_colleague, no_subject = html.escape(_("Former colleague")), html.escape(_("(no subject)"))
    rows = []
    for entry, records in notes:
        is_email = entry.kind == EntryKind.EMAIL
        author = timeline_tags.entry_author(entry)
        author_text = former_colleague if author is None else html.escape(author)
        links = ", ".join(f'<a href="{html.escape(record.get_absolute_url())}#entry-{entry.pk}">'
                          f"{html.escape(record.display_name)}</a>" for record in records)
        shape = {"confidential": entry.confidential, "has_records": bool(records), "is_email": is_email,
                 "shows_kind": entry.kind != EntryKind.NOTE}
        rows.append(skeletons.row(shape, {
            "author": author_text, "records": links, "time": clock.time_element(entry.happened_at),
            "kind": html.escape(entry.kind), "kind_label": kind_labels.get(entry.kind, html.escape(entry.kind)),
            "subject": html.escape(entry.subject) if entry.subject else no_subject,
            "body": text.linkify(_preview(entry.body))}))
    return SafeString("".join(rows))


def _preview(body: str) -> str:
    """The filter truncatechars:NOTE_PREVIEW, without its count of every character of a short note."""
    if len(body) <= NOTE_PREVIEW:
        return unicodedata.normalize("NFC", body)  # as Truncator gives back a text it does not cut
    return truncatechars(body, NOTE_PREVIEW)


@register.simple_tag(takes_context=True)
def activity_rows(context: template.Context, activities: list[Activity]) -> SafeString:
    """`{% activity_rows activities %}`: the lines of the start page's activity stream, each linked
    to its record unless the record is in the trash (a deletion's line stays)."""
    skeletons = _Skeletons(context, "kontor/_start_activity.html", ACTIVITY_PARTS)
    clock = Clock()
    urls: dict[int, str] = {}
    rows = []
    for activity in activities:
        record = activity.record
        url = ""
        if record is not None and record.deleted_at is None:
            if record.pk not in urls:
                urls[record.pk] = html.escape(record.get_absolute_url())
            url = urls[record.pk]
        rows.append(skeletons.row({"linked": bool(url)}, {
            "url": url, "text": html.escape(comment_tags.activity_text(activity)),
            "time": clock.time_element(activity.created_at)}))
    return SafeString("".join(rows))

