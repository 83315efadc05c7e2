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
    with translation.override(language), timezone.override(zone):
        clock = Clock()
        for moment in moments:
            assert clock.time_element(moment) == time_element(moment)
