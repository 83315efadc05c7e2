"""Who is notified of what: followers, ticks, mentions, comments and assignments; never oneself,
never a deactivated colleague, never about a confidential entry one may not read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.notifications import actions
from kontor.notifications.models import Notification, NotificationType
from kontor.records import actions as record_actions
from kontor.tasks import actions as task_actions


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"last_name": "Kunz", "first_name": "Karla"})


def _types(persona) -> list[str]:
    return list(Notification.objects.filter(recipient=persona.user).order_by("pk").values_list("type", flat=True))


def test_a_note_notifies_the_followers_but_not_its_author(alice, bob, carol, person):
    record_actions.watch(person.record, bob.user)
    history_actions.add_note(alice.membership, [person.record], "Called about the offer")
    assert _types(bob) == [NotificationType.ENTRY]
    assert _types(alice) == []
    assert _types(carol) == []  # does not follow
    notification = Notification.objects.get(recipient=bob.user)
    assert notification.url == f"{person.get_absolute_url()}#entry-{notification.entry_id}"
    assert notification.excerpt == "Called about the offer"


def test_unticked_followers_are_spared(alice, bob, carol, person):
    record_actions.watch(person.record, bob.user)
    record_actions.watch(person.record, carol.user)
    history_actions.add_note(alice.membership, [person.record], "Only for Carol", notify=[carol.user.pk])
    assert _types(bob) == []
    assert _types(carol) == [NotificationType.ENTRY]


def test_writing_a_note_makes_the_author_follow(bob, person):
    history_actions.add_note(bob.membership, [person.record], "Hello")
    assert person.record.watches.filter(user=bob.user).exists()


def test_a_mention_notifies_once_as_a_mention(alice, bob, carol, person):
    record_actions.watch(person.record, bob.user)
    history_actions.add_note(alice.membership, [person.record], "@Bob please call back, and @carol too")
    assert _types(bob) == [NotificationType.MENTION]
    assert _types(carol) == [NotificationType.MENTION]


def test_deactivated_colleagues_get_nothing(alice, bob, person):
    record_actions.watch(person.record, bob.user)
    account_actions.deactivate_membership(bob.membership, alice.membership)
    history_actions.add_note(alice.membership, [person.record], "@Bob are you there?")
    assert _types(bob) == []


def test_members_hear_nothing_of_confidential_notes(alice, bob, carol, person):
    record_actions.watch(person.record, bob.user)
    record_actions.watch(person.record, carol.user)
    history_actions.add_note(alice.membership, [person.record], "Salary talk", confidential=True)
    assert _types(bob) == [NotificationType.ENTRY]  # power user
    assert _types(carol) == []  # member


def test_a_comment_notifies_the_author_and_earlier_commenters(alice, bob, carol, dave, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Offer sent")
    history_actions.add_comment(bob.membership, "Nice", entry=entry)
    history_actions.add_comment(carol.membership, "Agreed", entry=entry, notify=[dave.user.pk])
    assert _types(alice) == [NotificationType.COMMENT, NotificationType.COMMENT]
    assert _types(bob) == [NotificationType.COMMENT]
    assert _types(carol) == []
    assert _types(dave) == [NotificationType.MENTION]


def test_a_task_comment_notifies_assignee_and_creator(alice, bob, carol):
    task = task_actions.create_task(alice.membership, {"title": "Prepare offer"}, assignee=bob.user)
    history_actions.add_comment(carol.membership, "Need help?", task=task)
    assert NotificationType.COMMENT in _types(alice)
    assert _types(bob)[-1] == NotificationType.COMMENT


def test_assigning_a_task_to_someone_else_notifies_them(alice, bob):
    task_actions.create_task(alice.membership, {"title": "Call back"}, assignee=bob.user)
    task_actions.create_task(alice.membership, {"title": "My own"})
    assert _types(bob) == [NotificationType.ASSIGNMENT]
    assert _types(alice) == []


def test_reassigning_a_task_notifies_the_new_assignee(alice, bob, carol):
    task = task_actions.create_task(alice.membership, {"title": "Visit"}, assignee=bob.user)
    task_actions.update_task(task, alice.membership, {}, assignee=carol.user)
    assert _types(carol) == [NotificationType.ASSIGNMENT]


def test_assignments_due_later_wait_for_the_batch_and_urgent_ones_do_not(alice, bob):
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    today = now.date()
    later = task_actions.create_task(alice.membership, {"title": "Later", "due_date": today + dt.timedelta(days=3)},
                                     assignee=bob.user)
    urgent = task_actions.create_task(alice.membership, {"title": "Today", "due_date": today}, assignee=bob.user)
    assert not actions.is_urgent(later, now)
    assert actions.is_urgent(urgent, now)
    overdue = task_actions.create_task(alice.membership, {"title": "Overdue", "due_date": today - dt.timedelta(days=1)},
                                       assignee=bob.user)
    assert actions.is_urgent(overdue, now)


def test_urgency_is_judged_in_the_assignees_time_zone(alice, bob):
    bob.user.time_zone = "Pacific/Auckland"  # already tomorrow there
    bob.user.save()
    now = dt.datetime(2026, 3, 2, 20, 0, tzinfo=dt.UTC)
    task = task_actions.create_task(alice.membership, {"title": "Tomorrow in UTC", "due_date": dt.date(2026, 3, 3)},
                                    assignee=bob.user)
    assert actions.is_urgent(task, now)


def test_marking_read_and_all_read(alice, bob, person):
    record_actions.watch(person.record, bob.user)
    for number in range(3):
        history_actions.add_note(alice.membership, [person.record], f"Note {number}")
    first = Notification.objects.filter(recipient=bob.user).earliest("pk")
    actions.mark_read(first, bob.membership)
    assert Notification.objects.for_membership(bob.membership).unread().count() == 2
    assert actions.mark_all_read(bob.membership) == 2
    assert Notification.objects.for_membership(bob.membership).unread().count() == 0


def test_someone_else_cannot_mark_my_notification_read(alice, bob, person):
    record_actions.watch(person.record, bob.user)
    history_actions.add_note(alice.membership, [person.record], "Hi")
    mine = Notification.objects.get(recipient=bob.user)
    actions.mark_read(mine, alice.membership, now=timezone.now())
    mine.refresh_from_db()
    assert mine.read_at is None
