"""Days written as text for pages of rows."""

from __future__ import annotations

import datetime as dt
import functools

from django.utils import dateformat


@functools.lru_cache(maxsize=4096)
def day_text(day: dt.date, format_string: str, language: str) -> str:
    """`day` in a date format (`formats.get_format(...)` of the active language), in `language`,
    the active one, which keys the cache: the same text every time. A page of tasks or deals
    writes dozens of days, each through the lazily translated names of months and weekdays."""
    return dateformat.format(day, format_string)
