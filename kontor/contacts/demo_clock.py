"""Back-dating what `kontor demo` wrote, so that the demo reads like nine months of team work.

The demo writes through the real actions, which stamp everything with the moment they run: the
activity stream would say "14 seconds ago" on every line, every won deal would count in this
month's forecast and the owner would find a hundred unread notifications. The demo therefore
runs each of its steps (a company, a person, a deal) inside `DemoClock.step(at)`, and afterwards
`backdate` moves what each step wrote to that step's moment. Only the demo does this; nothing a
team does is ever re-dated.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from kontor.accounts.models import Account
from kontor.deals.models import Deal, DealState
from kontor.history.models import Activity, Entry, EntryLink
from kontor.notifications.models import Notification
from kontor.records.models import Record
from kontor.search import index as search_index
from kontor.tasks.models import Task

# Nothing is dated later than this before the moment the demo ran.
NEWEST = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Step:
    started: dt.datetime  # wall clock: when the step began and ended writing
    ended: dt.datetime
    at: dt.datetime       # when it shall seem to have happened
    gap: dt.timedelta     # between the lines it wrote


@dataclass
class Timeline:
    """The lines (activity lines and system-written history lines) of one step, in the order
    they were written, with the moments they move to."""

    written: list[dt.datetime] = field(default_factory=list)
    moments: list[dt.datetime] = field(default_factory=list)

    def before(self, instant: dt.datetime, default: dt.datetime) -> dt.datetime:
        """The moment of the last line written at or before `instant` (for what a line caused)."""
        index = bisect.bisect_right(self.written, instant) - 1
        return self.moments[index] if index >= 0 else default

    def after(self, instant: dt.datetime, default: dt.datetime) -> dt.datetime:
        """The moment of the first line written at or after `instant` (for what a line reports)."""
        index = bisect.bisect_left(self.written, instant)
        return self.moments[index] if index < len(self.moments) else default


class DemoClock:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.started = timezone.now()
        self.latest = self.started - NEWEST
        self.steps: list[Step] = []
        # The notifications that exist before the demo; backdating moves the demo's own into the past.
        self.notifications_before = Notification.objects.aggregate(newest=Max("pk"))["newest"] or 0

    @contextmanager
    def step(self, at: dt.datetime, gap: dt.timedelta = dt.timedelta(minutes=4)) -> Iterator[None]:
        started = timezone.now()
        yield
        self.steps.append(Step(started, timezone.now(), min(at, self.latest), gap))

    def backdate(self) -> None:
        """1. Each step's lines move to its moment, one gap apart, in the order they were written;
           its new records, tasks, notifications and won deals move with the line they belong to.
        2. Every record the demo touched was last changed at its newest line or entry.
        3. The notifications the demo caused are read: a new visitor starts with a quiet bell.
        4. The account's search documents are written again (they carry the dates)."""
        for step in self.steps:
            self._backdate_step(step)
        self._set_updated_at()
        Notification.objects.filter(account=self.account, pk__gt=self.notifications_before,
                                    read_at__isnull=True).update(read_at=self.latest)
        search_index.reindex(self.account)

    def _window(self, step: Step, column: str = "created_at") -> dict[str, Any]:
        return {"account": self.account, f"{column}__gte": step.started, f"{column}__lte": step.ended}

    def _backdate_step(self, step: Step) -> None:
        activities = list(Activity.objects.filter(**self._window(step)))
        # Lines the actions wrote into a history ("Deal won", "Done: …") happened when they were
        # written; notes the demo dated itself keep their date.
        entries = list(Entry.objects.filter(**self._window(step), happened_at__gte=step.started))
        lines: list[Any] = sorted([*activities, *entries], key=lambda line: line.created_at)
        timeline = Timeline([line.created_at for line in lines],
                            [min(step.at + index * step.gap, self.latest) for index in range(len(lines))])
        for line, moment in zip(lines, timeline.moments, strict=True):
            line.created_at = moment
            if isinstance(line, Entry):
                line.happened_at = line.updated_at = moment
        Activity.objects.bulk_update(activities, ["created_at"])
        Entry.objects.bulk_update(entries, ["created_at", "happened_at", "updated_at"])
        # The links carry their entry's moment for the timelines' index: read and written in bulk.
        moments = {entry.pk: entry.happened_at for entry in entries}
        links = list(EntryLink.objects.filter(entry_id__in=moments).only("pk", "entry_id"))
        for link in links:
            link.happened_at = moments[link.entry_id]
        EntryLink.objects.bulk_update(links, ["happened_at"], batch_size=500)
        # A record's updated_at follows from all its lines at the end (_set_updated_at).
        self._move(Record.objects.filter(**self._window(step)), timeline, step, ["created_at"])
        self._move(Task.objects.filter(**self._window(step)), timeline, step, ["created_at", "updated_at"])
        self._move(Notification.objects.filter(**self._window(step)), timeline, step, ["created_at"], after=False)
        done = Task.objects.filter(**self._window(step, "done_at"))
        self._move(done, timeline, step, ["done_at"], source="done_at")
        won = Deal.objects.filter(state=DealState.WON, **self._window(step, "closed_at"))
        self._move(won, timeline, step, ["closed_at"], source="closed_at")

    def _move(self, objects: Any, timeline: Timeline, step: Step, columns: Sequence[str],
              source: str = "created_at", after: bool = True) -> None:
        """Gives each object the moment of the line it belongs to: the first one written after it
        (the line that reports it) or, with after=False, the last one before it (its cause)."""
        rows = list(objects)
        for row in rows:
            instant = getattr(row, source)
            moment = timeline.after(instant, step.at) if after else timeline.before(instant, step.at)
            for column in columns:
                setattr(row, column, moment)
        if rows:
            type(rows[0]).objects.bulk_update(rows, list(columns))

    def _set_updated_at(self) -> None:
        """A record was last changed at its newest activity line or history entry, as far as the
        demo wrote them."""
        records = list(Record.objects.filter(account=self.account, updated_at__gte=self.started))
        ids = [record.pk for record in records]
        newest_line = dict(Activity.objects.filter(record_id__in=ids).values("record_id")
                           .annotate(newest=Max("created_at")).values_list("record_id", "newest"))
        newest_entry = dict(EntryLink.objects.filter(record_id__in=ids).values("record_id")
                            .annotate(newest=Max("happened_at")).values_list("record_id", "newest"))
        for record in records:
            known = [moment for moment in (record.created_at, newest_line.get(record.pk),
                                           newest_entry.get(record.pk)) if moment is not None]
            record.updated_at = min(max(known), self.latest)
        Record.objects.bulk_update(records, ["updated_at"])
