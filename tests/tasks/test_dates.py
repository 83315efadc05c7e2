"""One rule for a due day on every task list and page: relative while near, then the full date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kontor.tasks import actions
from kontor.tasks.templatetags.task_tags import due_day, due_label

from .conftest import make_task

TUESDAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(("day", "english", "german"), [
    (dt.date(2026, 12, 1), "Today", "Heute"),
    (dt.date(2026, 12, 2), "Tomorrow", "Morgen"),
    (dt.date(2026, 11, 30), "Yesterday", "Gestern"),
    (dt.date(2026, 12, 3), "Thursday", "Donnerstag"),
    (dt.date(2026, 12, 7), "Monday", "Montag"),
    (dt.date(2026, 12, 8), "Dec. 8, 2026", "8. Dezember 2026"),
    (dt.date(2026, 11, 20), "Nov. 20, 2026", "20. November 2026"),
    (dt.date(2027, 1, 15), "Jan. 15, 2027", "15. Januar 2027"),
])
def test_near_days_read_relative_and_every_other_day_in_one_absolute_style(day, english, german):
    with translation.override("en"):
        assert due_day(day, TUESDAY) == english
    with translation.override("de"):
        assert due_day(day, TUESDAY) == german


def test_the_rule_takes_the_viewers_clock_as_well_as_a_day(alice):
    task = make_task(alice, due_date=dt.date(2026, 12, 3), due_time=dt.time(14, 0))
    with translation.override("de"):
        assert due_label(task, dt.datetime(2026, 12, 1, 9, 0)) == "Donnerstag, 14:00"


def test_a_task_list_uses_no_short_numeric_dates(alice, bob):
    make_task(alice, "Far away", due_date=dt.date(2031, 1, 15))
    done = make_task(alice, "Finished")

    actions.complete_task(done, alice.membership)
    page = alice.client.get(reverse("tasks:list")).content.decode()
    assert "Jan. 15, 2031" in page and "01/15/2031" not in page
    done_page = alice.client.get(reverse("tasks:list"), {"state": "done"}).content.decode()
    assert "Done by Alice Adler" in done_page and "Today" in done_page
