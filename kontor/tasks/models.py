"""Tasks ("Aufgaben"): reminders, calls and appointments, each on zero or one record, and the
secret calendar feed through which a user subscribes to them.

Due dates are wall-clock values: `due_date` and the optional `due_time` are the day and time of day
in the assignee's time zone, as the person who has to do the task reads them. So postponing by a
day keeps 14:00 at 14:00 across a change to or from summer time, and a task without a time is
simply "any time that day"."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account, Membership
from kontor.records.models import Record
from kontor.records.trash import trashed_records


class TaskType(models.TextChoices):
    TASK = "task", _("Task")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    PREPARATION = "preparation", _("Preparation")
    OTHER = "other", _("Other")


# How long a timed task blocks the calendar: appointments an hour, everything else half an hour.
DURATION_MINUTES = {TaskType.MEETING: 60, TaskType.VISIT: 60}
DEFAULT_DURATION_MINUTES = 30


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(done_at__isnull=True)

    def done(self) -> TaskQuerySet:
        return self.filter(done_at__isnull=False)

    def overdue(self, now: dt.date | dt.datetime) -> TaskQuerySet:
        """Open tasks past due at `now` (see overdue_q)."""
        return self.open().filter(overdue_q(now))

    def visible_in(self, account: Account | int) -> TaskQuerySet:
        """The account's (or account id's) tasks, without those of its records in the trash: they
        come back when the record is restored.

        Asked as "not one of the account's trashed records", a list read once through the index
        record_trash (as the people and company lists ask it), not as a join on each task's record:
        PostgreSQL joined 1,400 open tasks by reading every record of the installation (10 to 24 ms);
        this takes 0.5 ms there and on SQLite."""
        return self.filter(account=account).exclude(record_id__in=trashed_records(account))


class Task(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=12, choices=TaskType.choices, default=TaskType.TASK)
    record = models.ForeignKey(Record, verbose_name=_("record"), on_delete=models.CASCADE, null=True,
                               blank=True, related_name="tasks")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"),
                                 on_delete=models.CASCADE, related_name="tasks")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_time = models.TimeField(_("time"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        indexes = [
            # The Tasks area and the feed: someone's open tasks by due date, and the whole team's.
            models.Index(fields=["account", "assignee", "due_date"], condition=Q(done_at__isnull=True),
                         name="task_open_by_assignee"),
            models.Index(fields=["account", "due_date"], condition=Q(done_at__isnull=True),
                         name="task_open_in_account"),
            # Done tasks, most recently done first. Partial too: whole, SQLite took them for the open
            # tasks (done_at IS NULL looked as selective as one moment of completion) and sorted all of
            # someone's open tasks to show the first ten.
            models.Index(fields=["account", "assignee", "-done_at"], condition=Q(done_at__isnull=False),
                         name="task_done_by_assignee"),
            models.Index(fields=["account", "-done_at"], condition=Q(done_at__isnull=False),
                         name="task_done_in_account"),
            # The section on a record page.
            models.Index(fields=["record", "done_at", "due_date"], name="task_by_record"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, now: dt.date | dt.datetime) -> bool:
        """Open and past due at `now`, the viewer's wall clock: due on an earlier day, or today at
        a time that has passed. Given only a day, a task counts as overdue from the next day on."""
        if self.is_done or self.due_date is None:
            return False
        return is_past_due(self.due_date, self.due_time, *wall_clock(now))

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=DURATION_MINUTES.get(TaskType(self.type), DEFAULT_DURATION_MINUTES))


def wall_clock(now: dt.date | dt.datetime) -> tuple[dt.date, dt.time | None]:
    """The day and (when `now` is a moment) the time of day `now` reads on the viewer's clock. An
    aware moment is read in the active time zone (the user's, during a request)."""
    if isinstance(now, dt.datetime):
        local = timezone.localtime(now) if timezone.is_aware(now) else now
        return local.date(), local.time().replace(tzinfo=None)
    return now, None


def is_past_due(due_date: dt.date, due_time: dt.time | None, today: dt.date, time: dt.time | None) -> bool:
    """The rule of overdue_q for one task: due on an earlier day, or today at a time before `time`
    (without a time of day on either side, today is not past due)."""
    if due_date != today:
        return due_date < today
    return due_time is not None and time is not None and due_time < time


def overdue_q(now: dt.date | dt.datetime) -> Q:
    """Open tasks count as overdue from their due time on: an untimed task from the next day, a
    timed one from its time of day (14:05 makes a task due today at 10:00 overdue)."""
    today, time = wall_clock(now)
    past = Q(due_date__lt=today)
    if time is not None:
        past |= Q(due_date=today, due_time__lt=time)
    return past


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A user's secret calendar subscription in one account. The token in the URL is the only key:
    regenerating it replaces the token, so the old URL stops working at once."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    include_team = models.BooleanField(_("include the whole team's tasks"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The fingerprint of what the feed showed last, and since when: its ETag and Last-Modified.
    # Kept here (not per process) so that every web process answers a client's poll alike, and so
    # that Last-Modified moves on for removals too (a deleted task leaves no timestamp behind).
    content_etag = models.CharField(max_length=64, blank=True, default="")
    content_changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar of {self.membership}"
