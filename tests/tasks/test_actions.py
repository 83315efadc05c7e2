"""Creating, changing, postponing, completing and deleting tasks, and who may do what."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from kontor.accounts import actions as account_actions
from kontor.history.models import Entry, EntryEvent, EntryKind
from kontor.records import actions as record_actions
from kontor.tasks import actions
from kontor.tasks.models import Task, TaskType

from .conftest import calendar_start, make_task


def test_a_new_task_is_assigned_to_its_creator_by_default(alice, anna):
    task = make_task(alice, "Send the offer", record=anna.record, due_date=dt.date(2025, 3, 3))
    assert task.assignee == alice.user
    assert task.created_by == alice.user
    assert task.record == anna.record
    assert task.done_at is None and task.version == 1


def test_a_member_can_create_a_task_for_a_colleague(carol, bob, anna):
    task = make_task(carol, "Call back", record=anna.record, assignee=bob, type=TaskType.CALL)
    assert task.assignee == bob.user and task.created_by == carol.user


def test_a_task_without_a_title_is_named_after_its_type(alice, anna):
    with translation.override("en"):
        task = make_task(alice, "  ", record=anna.record, type=TaskType.CALL)
    assert task.title == "Call"


def test_a_task_cannot_be_assigned_to_someone_outside_the_account(alice, oscar):
    with pytest.raises(ValidationError, match="Tasks can only be assigned to an active colleague") as error:
        make_task(alice, assignee=oscar)
    assert "assignee" in error.value.message_dict
    assert not Task.objects.exists()


def test_a_task_cannot_be_assigned_to_a_deactivated_colleague(alice, bob):
    account_actions.deactivate_membership(bob.membership, alice.membership)
    with pytest.raises(ValidationError, match="Tasks can only be assigned to an active colleague") as error:
        make_task(alice, assignee=bob)
    assert "assignee" in error.value.message_dict
    assert not Task.objects.exists()


def test_a_task_cannot_be_put_on_another_accounts_record(alice, oscar):
    from kontor.contacts import actions as contact_actions

    theirs = contact_actions.create_person(oscar.membership, {"last_name": "Fremd"})
    with pytest.raises(PermissionDenied, match=r"^$"):
        make_task(alice, record=theirs.record)
    assert not Task.objects.exists()


def test_a_time_without_a_date_is_refused(alice):
    with pytest.raises(ValidationError, match="A time needs a date: please choose the day too") as error:
        make_task(alice, due_time=dt.time(9, 0))
    assert "due_time" in error.value.message_dict


def test_bad_input_is_reported_per_field_and_nothing_is_saved(alice):
    with pytest.raises(ValidationError, match="A title can have at most 200 characters") as error:
        make_task(alice, "x" * 201, type="party", description="y" * 10_001)
    assert set(error.value.message_dict) == {"title", "type", "description"}
    assert not Task.objects.exists()


def test_changing_a_task_keeps_what_was_not_sent(alice, bob, anna):
    task = make_task(alice, "Offer", record=anna.record, due_date=dt.date(2025, 5, 2), due_time=dt.time(10))
    actions.update_task(task, bob.membership, {"title": "Send offer"}, assignee=bob.user, version=1)
    task.refresh_from_db()
    assert (task.title, task.due_date, task.due_time, task.assignee) == (
        "Send offer", dt.date(2025, 5, 2), dt.time(10), bob.user)
    assert task.version == 2


def test_removing_the_date_removes_the_time_too(alice):
    task = make_task(alice, due_date=dt.date(2025, 5, 2), due_time=dt.time(10))
    actions.update_task(task, alice.membership, {"due_date": None})
    assert (task.due_date, task.due_time) == (None, None)


def test_a_stale_edit_is_refused_and_changes_nothing(alice, bob):
    task = make_task(alice, "Offer")
    actions.update_task(task, bob.membership, {"title": "Bob's title"}, version=1)
    with pytest.raises(actions.StaleTask, match="Someone else changed this task in the meantime") as stale:
        actions.update_task(task, alice.membership, {"title": "Alice's title"}, version=1)
    assert stale.value.task.title == "Bob's title"
    task.refresh_from_db()
    assert task.title == "Bob's title" and task.version == 2


@pytest.mark.parametrize(("due", "days", "expected"), [
    (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 1)),     # month end
    (dt.date(2025, 2, 28), 1, dt.date(2025, 3, 1)),     # end of a short February
    (dt.date(2024, 2, 28), 1, dt.date(2024, 2, 29)),    # leap year
    (dt.date(2025, 12, 29), 7, dt.date(2026, 1, 5)),    # year end
    (dt.date(2025, 3, 28), 7, dt.date(2025, 4, 4)),     # over the change to summer time
    (dt.date(2025, 10, 25), 1, dt.date(2025, 10, 26)),  # onto the change back
])
def test_postponing_moves_the_date_by_calendar_days_and_keeps_the_time(alice, client, clock, due, days, expected):
    task = make_task(alice, due_date=due, due_time=dt.time(14, 30))
    clock(dt.datetime.combine(due - dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC))  # not overdue yet
    actions.postpone_task(task, alice.membership, days)
    task.refresh_from_db()
    assert task.due_date == expected
    assert task.due_time == dt.time(14, 30)
    # 14:30 stays 14:30 on the wall clock, so its offset from UTC follows the season.
    start = calendar_start(client, alice, task)
    assert (start.hour, start.minute) == (14, 30)


def test_postponing_across_the_change_to_summer_time_shifts_utc_by_an_hour(alice, client, clock):
    task = make_task(alice, due_date=dt.date(2025, 3, 29), due_time=dt.time(9, 0))
    clock(dt.datetime(2025, 3, 28, 12, tzinfo=dt.UTC))
    before = calendar_start(client, alice, task)
    actions.postpone_task(task, alice.membership, 1)
    after = calendar_start(client, alice, task)
    assert before.utcoffset() == dt.timedelta(hours=1) and after.utcoffset() == dt.timedelta(hours=2)
    assert after.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(hours=23)  # a short day


def test_postponing_a_task_without_a_date_counts_from_the_assignees_today(alice):
    task = make_task(alice)
    actions.postpone_task(task, alice.membership, 7)
    today_in_berlin = timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert task.due_date == today_in_berlin + dt.timedelta(days=7)


def test_two_quick_postpones_both_count(alice, clock):
    task = make_task(alice, due_date=dt.date(2025, 6, 2))
    clock(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC))
    stale_copy = Task.objects.get(pk=task.pk)
    actions.postpone_task(task, alice.membership, 1)
    actions.postpone_task(stale_copy, alice.membership, 1)  # loaded before the first click landed
    task.refresh_from_db()
    assert task.due_date == dt.date(2025, 6, 4)


@pytest.mark.parametrize("days", [1, 7])
def test_postponing_an_overdue_task_counts_from_today_and_keeps_the_time(alice, clock, days):
    task = make_task(alice, due_date=dt.date(2026, 12, 2), due_time=dt.time(9, 30))
    clock(dt.datetime(2026, 12, 4, 13, 5, tzinfo=dt.UTC))  # Friday 4 December, 14:05 in Berlin
    actions.postpone_task(task, alice.membership, days)
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 12, 4) + dt.timedelta(days=days)
    assert task.due_time == dt.time(9, 30)


def test_postponing_a_task_due_today_counts_from_its_own_day(alice, clock):
    task = make_task(alice, due_date=dt.date(2026, 12, 4), due_time=dt.time(10, 0))
    clock(dt.datetime(2026, 12, 4, 13, 5, tzinfo=dt.UTC))  # 14:05: overdue since 10:00, still today
    actions.postpone_task(task, alice.membership, 1)
    task.refresh_from_db()
    assert (task.due_date, task.due_time) == (dt.date(2026, 12, 5), dt.time(10, 0))


@pytest.mark.parametrize("days", [0, -1, 3651, "1", True])
def test_postponing_by_a_nonsense_number_of_days_is_refused(alice, days):
    task = make_task(alice, due_date=dt.date(2025, 6, 2))
    with pytest.raises(ValidationError, match="Postpone by 1 to 3650 days"):
        actions.postpone_task(task, alice.membership, days)
    task.refresh_from_db()
    assert task.due_date == dt.date(2025, 6, 2) and task.version == 1


def test_completing_a_task_writes_a_line_into_its_records_history(alice, carol, anna):
    task = make_task(alice, "Discuss the offer", record=anna.record, type=TaskType.CALL,
                     description="She wants a discount.")
    with translation.override("de"):  # the writer's language is not stored
        entry = actions.complete_task(task, carol.membership)
    assert task.done_at is not None and task.done_by == carol.user
    assert entry == Entry.objects.get()
    assert entry.kind == EntryKind.CALL
    assert entry.author == carol.user
    assert (entry.event, entry.subject, entry.body) == (EntryEvent.TASK_DONE, "Discuss the offer",
                                                        "She wants a discount.")
    assert list(entry.records.all()) == [anna.record]


def test_a_done_line_reads_in_the_readers_language(alice, bob, anna):
    account_actions.update_profile(bob.user, bob.user.name, bob.user.email, "de", bob.user.time_zone)
    task = make_task(alice, "Angebot nachfassen", record=anna.record, type=TaskType.CALL)
    with translation.override("en"):
        actions.complete_task(task, alice.membership)
    german = bob.client.get(anna.get_absolute_url()).content.decode()
    english = alice.client.get(anna.get_absolute_url()).content.decode()
    assert "Erledigt: Angebot nachfassen" in german and "Done: Angebot" not in german
    assert "Done: Angebot nachfassen" in english and "Erledigt" not in english


def test_completing_a_task_twice_writes_one_line(alice, anna):
    task = make_task(alice, record=anna.record)
    actions.complete_task(task, alice.membership)
    first_done_at = task.done_at
    assert actions.complete_task(task, alice.membership) is None
    assert Entry.objects.count() == 1
    assert task.done_at == first_done_at


def test_completing_a_task_without_a_record_writes_no_history(alice):
    task = make_task(alice)
    actions.complete_task(task, alice.membership)
    assert task.is_done and not Entry.objects.exists()


def test_a_done_task_can_be_reopened(alice, anna):
    task = make_task(alice, record=anna.record)
    actions.complete_task(task, alice.membership)
    actions.reopen_task(task, alice.membership)
    assert task.done_at is None and task.done_by is None
    assert Entry.objects.count() == 1  # what happened stays in the history


def test_power_users_delete_any_task(alice, bob):
    task = make_task(alice)
    actions.delete_task(task, bob.membership)
    assert not Task.objects.exists()


def test_members_delete_tasks_they_created_or_were_given(alice, carol):
    created = make_task(carol, "Mine")
    given = make_task(alice, "Given to Carol", assignee=carol)
    actions.delete_task(created, carol.membership)
    actions.delete_task(given, carol.membership)
    assert not Task.objects.exists()


def test_members_cannot_delete_other_peoples_tasks(alice, carol):
    task = make_task(alice, "Alice's own")
    with pytest.raises(PermissionDenied, match="Only power users, the task's creator and its assignee can delete"):
        actions.delete_task(task, carol.membership)
    assert Task.objects.filter(pk=task.pk).exists()


def test_nobody_acts_on_another_accounts_task(alice, oscar):
    task = make_task(alice, due_date=dt.date(2025, 6, 2))
    for act in (lambda: actions.complete_task(task, oscar.membership),
                lambda: actions.postpone_task(task, oscar.membership, 1),
                lambda: actions.update_task(task, oscar.membership, {"title": "Mine now"}),
                lambda: actions.delete_task(task, oscar.membership)):
        with pytest.raises(PermissionDenied, match=r"^$"):
            act()
    task.refresh_from_db()
    assert (task.title, task.due_date, task.done_at) == ("Follow up", dt.date(2025, 6, 2), None)


def test_tasks_of_a_trashed_record_are_hidden_until_it_is_restored(alice, anna):
    make_task(alice, record=anna.record)
    record_actions.trash_record(anna.record, alice.membership)
    assert not Task.objects.visible_in(alice.account).exists()
    record_actions.restore_record(anna.record, alice.membership)
    assert Task.objects.visible_in(alice.account).count() == 1


def test_a_task_cannot_be_added_to_a_record_in_the_trash(alice, anna):
    record_actions.trash_record(anna.record, alice.membership)
    with pytest.raises(ValidationError, match="This record is in the trash; restore it first"):
        make_task(alice, record=anna.record)
    assert not Task.objects.exists()
