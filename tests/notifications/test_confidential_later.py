"""A note marked confidential after the fact: what members were told about it (notifications in the
list, the bell and the API, lines in the activity stream naming its files, mails still queued)
disappears for them at once, while power users and above keep seeing it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kontor.accounts.actions import create_api_key
from kontor.contacts import actions as contact_actions
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.notifications import mails
from kontor.notifications.models import Notification
from kontor.records import actions as record_actions

SECRET = "Kündigung zum Quartalsende geplant"
REPLY = "Wer spricht mit ihm?"
FILE_NAME = "Aufhebungsvertrag.pdf"
FILE_REMARK = "Seite 2 fehlt noch"


@pytest.fixture
def note(alice, bob, carol):
    """Bob (power user) writes a note on Kunz, whom Carol (member) and Alice follow; Carol answers,
    Bob attaches a file to the note and Alice comments on the file. Everyone has been told."""
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    record_actions.watch(person.record, carol.user)
    entry = history_actions.add_note(bob.membership, [person.record], SECRET)
    history_actions.add_comment(carol.membership, REPLY, entry=entry)
    attachment = file_actions.upload_file(bob.membership, SimpleUploadedFile(FILE_NAME, b"%PDF-1.4\n"),
                                          entry=entry)
    history_actions.add_comment(alice.membership, FILE_REMARK, file=attachment)
    history_actions.add_comment(bob.membership, f"{REPLY} Ich.", entry=entry)
    return entry


def _make_confidential(entry, bob) -> None:  # noqa: ANN001
    history_actions.update_note(entry, bob.membership, entry.body, confidential=True)


def _api_notifications(persona) -> list[dict]:  # noqa: ANN001
    _key, secret = create_api_key(persona.membership, "tests")
    response = Client().get("/api/v1/notifications", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    return response.json()["items"]


def _bell(persona) -> str:  # noqa: ANN001
    return persona.client.get(reverse("notifications:bell"), headers={"HX-Request": "true"}).content.decode()


def test_members_were_told_while_the_note_was_open(note, carol):
    page = carol.client.get(reverse("notifications:list")).content.decode()
    assert SECRET in page and FILE_REMARK in page
    assert any(item["entry_id"] == note.pk for item in _api_notifications(carol))
    assert 'data-testid="bell-count">' in _bell(carol)


def test_a_note_made_confidential_later_vanishes_from_a_members_notifications(note, bob, carol,
                                                                              django_assert_max_num_queries):
    _make_confidential(note, bob)
    with django_assert_max_num_queries(5):
        page = carol.client.get(reverse("notifications:list")).content.decode()
    for secret in (SECRET, REPLY, FILE_NAME, FILE_REMARK):
        assert secret not in page
    assert _api_notifications(carol) == []
    assert 'data-testid="bell-count"' not in _bell(carol)
    hidden = Notification.objects.filter(recipient=carol.user).first()
    assert hidden is not None  # kept, not deleted: only not shown
    assert carol.client.get(reverse("notifications:open", args=[hidden.pk])).status_code == 404


def test_power_users_and_above_still_see_the_notifications(note, alice, bob):
    _make_confidential(note, bob)
    page = alice.client.get(reverse("notifications:list")).content.decode()
    assert SECRET in page and REPLY in page
    assert any(item["entry_id"] == note.pk for item in _api_notifications(alice))


def test_marking_all_read_leaves_the_hidden_ones_alone(note, bob, carol):
    _make_confidential(note, bob)
    carol.client.post(reverse("notifications:mark_all_read"))
    assert Notification.objects.filter(recipient=carol.user, read_at__isnull=True).exists()


def test_the_activity_line_naming_the_notes_file_vanishes_for_members(note, alice, bob, carol,
                                                                      django_assert_max_num_queries):
    record = note.records.get()
    assert FILE_NAME in carol.client.get(reverse("start")).content.decode()
    assert FILE_NAME in carol.client.get(record.get_absolute_url()).content.decode()
    _make_confidential(note, bob)
    with django_assert_max_num_queries(25):
        start = carol.client.get(reverse("start")).content.decode()
    assert FILE_NAME not in start
    assert FILE_NAME not in carol.client.get(reverse("start") + "?stream=following").content.decode()
    assert FILE_NAME not in carol.client.get(record.get_absolute_url()).content.decode()
    assert FILE_NAME in alice.client.get(reverse("start")).content.decode()
    assert FILE_NAME in bob.client.get(record.get_absolute_url()).content.decode()


def test_a_mail_queued_before_the_change_is_not_sent_to_a_member(note, alice, bob, carol, smtp):
    queued = list(Notification.objects.filter(emailed_at__isnull=True, batched=False).values_list("pk", flat=True))
    _make_confidential(note, bob)
    mails.send_notifications(queued)
    assert smtp.to(carol.user.email) == []
    assert smtp.to(alice.user.email)  # the owner may read it: her mails still go out
    for message in smtp.messages:
        assert carol.user.email not in message["To"]


def test_a_member_whose_role_was_lowered_is_not_mailed_the_confidential_note(alice, bob, dave, smtp):
    from kontor.accounts import actions as account_actions
    from kontor.accounts.roles import Role

    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    record_actions.watch(person.record, dave.user)
    history_actions.add_note(bob.membership, [person.record], SECRET, confidential=True)
    queued = list(Notification.objects.filter(recipient=dave.user).values_list("pk", flat=True))
    assert queued  # an admin was told
    account_actions.change_role(dave.membership, Role.MEMBER, alice.membership)
    mails.send_notifications(queued)
    assert smtp.messages == []


def test_file_lines_written_before_the_link_existed_are_linked_to_their_note(note):
    """The migration that added Activity.entry links the older lines by the file names they carry."""
    import importlib

    from django.apps import apps

    from kontor.history.models import Activity, ActivityVerb

    migration = importlib.import_module("kontor.history.migrations.0006_activity_entry")
    line = Activity.objects.get(verb=ActivityVerb.FILE_ADDED)
    assert line.entry == note
    other = Activity.objects.filter(verb=ActivityVerb.CREATED).first()
    Activity.objects.update(entry=None)
    migration.link_file_lines(apps, None)
    line.refresh_from_db()
    assert line.entry == note
    assert other is not None and Activity.objects.get(pk=other.pk).entry is None
