"""The lines Kontor writes into a record's history by itself (a completed task), as opposed to
what people write. Such a line stores what happened, an EntryEvent and its values in the entry's
own fields, never a sentence: each reader sees it worded in their own language (see
history_tags.event_text), as with the activity stream. A change of a deal's or a project's state
is an activity line only (deals/actions.py, projects/actions.py)."""

from __future__ import annotations

from django.utils import timezone

from kontor.accounts.models import Membership
from kontor.history import actions as history_actions
from kontor.history.models import Entry, EntryEvent
from kontor.notifications import actions as notification_actions
from kontor.records import actions as record_actions
from kontor.records.models import Record
from kontor.search import index as search_index
from kontor.webhooks import actions as webhooks


def add_task_done_line(by: Membership, record: Record, *, kind: str, title: str, description: str) -> Entry:
    """"Done: <title>" in the record's history, as a call, meeting or note by the task's type, with
    the task's description below. The title is the subject, so the quick search and the
    notifications find it in no particular language. The record's followers are told, as of a note."""
    now = timezone.now()
    entry = Entry.objects.create(account=by.account, kind=kind, event=EntryEvent.TASK_DONE, subject=title[:300],
                                 body=description, author=by.user, happened_at=now, created_at=now, updated_at=now)
    history_actions.link_entry(entry, [record], now=now, is_new=True)
    record_actions.watch(record, by.user)
    search_index.index(entry)
    notification_actions.notify_followers(entry, by, [record])
    webhooks.emit(by.account, "note.created", entry)
    return entry


def add_project_from_deal_line(by: Membership, deal_record: Record, project_record: Record, *, name: str) -> Entry:
    """"The project “<name>” continues this deal." on the deal and on its new project."""
    now = timezone.now()
    entry = Entry.objects.create(account=by.account, event=EntryEvent.PROJECT_FROM_DEAL, subject=name[:300],
                                 body="", author=by.user, happened_at=now, created_at=now, updated_at=now)
    history_actions.link_entry(entry, [deal_record, project_record], now=now, is_new=True)
    search_index.index(entry)
    webhooks.emit(by.account, "note.created", entry)
    return entry
