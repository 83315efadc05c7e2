"""Bulk actions on the lists (kontor/records/bulk.py): what each does, who may, and all or nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history.models import Activity
from kontor.records import actions as record_actions
from kontor.records import bulk
from kontor.records import queries as record_queries
from kontor.records.models import BulkJob, BulkState, Record, Tag, Watch
from kontor.tasks import actions as task_actions
from kontor.tasks.models import Task

PEOPLE = bulk.KINDS["people"]


def _people(persona, count: int, **extra):
    return [contact_actions.create_person(persona.membership, {"last_name": f"Person {n:03}"}, **extra)
            for n in range(count)]


def _counts(persona, kind: str = "person") -> dict[str, int]:
    return {tag.name: tag.count for tag in record_queries.tag_counts(persona.account, kind)}  # type: ignore[attr-defined]


def _ids(objects) -> list[int]:
    return [obj.pk for obj in objects]


def test_adding_tags_to_many_people_tags_each_once_and_writes_one_activity_line(alice):
    people = _people(alice, 3)
    record_actions.add_tags(people[0].record, ["Messe"], alice.membership)
    before = Activity.objects.count()
    outcome = bulk.start(alice.membership, PEOPLE, "add_tags", {"tags": ["messe", "Kunde"]}, _ids(people))
    assert outcome.count == 3 and outcome.job is None
    assert _counts(alice) == {"Kunde": 3, "Messe": 3}
    assert Activity.objects.count() == before + 1
    line = Activity.objects.latest("pk")
    assert line.record is None and line.changes["bulk"] == ["person", "add_tags"]


def test_removing_tags_lowers_the_counters_by_the_taggings_removed(alice):
    people = _people(alice, 3, tags=["Kunde"])
    bulk.start(alice.membership, PEOPLE, "remove_tags", {"tags": ["KUNDE"]}, _ids(people[:2]))
    assert _counts(alice) == {"Kunde": 1}


def test_setting_the_responsible_user_hands_over_every_record(alice, carol):
    people = _people(alice, 2)
    bulk.start(alice.membership, PEOPLE, "set_responsible", {"user_id": carol.user.pk}, _ids(people))
    assert set(Record.objects.filter(pk__in=_ids(people)).values_list("responsible_id", flat=True)) == {carol.user.pk}


def test_the_responsible_user_must_be_an_active_colleague(alice, oscar):
    people = _people(alice, 2)
    with pytest.raises(ValidationError, match=r"Choose an active colleague\."):
        bulk.start(alice.membership, PEOPLE, "set_responsible", {"user_id": oscar.user.pk}, _ids(people))
    assert set(Record.objects.filter(pk__in=_ids(people)).values_list("responsible_id", flat=True)) == {alice.user.pk}


def test_follow_and_unfollow_many_records(alice, carol):
    people = _people(alice, 3)
    bulk.start(carol.membership, PEOPLE, "follow", {}, _ids(people))
    bulk.start(carol.membership, PEOPLE, "follow", {}, _ids(people))  # twice is once
    assert Watch.objects.filter(user=carol.user).count() == 3
    bulk.start(carol.membership, PEOPLE, "unfollow", {}, _ids(people[:1]))
    assert Watch.objects.filter(user=carol.user).count() == 2


def test_a_power_user_moves_ten_records_to_the_trash(alice, bob):
    people = _people(alice, 10, tags=["Kunde"])
    bulk.start(bob.membership, PEOPLE, "delete", {}, _ids(people))
    assert Record.objects.filter(pk__in=_ids(people)).in_trash().count() == 10
    assert _counts(alice) == {}


def test_a_power_user_deleting_eleven_is_refused_and_nothing_changes(alice, bob):
    people = _people(alice, 11, tags=["Kunde"])
    before = Activity.objects.count()
    with pytest.raises(PermissionDenied, match=r"^Your role may move at most 10 records to the trash at a time"):
        bulk.start(bob.membership, PEOPLE, "delete", {}, _ids(people))
    assert Record.objects.filter(pk__in=_ids(people)).in_trash().count() == 0
    assert _counts(alice) == {"Kunde": 11}
    assert Activity.objects.count() == before


def test_a_member_cannot_delete_in_bulk(alice, carol):
    people = _people(alice, 1)
    with pytest.raises(PermissionDenied, match=r"^Your role does not allow deleting records\.$"):
        bulk.start(carol.membership, PEOPLE, "delete", {}, _ids(people))
    assert not Record.objects.in_trash().exists()


def test_an_admin_deletes_any_number(alice, dave):
    people = _people(alice, 12)
    bulk.start(dave.membership, PEOPLE, "delete", {}, _ids(people))
    assert Record.objects.filter(pk__in=_ids(people)).in_trash().count() == 12


def test_a_failure_halfway_leaves_nothing_changed(alice, monkeypatch):
    people = _people(alice, 3)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "_touch", fail)  # after the taggings were written
    with pytest.raises(RuntimeError, match=r"^disk full$"):
        bulk.start(alice.membership, PEOPLE, "add_tags", {"tags": ["Kunde"]}, _ids(people))
    assert _counts(alice) == {}
    assert not Record.objects.filter(pk__in=_ids(people), tags__isnull=False).exists()


def test_another_accounts_ids_and_trashed_ones_are_left_out(alice, oscar):
    mine = _people(alice, 2)
    theirs = _people(oscar, 1)
    record_actions.trash_record(mine[1].record, alice.membership)
    ids = bulk.selected_ids(alice.membership, PEOPLE, ids=[*_ids(mine), *_ids(theirs), "x", -1])
    assert ids == [mine[0].pk]


def test_the_lists_filter_selects_what_the_list_shows(alice):
    _people(alice, 2, tags=["Kunde"])
    _people(alice, 1)
    assert len(bulk.selected_ids(alice.membership, PEOPLE, query={"tag": "Kunde"})) == 2


def test_an_unknown_action_and_bad_arguments_are_refused(alice):
    people = _people(alice, 1)
    record_actions_only = r"Choose one of: add_tags, remove_tags, set_responsible, follow, unfollow, delete\."
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("explode", {}, record_actions_only), ("add_tags", {}, r"Name at least one tag\."),
        ("add_tags", {"tags": [" "]}, r"Name at least one tag\."),
        ("add_tags", {"tags": ["x" * 61]}, r"A tag name can have at most 60 characters\."),
        ("set_responsible", {"user_id": "me"}, r"Choose an active colleague\."), ("done", {}, record_actions_only)]
    for action, arguments, expected in cases:
        with pytest.raises(ValidationError, match=expected):
            bulk.start(alice.membership, PEOPLE, action, arguments, _ids(people))
    assert not Tag.objects.exists()


def test_deals_are_tagged_like_people(alice):
    deals = [deal_actions.create_deal(alice.membership, {"name": f"Deal {n}"}) for n in range(2)]
    bulk.start(alice.membership, bulk.KINDS["deals"], "add_tags", {"tags": ["Messe"]}, _ids(deals))
    assert _counts(alice, "deal") == {"Messe": 2}


def _tasks(persona, count: int, due: dt.date | None = None) -> list[Task]:
    return [task_actions.create_task(persona.membership, {"title": f"Call {n}", "due_date": due})
            for n in range(count)]


def test_tasks_are_marked_done_postponed_and_reassigned(alice, carol):
    due = dt.date(2031, 3, 10)
    tasks = _tasks(alice, 3, due)
    tasks_kind = bulk.KINDS["tasks"]
    bulk.start(carol.membership, tasks_kind, "postpone", {"days": 7}, _ids(tasks))
    assert set(Task.objects.values_list("due_date", flat=True)) == {dt.date(2031, 3, 17)}
    bulk.start(carol.membership, tasks_kind, "assign", {"user_id": carol.user.pk}, _ids(tasks))
    assert set(Task.objects.values_list("assignee_id", flat=True)) == {carol.user.pk}
    bulk.start(carol.membership, tasks_kind, "done", {}, _ids(tasks[:2]))
    assert Task.objects.filter(done_at__isnull=False).count() == 2


def test_tasks_take_no_record_actions_and_records_no_task_actions(alice):
    tasks = _tasks(alice, 1)
    with pytest.raises(ValidationError, match=r"Choose one of: done, postpone, assign\."):
        bulk.start(alice.membership, bulk.KINDS["tasks"], "delete", {}, _ids(tasks))
    with pytest.raises(ValidationError, match=r"Choose one of: add_tags, remove_tags, .*, delete\."):
        bulk.start(alice.membership, PEOPLE, "done", {}, _ids(_people(alice, 1)))


def test_a_large_action_runs_as_a_job_that_finishes(alice, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(bulk, "INLINE_LIMIT", 2)
    people = _people(alice, 3)
    with django_capture_on_commit_callbacks(execute=True):  # the tests run jobs at once
        outcome = bulk.start(alice.membership, PEOPLE, "add_tags", {"tags": ["Kunde"]}, _ids(people))
    assert outcome.job is not None
    job = BulkJob.objects.get(pk=outcome.job.pk)
    assert job.state == BulkState.DONE and job.total == 3
    assert _counts(alice) == {"Kunde": 3}
    bulk.run_job(job.pk)  # a second run changes nothing
    assert _counts(alice) == {"Kunde": 3}


def test_a_queued_job_is_refused_when_its_author_lost_the_right(alice, bob, monkeypatch):
    people = _people(alice, 3)
    job = BulkJob.objects.create(account=alice.account, created_by=bob.user, kind="person", action="delete",
                                 object_ids=_ids(people), total=3)
    bob.membership.role = "member"
    bob.membership.save()
    bulk.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == BulkState.FAILED and job.error
    assert not Record.objects.in_trash().exists()


def test_tagging_many_people_costs_a_few_queries_whatever_their_number(alice):
    few, many = _people(alice, 5), _people(alice, 60)
    with CaptureQueriesContext(connection) as small:
        bulk.start(alice.membership, PEOPLE, "add_tags", {"tags": ["A", "B"]}, _ids(few))
    with CaptureQueriesContext(connection) as large:
        bulk.start(alice.membership, PEOPLE, "add_tags", {"tags": ["C", "D"]}, _ids(many))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_activity_line_says_what_happened_in_the_readers_language(alice):
    from django.utils import translation

    from kontor.history.templatetags.comment_tags import activity_text

    people = _people(alice, 2)
    bulk.start(alice.membership, PEOPLE, "add_tags", {"tags": ["Messe"]}, _ids(people))
    line = Activity.objects.latest("pk")
    assert activity_text(line) == "Alice Adler tagged 2 people with Messe."
    with translation.override("de"):
        assert "2" in activity_text(line) and "Messe" in activity_text(line)


def test_people_moved_to_the_trash_in_bulk_are_no_longer_found_and_come_back_on_restore(alice):
    from kontor.search.queries import suggest

    people = [contact_actions.create_person(alice.membership, {"last_name": "Quastenberg"})]
    bulk.start(alice.membership, PEOPLE, "delete", {}, _ids(people))
    assert suggest(alice.membership, "Quastenberg") == []
    record_actions.restore_record(people[0].record, alice.membership)
    assert [d.title for d in suggest(alice.membership, "Quastenberg")] == ["Quastenberg"]


def test_a_colleague_given_tasks_in_bulk_hears_of_each_that_was_not_hers(alice, carol):
    from kontor.notifications.models import Notification

    tasks = _tasks(alice, 2)
    task_actions.update_task(tasks[1], alice.membership, {}, assignee=carol.user)
    before = Notification.objects.filter(recipient=carol.user).count()
    bulk.start(alice.membership, bulk.KINDS["tasks"], "assign", {"user_id": carol.user.pk}, _ids(tasks))
    assert Notification.objects.filter(recipient=carol.user).count() == before + 1
