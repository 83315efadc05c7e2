"""The time groups of the Tasks area, judged in the user's time zone. The moment is passed in, so
these tests stand just before and just after midnight without touching the clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from kontor.accounts import actions as account_actions
from kontor.tasks import queries
from kontor.tasks.models import Task

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
WEDNESDAY = dt.date(2025, 3, 12)


def berlin(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


def test_just_before_midnight_in_berlin_it_is_still_today(alice):
    now = berlin(2025, 3, 12, 23, 59, 59)  # 22:59:59 UTC
    assert queries.today_for(alice.membership, now) == dt.date(2025, 3, 12)
    assert queries.group_of(dt.date(2025, 3, 12), queries.today_for(alice.membership, now)) == "today"


def test_just_after_midnight_in_berlin_yesterdays_task_is_overdue(alice):
    now = berlin(2025, 3, 13, 0, 0, 1)  # still 12 March in UTC
    assert now.astimezone(dt.UTC).date() == dt.date(2025, 3, 12)
    today = queries.today_for(alice.membership, now)
    assert today == dt.date(2025, 3, 13)
    assert queries.group_of(dt.date(2025, 3, 12), today) == "overdue"
    assert queries.group_of(dt.date(2025, 3, 13), today) == "today"
    assert queries.group_of(dt.date(2025, 3, 14), today) == "tomorrow"


def test_the_same_moment_is_another_day_for_a_colleague_in_new_york(alice, bob):
    account_actions.update_profile(bob.user, bob.user.name, bob.user.email, "en", "America/New_York")
    now = berlin(2025, 3, 13, 0, 30)  # 19:30 on 12 March in New York
    assert queries.today_for(alice.membership, now) == dt.date(2025, 3, 13)
    assert queries.today_for(bob.membership, now) == dt.date(2025, 3, 12)


def test_midnight_after_the_change_to_summer_time(alice):
    # Summer time began on 30 March 2025, so the next midnight in Berlin is 22:00 UTC, not 23:00.
    def utc(hour: int, minute: int) -> dt.datetime:
        return dt.datetime(2025, 3, 30, hour, minute, tzinfo=dt.UTC)

    assert queries.today_for(alice.membership, utc(21, 59)) == dt.date(2025, 3, 30)
    assert queries.today_for(alice.membership, utc(22, 0)) == dt.date(2025, 3, 31)


@pytest.mark.parametrize(("due", "group"), [
    (None, "no_date"),
    (dt.date(2025, 3, 11), "overdue"),
    (dt.date(2024, 12, 31), "overdue"),
    (dt.date(2025, 3, 12), "today"),
    (dt.date(2025, 3, 13), "tomorrow"),
    (dt.date(2025, 3, 14), "this_week"),
    (dt.date(2025, 3, 16), "this_week"),   # Sunday ends the week
    (dt.date(2025, 3, 17), "next_week"),   # Monday starts the next
    (dt.date(2025, 3, 23), "next_week"),
    (dt.date(2025, 3, 24), "later"),
])
def test_groups_seen_from_a_wednesday(due, group):
    assert queries.group_of(due, WEDNESDAY) == group


def test_on_a_saturday_tomorrow_is_the_last_day_of_the_week():
    saturday = dt.date(2025, 3, 15)
    assert queries.group_of(dt.date(2025, 3, 16), saturday) == "tomorrow"
    assert queries.group_of(dt.date(2025, 3, 17), saturday) == "next_week"


def test_on_a_sunday_monday_is_tomorrow_and_the_rest_of_next_week_follows():
    sunday = dt.date(2025, 3, 16)
    assert queries.group_of(dt.date(2025, 3, 17), sunday) == "tomorrow"
    assert queries.group_of(dt.date(2025, 3, 18), sunday) == "next_week"
    assert queries.group_of(dt.date(2025, 3, 24), sunday) == "later"


def test_grouping_keeps_the_display_order_and_leaves_out_empty_groups():
    tasks = [Task(title=str(day), due_date=day) for day in
             (dt.date(2025, 3, 1), dt.date(2025, 3, 12), dt.date(2025, 4, 30), None)]
    groups = queries.group_tasks(tasks, WEDNESDAY)
    assert [(g.key, g.count, [t.title for t in g.tasks]) for g in groups] == [
        ("overdue", 1, ["2025-03-01"]), ("today", 1, ["2025-03-12"]), ("later", 1, ["2025-04-30"]),
        ("no_date", 1, ["None"])]


def test_the_group_counts_agree_with_the_grouping(alice):
    from .conftest import make_task

    days = [dt.date(2025, 3, d) for d in (1, 11, 12, 12, 13, 14, 16, 17, 23, 24)] + [None, None]
    for day in days:
        make_task(alice, due_date=day)
    tasks = Task.objects.filter(account=alice.account)
    counts = queries.group_counts(tasks, WEDNESDAY)
    assert counts == {"overdue": 2, "today": 2, "tomorrow": 1, "this_week": 2, "next_week": 2, "later": 1,
                      "no_date": 2}
    grouped = {g.key: len(g.tasks) for g in queries.group_tasks(list(tasks), WEDNESDAY)}
    assert grouped == counts


def test_the_group_counts_are_those_of_the_groups_conditions_through_the_orm(alice):
    """group_counts writes its conditions in SQL; through the ORM they read as below. Every day of
    a week (Sunday's "next week" starts tomorrow) at several times of day, timed tasks and not."""
    from django.db.models import Count, Q

    from kontor.tasks.models import overdue_q

    from .conftest import make_task

    for offset in range(-2, 17):
        for due_time in (None, dt.time(9, 30), dt.time(14, 0)):
            make_task(alice, due_date=WEDNESDAY + dt.timedelta(days=offset), due_time=due_time)
    make_task(alice)
    tasks = Task.objects.filter(account=alice.account).open()
    for offset in range(7):
        today = WEDNESDAY + dt.timedelta(days=offset)
        for time in (None, dt.time(0, 0), dt.time(9, 30), dt.time(12, 0, 0, 500), dt.time(23, 59)):
            days = queries.Boundaries(today)
            overdue = overdue_q(dt.datetime.combine(today, time) if time is not None else today)
            assert queries.group_counts(tasks, today, time) == tasks.aggregate(
                overdue=Count("pk", filter=overdue),
                today=Count("pk", filter=Q(due_date=days.today) & ~overdue),
                tomorrow=Count("pk", filter=Q(due_date=days.tomorrow)),
                this_week=Count("pk", filter=Q(due_date__gte=days.after_tomorrow, due_date__lt=days.next_week)),
                next_week=Count("pk", filter=Q(due_date__gte=days.next_week, due_date__lt=days.week_after_next)),
                later=Count("pk", filter=Q(due_date__gte=days.week_after_next)),
                no_date=Count("pk", filter=Q(due_date__isnull=True)))
