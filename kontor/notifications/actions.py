"""Who hears of what. The actions of other apps call these after they wrote; each writes the
Notification rows in the caller's transaction and leaves the mails to the worker (enqueued on
commit), so writing a note on a record with fifty followers returns at once.

Rules that hold for every notification:
  - nobody is notified of their own action;
  - only active colleagues in an active membership of the account hear anything;
  - confidential entries reach only those whose role may read them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kontor.accounts import roles
from kontor.accounts.models import Account, Membership, User
from kontor.history.models import Comment, Entry
from kontor.notifications import jobs
from kontor.notifications.models import MAIL_TYPES, MailPreference, Notification, NotificationType
from kontor.records.models import Record, Watch
from kontor.tasks.models import Task, zone_of

EXCERPT_LENGTH = 280


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH - 1] + "…"


def colleagues(by: Membership, user_ids: Iterable[int] | None = None) -> list[Membership]:
    """The active memberships of the account (optionally only of these users), without `by`."""
    memberships = (Membership.objects.active().filter(account=by.account).exclude(user=by.user)
                   .select_related("user").order_by("user__name"))
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=set(user_ids))
    return list(memberships)


def followers(records: Sequence[Record], by: Membership) -> list[Membership]:
    """The colleagues (not `by`) who follow any of the records: the note box lists them ticked."""
    ids = Watch.objects.filter(record__in=records).values_list("user_id", flat=True)
    return colleagues(by, ids)


MENTION = re.compile(r"@([\w.\-]+(?:\s+[\w.\-]+)?)", re.UNICODE)


def mentioned(by: Membership, text: str) -> list[Membership]:
    """Colleagues named with @: "@Bob", "@Bob Berger" or "@bob" (the part of the address before @)."""
    if "@" not in text:
        return []
    words = {m.group(1).lower() for m in MENTION.finditer(text)}
    words |= {w.split()[0] for w in words}
    found = []
    for membership in colleagues(by):
        user = membership.user
        names = {user.name.lower(), (user.name.split() or [""])[0].lower(), user.email.split("@")[0].lower()}
        if names & words:
            found.append(membership)
    return found


def _may_read(membership: Membership, entry: Entry | None) -> bool:
    return entry is None or not entry.confidential or roles.can_read_confidential(membership.role)


def _create(notifications: list[Notification]) -> list[Notification]:
    created = Notification.objects.bulk_create(notifications)
    immediate = [n.pk for n in created if not n.batched]
    if immediate:
        transaction.on_commit(lambda: jobs.send_notification_mails(immediate))
    return created


def entry_url(entry: Entry, record: Record) -> str:
    return f"{record.get_absolute_url()}#entry-{entry.pk}"


def task_url(task: Task) -> str:
    return reverse("tasks:edit", args=[task.pk])


def notify_followers(entry: Entry, by: Membership | None, records: Sequence[Record],
                     notify: Iterable[int] | None = None, exclude: Iterable[int] = ()) -> list[Notification]:
    """A new note or e-mail on records: tells their followers. With `notify` (user ids, as ticked
    in the note box) exactly those colleagues are told, unticked followers are spared. Those in
    `exclude` (already told, e.g. by a mention) are left out. `by` is None for what no colleague
    wrote (an e-mail from a contact): then every follower hears of it."""
    if by is None:
        watchers = Watch.objects.filter(record__in=records).values_list("user_id", flat=True)
        recipients = list(Membership.objects.active().filter(account_id=entry.account_id, user_id__in=watchers)
                          .select_related("user"))
    else:
        recipients = followers(records, by) if notify is None else colleagues(by, notify)
    skip = set(exclude)
    recipients = [m for m in recipients if m.user_id not in skip]
    record = records[0]
    return _create([
        Notification(account_id=entry.account_id, recipient=m.user, actor=by.user if by else None,
                     type=NotificationType.ENTRY,
                     record=record, entry=entry, url=entry_url(entry, record),
                     title=record.display_name, excerpt=_excerpt(entry.subject or entry.body))
        for m in recipients if _may_read(m, entry)])


def notify_comment(comment: Comment, by: Membership, ticked: Iterable[int] = ()) -> list[Notification]:
    """A new comment: mentioned and ticked colleagues get a mention; those involved a comment
    notification: earlier commenters, and for an entry its author and the followers of its
    records, for a task its assignee and creator, for a file its uploader and the followers of
    its record. Each colleague is told once."""
    entry, task, file = comment.entry, comment.task, comment.file
    readable_with = entry  # who may not read this entry hears nothing of the comment
    named = {m.user_id: m for m in [*mentioned(by, comment.body), *colleagues(by, ticked)]}
    target = Q(entry=entry) if entry else Q(task=task) if task else Q(file=file)
    earlier = Comment.objects.filter(target).exclude(pk=comment.pk)
    involved: set[int | None] = set(earlier.values_list("author_id", flat=True))
    if entry is not None:
        records = list(Record.objects.filter(entries=entry).alive().order_by("pk"))
        involved |= _watchers(records) | {entry.author_id}
        record = records[0] if records else None
        url = f"{record.get_absolute_url()}#comment-{comment.pk}" if record else ""
        title = record.display_name if record else ""
    elif task is not None:
        involved |= {task.assignee_id, task.created_by_id}
        record, url, title = task.record, task_url(task), task.title
    elif file is not None:
        readable_with = file.entry  # a file on a confidential note is as hidden as the note
        record = file.record
        involved |= _watchers([record] if record else []) | {file.uploaded_by_id}
        url, title = f"{reverse('files:detail', args=[file.pk])}#comment-{comment.pk}", file.name
    else:
        raise ValueError("A comment belongs to an entry, a task or a file.")
    others = {m.user_id: m for m in colleagues(by, {i for i in involved if i is not None} - set(named))}
    rows = []
    for kind, members in ((NotificationType.MENTION, named), (NotificationType.COMMENT, others)):
        rows += [Notification(account=by.account, recipient=m.user, actor=by.user, type=kind, record=record,
                              entry=entry, task=task, comment=comment, url=url, title=title,
                              excerpt=_excerpt(comment.body))
                 for m in members.values() if _may_read(m, readable_with)]
    return _create(rows)


def _watchers(records: Sequence[Record]) -> set[int | None]:
    return set(Watch.objects.filter(record__in=records).values_list("user_id", flat=True))


def notify_mentions(by: Membership, text: str, *, record: Record | None, entry: Entry | None,
                    url: str, exclude: Iterable[int] = ()) -> list[Notification]:
    """Colleagues @mentioned in a note's text (those already told about it are left out)."""
    skip = set(exclude)
    return _create([
        Notification(account=by.account, recipient=m.user, actor=by.user, type=NotificationType.MENTION,
                      record=record, entry=entry, url=url, title=record.display_name if record else "",
                      excerpt=_excerpt(text))
        for m in mentioned(by, text) if m.user_id not in skip and _may_read(m, entry)])


