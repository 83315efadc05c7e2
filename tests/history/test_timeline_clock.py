"""The timeline's clock writes each moment as {% time_element %} does, in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from kontor.history.templatetags.history_tags import time_element
from kontor.history.templatetags.timeline_tags import Clock


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_the_clock_writes_what_the_time_element_writes(language, zone):
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
            assert clock.time_element(moment) == time_element(moment)
