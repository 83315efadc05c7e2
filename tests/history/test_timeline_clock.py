"""The clock of a page's times (lib/dates.py: the timeline's rows, {% time_element %}) writes each
moment as Django's own date formats and `when` write it, in the reader's language and time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import formats, timezone, translation
from django.utils.html import format_html

from kontor.history.templatetags.history_tags import when
from kontor.lib.dates import Clock


def _time_element(value: dt.datetime, with_title: bool = True) -> str:
    """<time> as Django writes it: ISO moment, DATETIME_FORMAT as its title, `when` as its text."""
    local = timezone.localtime(value)
    if with_title:
        return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(),
                           formats.date_format(local, "DATETIME_FORMAT"), when(value))
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), when(value))


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_the_clock_writes_what_django_s_date_formats_write(language, zone):
    now = timezone.now()
    moments = [now - dt.timedelta(minutes=5), now - dt.timedelta(hours=30), now - dt.timedelta(days=40),
               now - dt.timedelta(days=400), now - dt.timedelta(days=800, hours=7), now + dt.timedelta(days=3)]
    moments += [dt.datetime(now.year, month, 3, 23, 30, tzinfo=dt.UTC) for month in range(1, 13)]
    # Single digits, noon and midnight (English writes those as words), the hours the clocks change
    # in Berlin and New York, and a year of fewer than four digits.
    moments += [dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC), dt.datetime(2025, 6, 1, 10, 0, tzinfo=dt.UTC),
                dt.datetime(2025, 6, 1, 22, 0, tzinfo=dt.UTC), dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.UTC),
                dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC), dt.datetime(2025, 11, 2, 5, 30, tzinfo=dt.UTC),
                dt.datetime(987, 7, 8, 9, 10, tzinfo=dt.UTC)]
    with translation.override(language), timezone.override(zone):
        clock = Clock()
        for moment in moments:
            assert clock.time_element(moment) == _time_element(moment)
            assert clock.time_element(moment, with_title=False) == _time_element(moment, with_title=False)


def test_the_time_element_tag_writes_with_and_without_a_title():
    moment = dt.datetime(2025, 6, 1, 10, 0, tzinfo=dt.UTC)
    template = engines["django"].from_string(
        "{% load history_tags %}{% time_element moment %}|{% time_element moment False %}")
    with translation.override("de"), timezone.override("Europe/Berlin"):
        assert template.render({"moment": moment}) == (
            '<time datetime="2025-06-01T12:00:00+02:00" title="1. Juni 2025 12:00">1. Juni 2025 12:00</time>|'
            '<time datetime="2025-06-01T12:00:00+02:00">1. Juni 2025 12:00</time>')
