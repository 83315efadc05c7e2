"""Reading the invitation in a text/calendar part (what Outlook, Google and Apple send for meetings).

Only what a person sees in the timeline: what, when, where, and whether it is an invitation, a
cancellation or an answer. Floating and all-day times are read as UTC, because the mail does not
say where they were meant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import icalendar

from kontor.mail.headers import clean_line

KNOWN_METHODS = {"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"}


@dataclass
class CalendarEvent:
    summary: str
    start: datetime | None  # aware, UTC
    end: datetime | None  # aware, UTC
    location: str
    method: str  # REQUEST, CANCEL, REPLY, ""
    all_day: bool = False

    def as_data(self) -> dict[str, object]:
        """What the e-mail keeps of it (EmailMessage.event): JSON, times as ISO 8601 in UTC."""
        return {"summary": self.summary, "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "location": self.location,
                "method": self.method, "all_day": self.all_day}


def _aware(value: object) -> datetime | None:
    """An aware UTC datetime; floating times and all-day dates are taken as UTC."""
    if isinstance(value, datetime):
        try:
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except (OverflowError, ValueError):
            return None
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=UTC)
    return None


def _property(component: icalendar.cal.Component, name: str) -> object | None:
    """A decoded property value, or None when it is missing or does not parse."""
    try:
        prop = component.get(name)
        return getattr(prop, "dt", None) if prop is not None and hasattr(prop, "dt") else prop
    except Exception:  # icalendar parses lazily and raises many kinds of errors on bad values
        return None


def read_calendar(text: str) -> CalendarEvent | None:
    """The first event of an iCalendar text, or None when it holds no readable event."""
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception:  # from_ical raises ValueError, KeyError and others on broken input
        return None
    method = str(calendar.get("METHOD") or "").strip().upper()
    for component in calendar.walk("VEVENT"):
        raw_start = _property(component, "DTSTART")
        start = _aware(raw_start)
        end = _aware(_property(component, "DTEND"))
        duration = _property(component, "DURATION")
        if end is None and start is not None and isinstance(duration, timedelta):
            end = start + duration
        return CalendarEvent(
            summary=clean_line(str(component.get("SUMMARY") or ""))[:500],
            start=start,
            end=end,
            location=clean_line(str(component.get("LOCATION") or ""))[:500],
            method=method if method in KNOWN_METHODS else "",
            all_day=isinstance(raw_start, date) and not isinstance(raw_start, datetime),
        )
    return None