def notify_webform(account: Account, user_ids: Iterable[int], record: Record, entry: Entry, form_name: str,
                   text: str) -> list[Notification]:
    """An enquiry arrived through a web form: the colleagues chosen on the form hear of it, at once
    and by mail. A visitor sent it, so nobody is left out as its author and there is no actor."""
    recipients = Membership.objects.active().filter(account=account, user_id__in=set(user_ids)).select_related("user")
    return _create([
        Notification(account=account, recipient=m.user, actor=None, type=NotificationType.WEBFORM, record=record,
                     entry=entry, url=entry_url(entry, record), title=f"{record.display_name} ({form_name})",
                     excerpt=_excerpt(text))
        for m in recipients])


def notify_merge(by: Membership, survivor: Record, merged_names: str,
                 follower_ids: Iterable[int]) -> list[Notification]:
    """Records were merged into `survivor`: whoever followed any of them hears of it once."""
    return _create([
        Notification(account=by.account, recipient=m.user, actor=by.user, type=NotificationType.MERGE,
                     record=survivor, url=survivor.get_absolute_url(), title=survivor.display_name,
                     excerpt=_excerpt(merged_names))
        for m in colleagues(by, follower_ids)])


def is_urgent(task: Task, now: dt.datetime) -> bool:
    """Due today or overdue in the assignee's time zone: worth a mail at once."""
    if task.due_date is None:
        return False
    return task.due_date <= now.astimezone(zone_of(task.assignee.time_zone)).date()


def notify_assignment(task: Task, by: Membership, now: dt.datetime | None = None) -> Notification | None:
    """A task given to someone else: at once when it is due today or overdue, otherwise in the
    hourly batch (one mail per recipient for all the tasks of that hour)."""
    assignee: User = task.assignee
    if assignee.pk == by.user.pk or not colleagues(by, [assignee.pk]):
        return None
    now = now or timezone.now()
    notification = Notification(account=by.account, recipient=assignee, actor=by.user,
                                type=NotificationType.ASSIGNMENT, record=task.record, task=task,
                                url=task_url(task), title=task.title, created_at=now,
                                batched=not is_urgent(task, now))
    return _create([notification])[0]


def mark_read(notification: Notification, by: Membership, now: dt.datetime | None = None) -> None:
    Notification.objects.filter(pk=notification.pk, recipient=by.user, read_at__isnull=True).update(
        read_at=now or timezone.now())


def mark_all_read(by: Membership, now: dt.datetime | None = None) -> int:
    return Notification.objects.for_membership(by).unread().update(read_at=now or timezone.now())


def set_mail_preferences(user: User, wanted: dict[str, bool]) -> None:
    """Switches mails on or off by type (NotificationType values and "weekly")."""
    for kind, email in wanted.items():
        MailPreference.objects.update_or_create(user=user, type=kind, defaults={"email": email})


def mail_preferences(user: User) -> dict[str, bool]:
    chosen = dict(MailPreference.objects.filter(user=user).values_list("type", "email"))
    return {kind: chosen.get(kind, True) for kind in MAIL_TYPES}
