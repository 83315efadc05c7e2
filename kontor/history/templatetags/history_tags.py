"""Template helpers for the history timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership
from kontor.accounts.requests import request_of
from kontor.history import actions
from kontor.history.models import Entry, EntryEvent
from kontor.lib import text as text_helpers
from kontor.lib import urls
from kontor.lib.dates import Clock
from kontor.lib.stamped import stamped
from kontor.records.models import Record

register = template.Library()


def engine_of(context: template.Context) -> template.Engine:
    """The template engine a tag renders in, to load the templates it renders itself."""
    assert context.template is not None  # a tag renders inside a template
    return context.template.engine


@register.filter
def when(value: dt.datetime | None) -> str:
    """'2 hours ago' for the last day, a date in the user's language and time zone before that."""
    if value is None:
        return ""
    age = timezone.now() - value
    if dt.timedelta(0) <= age < dt.timedelta(hours=22):
        return naturaltime(value)
    local = timezone.localtime(value)
    if local.year == timezone.localtime().year:
        day = formats.date_format(local, "MONTH_DAY_FORMAT")
        return f"{day}, {formats.time_format(local, 'TIME_FORMAT')}"
    return formats.date_format(local, "DATETIME_FORMAT")


# Where {% time_element %} keeps the Clock of a template's rendering (its render_context).
_CLOCK = "history_tags.clock"


@register.simple_tag(takes_context=True)
def time_element(context: template.Context, value: dt.datetime, with_title: bool = True) -> SafeString:
    """`{% time_element entry.happened_at %}`: <time> with the moment in ISO 8601, the full date and
    time as its title (not with `False` after the moment), and `when` as its text; written by
    one Clock per rendering (lib/dates.py), which looks up the reader's formats once."""
    clock = context.render_context.get(_CLOCK)
    if clock is None:
        clock = context.render_context[_CLOCK] = Clock()
    return clock.time_element(value, with_title)


@register.filter(is_safe=True)
def linkify(text: str) -> str:
    """`{{ entry.body|linkify }}`: `urlize`, quick for text without links (kontor/lib/text.py)."""
    return text_helpers.linkify(str(text))


@register.simple_tag
def id_url(name: str, *ids: int) -> str:
    """`{% id_url "history:edit" record.pk entry.pk %}`: `{% url %}` for the rows of a loop, without a
    resolver walk per row (kontor/lib/urls.py)."""
    return urls.id_url(name, *ids)


@register.simple_tag(takes_context=True)
def entry_actions(context: template.Context, entry: Entry, record: Record) -> SafeString:
    """`{% entry_actions entry record %}`: the entry's edit and delete links, as far as the reader may
    use them; the same for every entry but its id, so rendered once per page and permission
    (kontor/lib/stamped.py)."""
    membership = context.get("membership")
    can_edit, can_delete = editable_by(entry, membership), deletable_by(entry, membership)
    render = entry_actions_render(context, record, can_edit, can_delete)
    if render is None:
        return SafeString("")
    return stamped(request_of(context), ("entry_actions", record.pk, can_edit, can_delete), render, entry.pk)


def entry_actions_render(context: template.Context, record: Record, can_edit: bool,
                         can_delete: bool) -> Callable[[int], str] | None:
    """The edit and delete links (history/_entry_actions.html) for an entry's id; None without any."""
    if not (can_edit or can_delete):
        return None
    links = engine_of(context).get_template("history/_entry_actions.html")

    def render(entry_pk: int) -> str:
        return links.render(context.new({"record": record, "entry_pk": entry_pk, "can_edit": can_edit,
                                         "can_delete": can_delete}))

    return render


@register.filter
def editable_by(entry: Entry, membership: Membership | None) -> bool:
    return membership is not None and actions.can_edit_entry(membership, entry)


@register.filter
def deletable_by(entry: Entry, membership: Membership | None) -> bool:
    return membership is not None and actions.can_delete_entry(membership, entry)


@register.filter
def event_text(entry: Entry) -> str:
    """A line Kontor wrote itself, worded in the reader's language ("Done: Call back"); for what
    people wrote, its subject as it was written."""
    if entry.event == EntryEvent.TASK_DONE:
        return _("Done: %(title)s") % {"title": entry.subject}
    if entry.event == EntryEvent.PROJECT_FROM_DEAL:
        return _("The project “%(name)s” continues this deal.") % {"name": entry.subject}
    return entry.subject
