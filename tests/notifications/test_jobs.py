"""The notification jobs on a real queue: SQLite in a temporary file, and Redis when REDIS_URL
is set. Jobs are enqueued on commit and sent by the worker, never inline in the request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from kontor.accounts import actions as account_actions
from kontor.accounts.roles import Role
from kontor.contacts import actions as contact_actions
from kontor.notifications import jobs
from kontor.notifications.models import Notification
from kontor.records import actions as record_actions
from kontor.tasks import actions as task_actions

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_knows_the_periodic_notification_jobs() -> None:
    periodic = {task.name: task for task in HUEY._registry.periodic_tasks}
    day = [dt.datetime(2026, 3, 2) + dt.timedelta(minutes=m) for m in range(24 * 60)]
    assert sum(periodic["send_assignment_batches"].validate_datetime(minute) for minute in day) == 24
    assert sum(periodic["send_weekly_summaries"].validate_datetime(minute) for minute in day) == 96


def test_a_note_on_a_record_with_fifty_followers_leaves_the_mails_to_the_worker(
        alice, smtp, job_queue, django_assert_max_num_queries):
    person = contact_actions.create_person(alice.membership, {"last_name": "Beliebt"})
    for number in range(50):
        colleague = account_actions.add_user(alice.account, f"c{number}@example.com", "pw-long-enough-123",
                                             f"Colleague {number}", Role.MEMBER, language="en")
        record_actions.watch(person.record, colleague.user)

    with django_assert_max_num_queries(40):
        response = alice.client.post(reverse("history:create", args=[person.pk]), {"body": "Big news"})
    assert response.status_code == 302
    assert smtp.messages == []  # the request sent nothing
    assert Notification.objects.count() == 50
    assert job_queue.pending() == 1  # one job for the fifty mails

    assert job_queue.run() == 1
    assert len(smtp.messages) == 50
    assert sorted(rcpt[0] for rcpt in smtp.envelopes) == sorted(f"c{n}@example.com" for n in range(50))


def test_a_rerun_of_the_mail_job_sends_nothing_twice(alice, bob, smtp, job_queue):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    record_actions.watch(person.record, bob.user)
    alice.client.post(reverse("history:create", args=[person.pk]), {"body": "Hello"})
    job_queue.run()
    jobs.send_notification_mails(list(Notification.objects.values_list("pk", flat=True)))
    job_queue.run()
    assert len(smtp.messages) == 1


def test_the_hourly_batch_job_sends_one_mail_for_many_assignments(alice, bob, smtp, job_queue):
    later = timezone.localdate() + dt.timedelta(days=7)
    for number in range(4):
        task_actions.create_task(alice.membership, {"title": f"Task {number}", "due_date": later}, assignee=bob.user)
    job_queue.run()
    assert smtp.messages == []

    jobs.send_assignment_batches()
    job_queue.run()
    [message] = smtp.messages
    assert message["Subject"] == "4 new tasks for you"
