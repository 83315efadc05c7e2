"""Writing to a record's history: notes now; filed e-mails, calls and meetings use the same Entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.files.models import Attachment
from kontor.history import activity
from kontor.history.models import ActivityVerb, Comment, Entry, EntryKind, EntryLink
from kontor.lib.text import first_line, plain_text
from kontor.notifications import actions as notification_actions
from kontor.records import actions as record_actions
from kontor.records.models import Record
from kontor.search import index as search_index
from kontor.tasks.models import Task
from kontor.webhooks import actions as webhooks

MAX_NOTE_LENGTH = 100_000


class StaleEntry(Exception):
    """The entry changed since the editor loaded it; the save was refused."""

    def __init__(self, entry: Entry) -> None:
        super().__init__(_("Someone else changed this note in the meantime."))
        self.entry = entry


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Please write something first.")})
    if len(body) > MAX_NOTE_LENGTH:
        raise ValidationError({"body": _("A note can have at most %(count)s characters.")
                               % {"count": f"{MAX_NOTE_LENGTH:,}"}})
    return body


# A clock a few minutes fast, or a time typed to the minute, is not "in the future".
HAPPENED_AT_LEEWAY = dt.timedelta(minutes=5)
EARLIEST_HAPPENED_AT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


def _check_kind_and_time(kind: str, happened_at: dt.datetime | None, now: dt.datetime) -> None:
    """A note is a note, call, meeting (or filed e-mail), and it records what has happened: a time
    to come belongs in a task, and one before 1900 is a typing slip."""
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("Choose note, call or meeting.")})
    if happened_at is None:
        return
    if happened_at > now + HAPPENED_AT_LEEWAY:
        raise ValidationError({"happened_at": _(
            "This time is still to come. The history records what has happened; plan what comes next as a task.")})
    if happened_at < EARLIEST_HAPPENED_AT:
        raise ValidationError({"happened_at": _("This date is out of range.")})


def _check_confidential(by: Membership, confidential: bool) -> None:
    if confidential and not roles.can_read_confidential(by.role):
        raise PermissionDenied(_("Your role does not allow confidential notes."))


@transaction.atomic
def add_note(by: Membership, records: Sequence[Record], body: str, confidential: bool = False,
             kind: str = EntryKind.NOTE, happened_at: dt.datetime | None = None, subject: str = "",
             notify: Iterable[int] | None = None) -> Entry:
    """Writes a note (or call or meeting report) onto one or more records of the same account;
    `happened_at` (not in the future) defaults to now. The author starts following those records.
    Colleagues @mentioned in the text are told; so are the records' followers, or with `notify`
    (user ids, as ticked in the note box) exactly those colleagues. Their mails go out from the
    worker after the commit."""
    body = _clean_body(body)
    now = timezone.now()
    _check_kind_and_time(kind, happened_at, now)
    _check_confidential(by, confidential)
    if not records:
        raise ValidationError({"records": _("A note belongs to at least one record.")})
    if any(r.account_id != by.account.pk for r in records):
        raise PermissionDenied
    entry = Entry.objects.create(account=by.account, kind=kind, body=body, subject=subject.strip()[:300],
                                 author=by.user, happened_at=happened_at or now, confidential=confidential,
                                 created_at=now, updated_at=now)
    link_entry(entry, records, now=now, is_new=True)
    for record in records:
        record_actions.watch(record, by.user)
    search_index.index(entry)
    record = records[0]
    told = notification_actions.notify_mentions(by, body, record=record, entry=entry,
                                                url=notification_actions.entry_url(entry, record))
    notification_actions.notify_followers(entry, by, records, notify, exclude={n.recipient_id for n in told})
    webhooks.emit(by.account, "note.created", entry)
    return entry


# No savepoint of its own: inside a caller's transaction a failure rolls that back as a whole.
@transaction.atomic(savepoint=False)
def link_entry(entry: Entry, records: Sequence[Record], now: dt.datetime | None = None,
               is_new: bool = False) -> list[Record]:
    """Puts an entry on records of its account (an e-mail filed on more people later, a note on
    several at once); records it is on already are left alone (`is_new`: it is on none yet).
    Returns the newly linked records, which count as just changed."""
    linked = set() if is_new else set(EntryLink.objects.filter(entry=entry).values_list("record_id", flat=True))
    new = [r for r in {r.pk: r for r in records}.values() if r.pk not in linked]
    if any(r.account_id != entry.account_id for r in new):
        raise PermissionDenied
    EntryLink.objects.bulk_create([EntryLink(entry=entry, record=r, happened_at=entry.happened_at) for r in new],
                                  ignore_conflicts=True)  # a concurrent filing of the same e-mail may have won
    Record.objects.filter(pk__in=[r.pk for r in new]).update(updated_at=now or timezone.now())
    return new


def can_edit_entry(by: Membership, entry: Entry) -> bool:
    return entry.author_id == by.user.pk and entry.kind != EntryKind.EMAIL


def can_delete_entry(by: Membership, entry: Entry) -> bool:
    return entry.author_id == by.user.pk or roles.can_manage_team(by.role)


@transaction.atomic
def update_note(entry: Entry, by: Membership, body: str, confidential: bool | None = None,
                version: int | None = None) -> Entry:
    if not can_edit_entry(by, entry):
        raise PermissionDenied(_("You can only edit your own notes."))
    body = _clean_body(body)
    if confidential is not None:
        _check_confidential(by, confidential)
    entries = Entry.objects.filter(pk=entry.pk)
    if version is not None:
        entries = entries.filter(version=version)
    changes = {"body": body, "updated_at": timezone.now(), "version": F("version") + 1}
    if confidential is not None:
        changes["confidential"] = confidential
    if not entries.update(**changes):
        entry.refresh_from_db()
        raise StaleEntry(entry)
    entry.refresh_from_db()
    search_index.index_entries([entry.pk])
    webhooks.emit(by.account, "note.updated", entry)
    return entry


@transaction.atomic
def delete_note(entry: Entry, by: Membership) -> None:
    """Deletes a note (call, meeting, e-mail) for good. Each of its records keeps a line saying who
    deleted it and how it began, unless it was confidential: everyone reads those lines."""
    if not can_delete_entry(by, entry):
        raise PermissionDenied(_("You can only delete your own notes."))
    search_index.remove_objects(Entry, [entry.pk])
    search_index.remove_comments_of(entry=entry)
    if not entry.confidential:
        activity.record_on_each(by, ActivityVerb.NOTE_DELETED, Record.objects.filter(entries=entry),
                                summary=entry.subject or first_line(plain_text(entry.body)),
                                changes={"kind": entry.kind})
    webhooks.emit(by.account, "email.deleted" if entry.kind == EntryKind.EMAIL else "note.deleted", entry)
    entry.delete()


MAX_COMMENT_LENGTH = 10_000


@transaction.atomic
def add_comment(by: Membership, body: str, *, entry: Entry | None = None, task: Task | None = None,
                file: Attachment | None = None, notify: Iterable[int] = ()) -> Comment:
    """A comment under a history entry, a task or a file (exactly one of them). Colleagues
    @mentioned or ticked (`notify`, user ids) are told, and so are those involved: the entry's
    author, earlier commenters, the records' followers (for a task its assignee and creator, for a
    file its uploader and the followers of its record)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Please write something first.")})
    if len(body) > MAX_COMMENT_LENGTH:
        raise ValidationError({"body": _("A comment can have at most %(count)s characters.")
                               % {"count": f"{MAX_COMMENT_LENGTH:,}"}})
    targets = [target for target in (entry, task, file) if target is not None]
    if len(targets) != 1:
        raise ValidationError(_("A comment belongs to one entry, task or file."))
    if targets[0].account_id != by.account.pk:
        raise PermissionDenied
    confidential_entry = entry if entry is not None else file.entry if file is not None else None
    if confidential_entry is not None and confidential_entry.confidential:
        _check_confidential(by, True)
    comment = Comment.objects.create(account=by.account, entry=entry, task=task, file=file,
                                     author=by.user, body=body, created_at=timezone.now())
    if file is None:  # comments on files are read on the file's page (see docs/collaboration.md)
        search_index.index(comment)
    notification_actions.notify_comment(comment, by, notify)
    webhooks.emit(by.account, "comment.created", comment)
    return comment


def can_delete_comment(by: Membership, comment: Comment) -> bool:
    return comment.account_id == by.account.pk and (comment.author_id == by.user.pk
                                                    or roles.can_manage_team(by.role))


@transaction.atomic
def delete_comment(comment: Comment, by: Membership) -> None:
    """Deletes the comment with its search index row and queues the webhook, all or nothing."""
    if not can_delete_comment(by, comment):
        raise PermissionDenied(_("You can only delete your own comments."))
    search_index.remove_objects(Comment, [comment.pk])
    webhooks.emit(by.account, "comment.deleted", comment)
    comment.delete()
