"""The activity stream: append-only lines of who did what to which record, written by the actions
by explicit calls (no signals), read by the start page, the record timelines and the weekly
summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from kontor.accounts import roles
from kontor.accounts.models import Membership, User
from kontor.history.models import Activity, ActivityVerb, Entry
from kontor.lib.prepared import prepared
from kontor.records.models import Record, Watch

MAX_DIFF_TEXT = 120


def _plain(value: Any) -> Any:
    """A JSON-safe, short form of a field value for the diff."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= MAX_DIFF_TEXT else text[:MAX_DIFF_TEXT - 1] + "…"


def field_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs between the two snapshots."""
    diff = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new or (old in (None, "") and new in (None, "")):
            continue  # 12000 and 12000.00 are the same amount
        if _plain(old) != _plain(new):
            diff[name] = [_plain(old), _plain(new)]
    return diff


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name, None) for name in fields}


def listed(objects: Iterable[object]) -> str:
    """A list of things (addresses, positions, people) as one diff value, in their own order."""
    return "; ".join(str(obj) for obj in objects)


def tag_names(record: Record) -> str:
    return ", ".join(sorted(record.tags.values_list("name", flat=True), key=str.lower))


def record_snapshot(record: Record, *, responsible: bool, tags: bool) -> dict[str, Any]:
    """What every kind of record shares, as far as a change touches it: its responsible user and
    its tags (the diff's keys "responsible" and "tags"). What it leaves alone is not read."""
    found: dict[str, Any] = {}
    if responsible:
        found["responsible"] = record.responsible.name if record.responsible else ""
    if tags:
        found["tags"] = tag_names(record)
    return found


def record_activity(by: Membership, verb: str, record: Record | None = None, *, summary: str = "",
                    changes: Mapping[str, Any] | None = None, subject_user: User | None = None,
                    now: dt.datetime | None = None, entry: Entry | None = None) -> Activity | None:
    """Appends one activity line. A change without any differing field writes nothing. `entry`
    is the note the line is about: the line is shown only to those who may read that note."""
    if verb == ActivityVerb.CHANGED and not changes:
        return None
    return Activity.objects.create(account=by.account, record=record, verb=verb, actor=by.user,
                                   subject_user=subject_user, summary=_short(summary), changes=dict(changes or {}),
                                   created_at=now or timezone.now(), entry=entry)


def record_on_each(by: Membership, verb: str, records: Iterable[Record], *, summary: str = "",
                   changes: Mapping[str, Any] | None = None) -> None:
    """The same line on many records at once (a hand-over of records, a note on several), in one INSERT."""
    now = timezone.now()
    Activity.objects.bulk_create([Activity(account=by.account, record=record, verb=verb, actor=by.user,
                                           summary=_short(summary), changes=dict(changes or {}), created_at=now)
                                  for record in records], batch_size=500)


def _short(summary: str) -> str:
    return summary if len(summary) <= 300 else summary[:299] + "…"


def readable(activities: QuerySet[Activity], can_read_confidential: bool) -> QuerySet[Activity]:
    """Leaves out the lines about notes that are confidential now (they may have been made so
    after the line was written): checked whenever lines are shown, in the same query."""
    return activities if can_read_confidential else activities.filter(_readable_by_anyone())


def _readable_by_anyone() -> Q:
    return Q(entry__isnull=True) | Q(entry__confidential=False)


def stream(membership: Membership, *, following_only: bool = False) -> QuerySet[Activity]:
    """The team's activities, newest first, without those on records in the trash (a deletion
    itself stays visible) and those about notes the membership may not read. `following_only`
    narrows to records the user follows."""
    activities = (Activity.objects.filter(account=membership.account)
                  .filter(Q(record__isnull=True) | Q(record__deleted_at__isnull=True) | Q(verb=ActivityVerb.DELETED))
                  .select_related("actor", "record", "subject_user").order_by("-created_at", "-pk"))
    activities = readable(activities, roles.can_read_confidential(membership.role))
    if following_only:
        activities = activities.filter(record__in=Watch.objects.filter(user=membership.user).values("record_id"))
    return activities


# A record page's timeline shows at most this many activity lines between two of its entries.
RECORD_LINES = 200


@prepared
def _record_lines(record_id: int, newer_than: dt.datetime | None, older_than: dt.datetime | None,
                  can_read_confidential: bool) -> QuerySet[Activity]:
    """The lines of a record page's timeline, compiled once (most pages have none to show): one
    filter() and the two names as columns, not the users' rows."""
    wanted = ~Q(verb__in=[ActivityVerb.TASK_DONE, ActivityVerb.TASK_CHANGED])
    if not can_read_confidential:
        wanted &= _readable_by_anyone()
    if newer_than is not None:
        wanted &= Q(created_at__gte=newer_than)
    if older_than is not None:
        wanted &= Q(created_at__lt=older_than)
    return (Activity.objects.filter(wanted, record_id=record_id)
            .annotate(actor_name=F("actor__name"), subject_user_name=F("subject_user__name"))
            .order_by("-created_at", "-pk")[:RECORD_LINES])


def for_record(record: Record, newer_than: dt.datetime | None, older_than: dt.datetime | None, *,
               can_read_confidential: bool = False) -> list[Activity]:
    """A record's activities in a time window, newest first, for its timeline. Completed tasks are
    left out: completing one writes an entry into the same timeline ("Done: …"); so are edits of
    tasks (a new due date, a new title: the task section shows the task as it is now, and the
    team's activity stream keeps them), and lines about notes the reader may not read."""
    lines = _record_lines(record.pk, newer_than, older_than, can_read_confidential)
    for line in lines:
        line.record = record
    return lines
