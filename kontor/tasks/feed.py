"""The calendar feed: a user's open tasks and the account's birthdays as an iCalendar file that
Outlook, Google Calendar and Apple Calendar subscribe to.

    - timed tasks are events of DURATION_MINUTES (in the assignee's time zone, with its VTIMEZONE)
    - untimed tasks are all-day events; tasks without a date are left out
    - meetings carry an alarm: 15 minutes before, or at 9:00 on the day when untimed
    - birthdays are yearly all-day events; 29 February falls on 28 February in other years
    - titles say what and with whom: "Call: Anna Müller (Müller GmbH)"

Clients poll, mostly for nothing new. `fingerprint` answers "has anything changed?" with a few
aggregate queries on indexed columns, so that a poll costs far less than building the file."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Subquery, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kontor.contacts.models import Person, Position, person_name
from kontor.records.models import KIND_URL_NAMESPACE, Kind, Record
from kontor.tasks import ical
from kontor.tasks.models import (
    DEFAULT_DURATION_MINUTES,
    DURATION_MINUTES,
    CalendarFeed,
    Task,
    TaskType,
    zone_of,
)

MEETING_ALARM = "-PT15M"
ALL_DAY_MEETING_ALARM = "PT9H"  # 9:00 on the day of an all-day meeting
REFRESH_INTERVAL = "PT30M"


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed with this secret token, if its user is still an active member of the account."""
    if not token or len(token) > 64:
        return None
    return (CalendarFeed.objects.filter(token=token, membership__is_active=True,
                                        membership__user__is_active=True)
            .select_related("membership__user", "membership__account").first())


def feed_tasks(feed: CalendarFeed) -> QuerySet[Task]:
    """The open, dated tasks the feed carries: the user's own, or the whole team's."""
    membership = feed.membership
    tasks = Task.objects.visible_in(membership.account).open().filter(due_date__isnull=False)
    if not feed.include_team:
        tasks = tasks.filter(assignee=membership.user)
    return tasks


def birthday_people(feed: CalendarFeed) -> QuerySet[Person]:
    return Person.objects.filter(account=feed.membership.account, birthday__isnull=False).alive()


@dataclass(frozen=True)
class Fingerprint:
    etag: str
    changed_at: dt.datetime


def fingerprint(feed: CalendarFeed) -> Fingerprint:
    """The ETag of the feed's current content and the moment that content first appeared.

    1. Sums up what the file shows: count, id sum and latest change of its tasks and of their
       records, of the people with birthdays, and the latest change of any company (titles
       carry company names); plus the feed's own settings and the user's language and zone.
    2. If that differs from what the feed showed last, remembers it with the current time.
    Last-Modified is that time, so it moves on when a task is deleted or done too."""
    user = feed.membership.user
    tasks = feed_tasks(feed).aggregate(count=Count("pk"), ids=Sum("pk"), changed=Max("updated_at"),
                                       records=Max("record__updated_at"))
    people = birthday_people(feed).aggregate(count=Count("pk"), ids=Sum("pk"),
                                             changed=Max("record__updated_at"))
    companies = Record.objects.filter(account=feed.membership.account, kind=Kind.COMPANY).aggregate(
        changed=Max("updated_at"))
    summary = repr((sorted(tasks.items()), sorted(people.items()), companies["changed"], feed.token,
                    feed.include_team, user.language, user.time_zone, user.name, settings.BASE_URL))
    etag = hashlib.sha256(summary.encode()).hexdigest()[:32]
    if etag != feed.content_etag or feed.content_changed_at is None:
        now = timezone.now().replace(microsecond=0)
        if feed.content_changed_at is not None and now <= feed.content_changed_at:
            # HTTP dates count whole seconds: a change must move Last-Modified on by at least one.
            now = feed.content_changed_at + dt.timedelta(seconds=1)
        CalendarFeed.objects.filter(pk=feed.pk).update(content_etag=etag, content_changed_at=now)
        feed.content_etag, feed.content_changed_at = etag, now
    assert feed.content_changed_at is not None
    return Fingerprint(etag=etag, changed_at=feed.content_changed_at)


def _url_pattern(kind: str) -> str | None:
    """The absolute URL of a record of this kind with "{}" for its id: one reverse() per kind
    instead of one per event. None for kinds this install has no pages for."""
    try:
        path = reverse(f"{KIND_URL_NAMESPACE[Kind(kind)]}:detail", args=[987654321])
    except NoReverseMatch:
        return None
    return settings.BASE_URL + path.replace("987654321", "{}")


