"""/api/v1/comments and /api/v1/notifications."""

from __future__ import annotations

import pytest

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.history.models import Comment
from kontor.notifications.models import Notification
from kontor.records import actions as record_actions
from kontor.tasks import actions as task_actions
from tests.files.conftest import put_file


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Müller"})


@pytest.fixture
def offer(alice, anna):
    return put_file(alice, anna.record, "Angebot 2027.pdf")


@pytest.fixture
def entry(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    return history_actions.add_note(alice.membership, [person.record], "Offer sent")


def test_comment_on_an_entry_and_list_it(api, alice, bob, entry):
    response = api(bob).post("/comments", {"entry_id": entry.pk, "body": "Great"})
    assert response.status_code == 201
    comment = response.json()
    assert (comment["body"], comment["author_name"], comment["entry_id"]) == ("Great", "Bob Berger", entry.pk)
    listed = api(alice).get(f"/comments?entry_id={entry.pk}").json()
    assert listed["items"] == [comment]
    assert Notification.objects.filter(recipient=alice.user, comment_id=comment["id"]).exists()


def test_comment_on_a_task(api, alice, bob):
    task = task_actions.create_task(alice.membership, {"title": "Call"}, assignee=bob.user)
    response = api(bob).post("/comments", {"task_id": task.pk, "body": "Done soon"})
    assert response.status_code == 201
    assert api(alice).get(f"/comments?task_id={task.pk}").json()["items"][0]["body"] == "Done soon"


def test_a_comment_needs_one_target_and_a_body(api, bob, entry):
    assert api(bob).post("/comments", {"body": "Where?"}).status_code == 422
    response = api(bob).post("/comments", {"entry_id": entry.pk, "body": "  "})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "body"]
    assert api(bob).get("/comments").json()["items"] == []  # without a target: every comment, none yet
    assert not Comment.objects.exists()


def test_a_member_cannot_see_comments_of_a_confidential_entry(api, alice, bob, carol):
    person = contact_actions.create_person(alice.membership, {"last_name": "Geheim"})
    secret = history_actions.add_note(bob.membership, [person.record], "Secret", confidential=True)
    comment = history_actions.add_comment(bob.membership, "Also secret", entry=secret)
    assert api(carol).get(f"/comments?entry_id={secret.pk}").status_code == 404
    assert api(carol).delete(f"/comments/{comment.pk}").status_code == 404
    assert Comment.objects.exists()


def test_only_the_author_or_an_admin_deletes_a_comment(api, bob, carol, dave, entry):
    comment = history_actions.add_comment(bob.membership, "Mine", entry=entry)
    assert api(carol).delete(f"/comments/{comment.pk}").status_code == 403
    assert api(dave).delete(f"/comments/{comment.pk}").status_code == 204
    assert not Comment.objects.exists()


def test_the_outsider_cannot_comment_or_read(api, oscar, entry):
    assert api(oscar).post("/comments", {"entry_id": entry.pk, "body": "Hi"}).status_code == 404
    assert api(oscar).get(f"/comments?entry_id={entry.pk}").status_code == 404
    assert not Comment.objects.exists()


def test_api_comments_on_a_file(api, alice, bob, offer):
    response = api(bob).post("/comments", {"file_id": offer.pk, "body": "Signed copy?"})
    assert response.status_code == 201
    created = response.json()
    assert (created["file_id"], created["entry_id"], created["task_id"]) == (offer.pk, None, None)
    listed = api(alice).get("/comments", {"file_id": offer.pk}).json()
    assert [c["body"] for c in listed["items"]] == ["Signed copy?"]
    assert Notification.objects.filter(recipient=alice.user, comment_id=created["id"]).exists()


def test_api_refuses_two_targets_and_other_accounts_files(api, bob, oscar, anna, offer):
    entry = history_actions.add_note(bob.membership, [anna.record], "Note")
    response = api(bob).post("/comments", {"file_id": offer.pk, "entry_id": entry.pk, "body": "Both"})
    assert response.status_code == 422
    assert "exactly one" in response.json()["detail"][0]["msg"]
    assert api(oscar).post("/comments", {"file_id": offer.pk, "body": "Hi"}).status_code == 404
    assert api(oscar).get("/comments", {"file_id": offer.pk}).status_code == 404
    comment = history_actions.add_comment(bob.membership, "Ours", file=offer)
    assert api(oscar).delete(f"/comments/{comment.pk}").status_code == 404
    assert list(Comment.objects.values_list("body", flat=True)) == ["Ours"]


def test_list_and_mark_notifications_read(api, alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    record_actions.watch(person.record, bob.user)
    history_actions.add_note(alice.membership, [person.record], "One")
    history_actions.add_note(alice.membership, [person.record], "Two")
    client = api(bob)
    items = client.get("/notifications?unread=true").json()["items"]
    assert [n["excerpt"] for n in items] == ["Two", "One"]
    assert items[0]["headline"] == "Alice Adler wrote a note on Kunz"
    marked = client.post(f"/notifications/{items[0]['id']}/read", {}).json()
    assert marked["read_at"] is not None
    assert client.post("/notifications/read", {}).json() == {"marked": 1}
    assert client.get("/notifications?unread=true").json()["items"] == []


def test_nobody_else_marks_my_notifications(api, alice, bob, carol):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    record_actions.watch(person.record, bob.user)
    history_actions.add_note(alice.membership, [person.record], "One")
    notification = Notification.objects.get(recipient=bob.user)
    assert api(carol).post(f"/notifications/{notification.pk}/read", {}).status_code == 404
    assert api(carol).get("/notifications").json()["items"] == []
    notification.refresh_from_db()
    assert notification.read_at is None
