"""Notification mails over a real SMTP conversation with a loopback server: recipients, language,
links, the one-click unsubscribe link, and one batched mail for several assignments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.notifications import mails
from kontor.notifications.models import MailPreference, Notification, NotificationType
from kontor.records import actions as record_actions
from kontor.tasks import actions as task_actions
from tests.notifications.conftest import html_of, text_of

pytestmark = pytest.mark.usefixtures("immediate_jobs")


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"last_name": "Kunz"})


def test_a_note_on_a_followed_record_is_mailed_with_a_link_to_it(alice, bob, person, smtp,
                                                                  django_capture_on_commit_callbacks):
    record_actions.watch(person.record, bob.user)
    with django_capture_on_commit_callbacks(execute=True):
        entry = history_actions.add_note(alice.membership, [person.record], "Offer accepted!")
    [message] = smtp.messages
    assert smtp.envelopes == [[bob.user.email]]
    assert message["Subject"] == "Alice Adler wrote a note on Kunz"
    link = f"https://kontor.example.com{person.get_absolute_url()}#entry-{entry.pk}"
    assert link in text_of(message)
    assert f'href="{link}"' in html_of(message)
    assert "Offer accepted!" in text_of(message)
    assert message["List-Unsubscribe"].strip().startswith("<https://kontor.example.com/notifications/unsubscribe/")
    assert Notification.objects.get(recipient=bob.user).emailed_at is not None


def test_a_comment_on_a_file_is_mailed_to_its_uploader_with_a_link_to_the_file(alice, bob, person, smtp,
                                                                               django_capture_on_commit_callbacks):
    offer = file_actions.upload_file(bob.membership, SimpleUploadedFile("Angebot.pdf", b"%PDF-1.4\n"),
                                     record=person.record)
    record_actions.unwatch(person.record, alice.user)  # only the uploader is involved
    with django_capture_on_commit_callbacks(execute=True):
        comment = history_actions.add_comment(alice.membership, "Signed copy attached?", file=offer)
    [message] = smtp.messages
    assert smtp.envelopes == [[bob.user.email]]
    assert message["Subject"] == "Alice Adler commented on Angebot.pdf"
    link = f"https://kontor.example.com/files/{offer.pk}/#comment-{comment.pk}"
    assert link in text_of(message) and f'href="{link}"' in html_of(message)
    assert "Signed copy attached?" in text_of(message)


def test_the_mail_speaks_the_recipients_language(alice, bob, person, smtp, django_capture_on_commit_callbacks):
    bob.user.language = "de"
    bob.user.save()
    record_actions.watch(person.record, bob.user)
    with django_capture_on_commit_callbacks(execute=True):
        history_actions.add_note(alice.membership, [person.record], "Angebot angenommen")
    [message] = smtp.messages
    assert message["Subject"] == "Alice Adler hat eine Notiz zu Kunz geschrieben"
    assert "Hallo Bob Berger" in text_of(message)


def test_a_switched_off_type_is_not_mailed_but_still_shown(alice, bob, person, smtp,
                                                           django_capture_on_commit_callbacks):
    MailPreference.objects.create(user=bob.user, type=NotificationType.ENTRY, email=False)
    record_actions.watch(person.record, bob.user)
    with django_capture_on_commit_callbacks(execute=True):
        history_actions.add_note(alice.membership, [person.record], "Quiet please")
    assert smtp.messages == []
    assert Notification.objects.filter(recipient=bob.user).count() == 1


def test_sending_twice_mails_once(alice, bob, person, smtp, django_capture_on_commit_callbacks):
    record_actions.watch(person.record, bob.user)
    with django_capture_on_commit_callbacks(execute=True):
        history_actions.add_note(alice.membership, [person.record], "Once")
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert mails.send_notifications(ids) == 0
    assert len(smtp.messages) == 1


def test_assignments_due_later_come_in_one_mail_per_hour(alice, bob, dave, smtp, django_capture_on_commit_callbacks):
    later = timezone.localdate() + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(10):
            task_actions.create_task(alice.membership, {"title": f"Task {number}", "due_date": later},
                                     assignee=bob.user)
        task_actions.create_task(alice.membership, {"title": "For Dave"}, assignee=dave.user)
    assert smtp.messages == []  # nothing urgent: they wait for the hourly batch

    assert mails.send_assignment_batches() == 2
    [for_bob] = smtp.to(bob.user.email)
    assert for_bob["Subject"] == "10 new tasks for you"
    body = text_of(for_bob)
    assert all(f"Task {number}" in body for number in range(10))
    assert "https://kontor.example.com/tasks/" in body
    assert len(smtp.to(dave.user.email)) == 1

    assert mails.send_assignment_batches() == 0  # the next hour: nothing new, no mail
    assert len(smtp.messages) == 2


def test_an_assignment_due_today_is_mailed_at_once(alice, bob, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task_actions.create_task(alice.membership, {"title": "Call now", "due_date": timezone.localdate()},
                                 assignee=bob.user)
    [message] = smtp.messages
    assert message["Subject"] == "Alice Adler assigned a task to you: Call now"
    assert mails.send_assignment_batches() == 0


def test_a_colleague_deactivated_before_the_batch_gets_no_mail(alice, bob, smtp, django_capture_on_commit_callbacks):
    from kontor.accounts import actions as account_actions

    later = timezone.localdate() + dt.timedelta(days=5)
    task_actions.create_task(alice.membership, {"title": "Later", "due_date": later}, assignee=bob.user)
    account_actions.deactivate_membership(bob.membership, alice.membership)
    assert mails.send_assignment_batches() == 0
    assert smtp.messages == []


def test_a_mention_in_a_comment_is_mailed(alice, bob, carol, person, smtp, django_capture_on_commit_callbacks):
    entry = history_actions.add_note(alice.membership, [person.record], "Offer sent")
    with django_capture_on_commit_callbacks(execute=True):
        comment = history_actions.add_comment(alice.membership, "@Carol can you follow up?", entry=entry)
    [message] = smtp.to(carol.user.email)
    assert message["Subject"] == "Alice Adler mentioned you on Kunz"
    assert f"https://kontor.example.com{person.get_absolute_url()}#comment-{comment.pk}" in text_of(message)
    assert smtp.to(bob.user.email) == []