def _primary_companies(tasks: QuerySet[Task]) -> dict[int, str]:
    """The current company of each person the tasks are about (primary first), in one query."""
    positions = (Position.objects.filter(person_id__in=Subquery(tasks.filter(record__kind=Kind.PERSON)
                                                                .values("record_id")),
                                         is_former=False, company__record__deleted_at__isnull=True)
                 .order_by("person_id", "-is_primary", "pk").values_list("person_id", "company__name"))
    companies: dict[int, str] = {}
    for person_id, name in positions:
        companies.setdefault(person_id, name)
    return companies


class TaskRow(NamedTuple):
    """What an event needs of a task, read as plain values: building 5,000 model instances with
    their records and assignees would cost more than writing the whole file."""

    id: int
    title: str
    type: str
    record_id: int | None
    record_kind: str | None
    record_name: str | None
    assignee_id: int
    assignee_name: str
    time_zone: str
    due_date: dt.date
    due_time: dt.time | None
    description: str
    updated_at: dt.datetime
    version: int


TASK_COLUMNS = ("pk", "title", "type", "record_id", "record__kind", "record__display_name", "assignee_id",
                "assignee__name", "assignee__time_zone", "due_date", "due_time", "description", "updated_at",
                "version")


class FeedWriter:
    """Writes one feed's VCALENDAR text. Expects the user's language to be active."""

    def __init__(self, feed: CalendarFeed) -> None:
        self.feed = feed
        self.user = feed.membership.user
        self.host = urlsplit(settings.BASE_URL).hostname or "kontor"
        self.urls = {kind: _url_pattern(kind) for kind in Kind.values}
        self.tasks_url = settings.BASE_URL + reverse("tasks:list")
        # Translated once, not once per event.
        self.labels = {value: str(label) for value, label in TaskType.choices}
        self.what_with_whom = _("%(what)s: %(who)s")
        self.person_at_company = _("%(person)s (%(company)s)")
        self.someone_elses = _("%(summary)s · %(assignee)s")
        self.assigned_to = _("Assigned to %(name)s")
        self.open_in_kontor = _("Open in Kontor: %(url)s")
        self.zones: dict[str, zoneinfo.ZoneInfo] = {}

    def calendar(self) -> str:
        tasks = feed_tasks(self.feed)
        companies = _primary_companies(tasks)
        rows = [TaskRow(*values) for values in
                tasks.order_by("due_date", "due_time", "pk").values_list(*TASK_COLUMNS)]
        people = list(birthday_people(self.feed).values_list(
            "pk", "title", "first_name", "last_name", "birthday", "record__updated_at").order_by("pk"))
        zones = sorted({self.zone(row.time_zone).key for row in rows if row.due_time is not None})
        lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kontor//Tasks//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            ical.text("X-WR-CALNAME", _("Kontor: %(name)s") % {"name": self.feed.membership.account.name}),
            ical.text("X-WR-CALDESC", _("Tasks and birthdays from Kontor for %(user)s")
                      % {"user": self.user.name or self.user.email}),
            f"X-WR-TIMEZONE:{self.zone(self.user.time_zone).key}",
            f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH_INTERVAL}", f"X-PUBLISHED-TTL:{REFRESH_INTERVAL}",
        ]
        lines.extend(ical.vtimezone(zone).removesuffix(ical.CRLF) for zone in zones)
        for row in rows:
            self.task_event(lines, row, companies)
        for person_id, title, first_name, last_name, birthday, changed in people:
            lines.extend(self.birthday_event(person_id, person_name(title, first_name, last_name),
                                             birthday or dt.date.min, changed))
        lines.append("END:VCALENDAR")
        return ical.CRLF.join(lines) + ical.CRLF

    def zone(self, name: str) -> zoneinfo.ZoneInfo:
        if name not in self.zones:
            self.zones[name] = zone_of(name)
        return self.zones[name]

    def summary(self, row: TaskRow, companies: dict[int, str]) -> str:
        summary = row.title
        if row.record_id is not None:
            who = row.record_name
            company = companies.get(row.record_id) if row.record_kind == Kind.PERSON else None
            if company:
                who = self.person_at_company % {"person": who, "company": company}
            summary = self.what_with_whom % {"what": row.title, "who": who}
        if row.assignee_id != self.user.pk:
            summary = self.someone_elses % {"summary": summary, "assignee": row.assignee_name}
        return summary

    def link(self, row: TaskRow) -> str:
        if row.record_id is None:
            return self.tasks_url
        pattern = self.urls.get(row.record_kind or "")
        return pattern.format(row.record_id) if pattern else f"{self.tasks_url}?record={row.record_id}&user=all"

    def task_event(self, lines: list[str], row: TaskRow, companies: dict[int, str]) -> None:
        """Appends the task's VEVENT (with a VALARM for meetings) to `lines`."""
        link = self.link(row)
        summary = self.summary(row, companies)
        someone_else = row.assignee_id != self.user.pk
        description = "\n\n".join(part for part in (
            row.description,
            self.assigned_to % {"name": row.assignee_name} if someone_else else "",
            self.open_in_kontor % {"url": link},
        ) if part)
        changed = ical.utc_value(row.updated_at)
        lines += [
            "BEGIN:VEVENT",
            f"UID:task-{row.id}@{self.host}",
            f"DTSTAMP:{changed}",  # the last change, so that the same content always reads the same
            f"LAST-MODIFIED:{changed}",
            f"SEQUENCE:{row.version}",
            ical.text("SUMMARY", summary),
        ]
        if row.due_time is None:
            lines += [f"DTSTART;VALUE=DATE:{ical.date_value(row.due_date)}",
                      f"DTEND;VALUE=DATE:{ical.date_value(row.due_date + dt.timedelta(days=1))}",
                      "TRANSP:TRANSPARENT"]
        else:
            zone = self.zone(row.time_zone)
            start = dt.datetime.combine(row.due_date, row.due_time, tzinfo=zone)
            minutes = DURATION_MINUTES.get(TaskType(row.type), DEFAULT_DURATION_MINUTES)
            lines += [f"DTSTART;TZID={zone.key}:{ical.local_value(start)}",
                      self.end(start, dt.timedelta(minutes=minutes), zone), "TRANSP:OPAQUE"]
        lines += [ical.text("DESCRIPTION", description), ical.fold(f"URL:{link}"),
                  ical.text("CATEGORIES", self.labels.get(row.type, row.type))]
        if row.type == TaskType.MEETING:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", ical.text("DESCRIPTION", summary),
                      f"TRIGGER:{MEETING_ALARM if row.due_time is not None else ALL_DAY_MEETING_ALARM}",
                      "END:VALARM"]
        lines.append("END:VEVENT")

    @staticmethod
    def end(start: dt.datetime, duration: dt.timedelta, zone: zoneinfo.ZoneInfo) -> str:
        """DTEND after real elapsed time, as wall-clock time in the zone of the start; in UTC when
        that wall-clock time would be ambiguous (02:15 on the night the clocks go back happens
        twice, and clients would read the first, before the start)."""
        end = start.astimezone(dt.UTC) + duration
        local = end.astimezone(zone)
        if local.replace(fold=0).astimezone(dt.UTC) == end:
            return f"DTEND;TZID={zone.key}:{ical.local_value(local)}"
        return f"DTEND:{ical.utc_value(end)}"

    def birthday_event(self, person_id: int, name: str, birthday: dt.date,
                       changed: dt.datetime) -> Iterator[str]:
        yield "BEGIN:VEVENT"
        yield f"UID:birthday-{person_id}@{self.host}"
        yield f"DTSTAMP:{ical.utc_value(changed)}"
        yield f"LAST-MODIFIED:{ical.utc_value(changed)}"
        yield ical.text("SUMMARY", _("Birthday: %(name)s") % {"name": name})
        yield f"DTSTART;VALUE=DATE:{ical.date_value(birthday)}"
        yield f"DTEND;VALUE=DATE:{ical.date_value(birthday + dt.timedelta(days=1))}"
        if (birthday.month, birthday.day) == (2, 29):
            # A yearly rule on 29 February would skip three years in four (RFC 5545 drops invalid
            # dates); "the last day of February" is the 29th in leap years and the 28th otherwise.
            yield "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
        else:
            yield "RRULE:FREQ=YEARLY"
        yield "TRANSP:TRANSPARENT"
        yield ical.text("CATEGORIES", _("Birthday"))
        pattern = self.urls.get(Kind.PERSON)
        if pattern:
            yield ical.fold(f"URL:{pattern.format(person_id)}")
        yield "END:VEVENT"


def render(feed: CalendarFeed) -> str:
    """The feed's iCalendar text, written in its user's language."""
    with translation.override(feed.membership.user.language):
        return FeedWriter(feed).calendar()


def feed_url(feed: CalendarFeed, scheme: str = "https") -> str:
    """The secret address to subscribe to: https:// (or http:// where Kontor runs without TLS),
    or webcal://, which makes a browser hand the address to the calendar program."""
    url = settings.BASE_URL + reverse("calendar:feed", args=[feed.token])
    if scheme == "webcal":
        return "webcal://" + url.split("://", 1)[1]
    return url

