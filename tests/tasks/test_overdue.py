"""A timed task is overdue from its time of day on, in the user's time zone: in the Tasks area,
on record pages and on the start page. The moment is set with the `clock` fixture."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kontor.accounts import actions as account_actions
from kontor.tasks import queries
from kontor.tasks.models import Task

from .conftest import make_task

FRIDAY = dt.date(2026, 12, 4)
AT_14_05_IN_BERLIN = dt.datetime(2026, 12, 4, 13, 5, tzinfo=dt.UTC)


@pytest.fixture
def three_tasks_today(alice, anna):
    return [make_task(alice, "Call at ten", record=anna.record, due_date=FRIDAY, due_time=dt.time(10, 0)),
            make_task(alice, "Call at three", record=anna.record, due_date=FRIDAY, due_time=dt.time(15, 0)),
            make_task(alice, "Any time today", record=anna.record, due_date=FRIDAY)]


def test_a_task_due_at_ten_is_overdue_at_five_past_two_but_not_before_ten(alice):
    task = make_task(alice, due_date=FRIDAY, due_time=dt.time(10, 0))
    assert task.is_overdue(dt.datetime(2026, 12, 4, 14, 5))
    assert not task.is_overdue(dt.datetime(2026, 12, 4, 9, 59))
    assert not task.is_overdue(FRIDAY)  # a day alone says nothing about the time


def test_an_untimed_task_is_overdue_only_from_the_next_day(alice):
    task = make_task(alice, due_date=FRIDAY)
    assert not task.is_overdue(dt.datetime(2026, 12, 4, 23, 59))
    assert task.is_overdue(dt.datetime(2026, 12, 5, 0, 0))


def test_the_tasks_area_puts_todays_passed_times_under_overdue(alice, clock, three_tasks_today):
    clock(AT_14_05_IN_BERLIN)
    response = alice.client.get(reverse("tasks:list"))
    groups = {group.key: [task.title for task in group.tasks] for group in response.context["groups"]}
    assert groups == {"overdue": ["Call at ten"], "today": ["Any time today", "Call at three"]}
    counts = {group.key: group.count for group in response.context["groups"]}
    assert counts == {"overdue": 1, "today": 2}
    assert response.content.decode().count("is-overdue") == 1


def test_the_overdue_filter_shows_the_task_whose_time_has_passed(alice, clock, three_tasks_today):
    clock(AT_14_05_IN_BERLIN)
    response = alice.client.get(reverse("tasks:list"), {"state": "overdue"})
    assert [task.title for task in response.context["rows"]] == ["Call at ten"]


def test_overdue_is_judged_on_the_users_own_clock(alice, clock, three_tasks_today):
    account_actions.update_profile(alice.user, alice.user.name, alice.user.email, "en", "America/New_York")
    clock(AT_14_05_IN_BERLIN)  # 08:05 in New York: nothing has passed yet
    tasks = Task.objects.filter(account=alice.account)
    now = queries.clock_for(alice.membership, AT_14_05_IN_BERLIN)
    assert not tasks.overdue(now).exists()
    response = alice.client.get(reverse("tasks:list"), {"state": "overdue"})
    assert response.context["rows"] == []


def test_the_record_page_marks_the_passed_task_red(alice, clock, anna, three_tasks_today):
    clock(AT_14_05_IN_BERLIN)
    page = alice.client.get(anna.get_absolute_url()).content.decode()
    assert page.count("is-overdue") == 1


def test_the_start_page_says_overdue_for_the_passed_task_only(alice, clock, three_tasks_today):
    clock(AT_14_05_IN_BERLIN)
    page = alice.client.get(reverse("start")).content.decode()
    card = page[page.index('id="my-tasks-today"'):page.index('id="deals-due-soon"')]
    assert card.count('class="overdue"') == 1
    assert card.index("overdue") < card.index("Call at three")
    assert "Today, 3 p.m." in card


def test_the_time_group_and_the_red_mark_follow_one_rule(alice):
    now = dt.datetime(2026, 12, 4, 14, 5)
    for due_date in (FRIDAY - dt.timedelta(days=1), FRIDAY, FRIDAY + dt.timedelta(days=1)):
        for due_time in (None, dt.time(0, 0), dt.time(14, 4), dt.time(14, 5), dt.time(23, 59)):
            task = make_task(alice, due_date=due_date, due_time=due_time)
            grouped = queries.group_of(task.due_date, FRIDAY, task.due_time, now.time()) == "overdue"
            assert grouped == task.is_overdue(now), (due_date, due_time)
            assert grouped == Task.objects.filter(pk=task.pk).overdue(now).exists(), (due_date, due_time)
