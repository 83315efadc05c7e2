"""Days and moments written as text for pages of rows."""

from __future__ import annotations

import datetime as dt
import functools
import html

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeString


@functools.lru_cache(maxsize=4096)
def day_text(day: dt.date, format_string: str, language: str) -> str:
    """`day` in a date format (`formats.get_format(...)` of the active language), in `language`,
    the active one, which keys the cache: the same text every time. A page of tasks or deals
    writes dozens of days, each through the lazily translated names of months and weekdays."""
    return dateformat.format(day, format_string)


class Clock:
    """Moments written for one page in the reader's language and time zone (`{% time_element %}`,
    a timeline's rows): the formats, time zone and year looked up once, the formats split into
    their parts once, and a month's name translated once."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.year = timezone.localtime(self.now).year
        self.datetime_format = _split(formats.get_format("DATETIME_FORMAT"))
        self.month_day_format = _split(formats.get_format("MONTH_DAY_FORMAT"))
        self.time_format = _split(formats.get_format("TIME_FORMAT"))
        self.month_names: dict[tuple[str, int], str] = {}

    def time_element(self, value: dt.datetime, with_title: bool = True) -> SafeString:
        """<time> with the ISO moment, the full date and time as its title (unless not
        `with_title`), and as its text "2 hours ago" for the last day, else the day and time,
        with the year if it is not this one (history_tags.when)."""
        local = value.astimezone(self.zone)  # timezone.localtime, for an aware moment
        moment = _Moment(local)
        full = self._format(moment, self.datetime_format)
        if dt.timedelta(0) <= self.now - value < dt.timedelta(hours=22):
            when = naturaltime(value)
        elif local.year == self.year:
            when = f"{self._format(moment, self.month_day_format)}, {self._format(moment, self.time_format)}"
        else:
            when = full
        # An ISO moment is digits and -+:.T, nothing to escape.
        title = f' title="{html.escape(full)}"' if with_title else ""
        return SafeString(f'<time datetime="{local.isoformat()}"{title}>{html.escape(when)}</time>')

    def _format(self, moment: _Moment, parts: list[tuple[bool, str]]) -> str:
        """DateFormat.format of a format split by _split: the numbers written here, a month's name
        looked up once per page, any other code asked of Django's DateFormat."""
        written = []
        local = moment.local
        for is_code, part in parts:
            if not is_code:
                written.append(part)
            elif part in _NUMBERS:
                written.append(_NUMBERS[part](local))
            elif part in _MONTH_CODES:
                key = (part, local.month)
                if key not in self.month_names:
                    self.month_names[key] = str(getattr(moment.date_format(), part)())
                written.append(self.month_names[key])
            else:
                written.append(str(getattr(moment.date_format(), part)()))
        return "".join(written)


class _Moment:
    """A local moment, and Django's DateFormat of it made only when a code needs it: making one
    checks the moment against the time zone's transitions, most of the cost of writing a date."""

    def __init__(self, local: dt.datetime) -> None:
        self.local = local
        self._date_format: dateformat.DateFormat | None = None

    def date_format(self) -> dateformat.DateFormat:
        if self._date_format is None:
            self._date_format = dateformat.DateFormat(self.local)
        return self._date_format


# The format codes whose text is a month's name: the same for every moment of that month.
_MONTH_CODES = frozenset("bEFMN")
# The codes that are numbers, written as DateFormat writes them (German dates and times are all
# numbers and a month's name).
_NUMBERS = {
    "j": lambda moment: str(moment.day), "d": lambda moment: f"{moment.day:02d}",
    "n": lambda moment: str(moment.month), "m": lambda moment: f"{moment.month:02d}",
    "Y": lambda moment: f"{moment.year:04d}", "y": lambda moment: f"{moment.year % 100:02d}",
    "G": lambda moment: str(moment.hour), "H": lambda moment: f"{moment.hour:02d}",
    "i": lambda moment: f"{moment.minute:02d}", "s": lambda moment: f"{moment.second:02d}",
}


def _split(format_string: str) -> list[tuple[bool, str]]:
    """A date format as DateFormat.format reads it: (True, code) for each format code and
    (False, text) for the text between them, unescaped."""
    parts: list[tuple[bool, str]] = []
    for index, piece in enumerate(dateformat.re_formatchars.split(str(format_string))):
        if index % 2:
            parts.append((True, piece))
        elif piece:
            parts.append((False, dateformat.re_escaped.sub(r"\1", piece)))
    return parts
