"""Comments under history entries and tasks: write, show, delete; who may; bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.history.models import Comment
from kontor.tasks import actions as task_actions

HTMX = {"HX-Request": "true"}


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"last_name": "Kunz"})


@pytest.fixture
def entry(alice, person):
    return history_actions.add_note(alice.membership, [person.record], "Offer sent")


def comment_url(person, entry) -> str:
    return reverse("history:comment", args=[person.pk, entry.pk])


def test_a_colleague_comments_under_a_note_in_place(bob, person, entry):
    response = bob.client.post(comment_url(person, entry), {"body": "Great, thanks!"}, headers=HTMX)
    html = response.content.decode()
    assert f'id="comments-{entry.pk}"' in html
    assert "Great, thanks!" in html and "Bob Berger" in html
    assert Comment.objects.get().entry == entry


def test_without_javascript_the_comment_form_is_a_page_and_posting_returns_to_the_record(bob, person, entry):
    page = bob.client.get(comment_url(person, entry)).content.decode()
    assert 'name="body"' in page and "Offer sent" in page
    response = bob.client.post(comment_url(person, entry), {"body": "Plain post"})
    comment = Comment.objects.get()
    assert response["Location"] == f"{person.get_absolute_url()}#comment-{comment.pk}"


def test_comments_show_under_the_entry_on_the_record_page(bob, person, entry, django_assert_max_num_queries):
    for number in range(5):
        history_actions.add_comment(bob.membership, f"Comment {number}", entry=entry)
    html = bob.client.get(person.get_absolute_url()).content.decode()
    assert all(f"Comment {number}" in html for number in range(5))
    assert "Comment (5)" in html


def test_an_empty_comment_is_refused_next_to_the_field(bob, person, entry):
    html = bob.client.post(comment_url(person, entry), {"body": "  "}, headers=HTMX).content.decode()
    assert "Please write something first." in html
    assert not Comment.objects.exists()


def test_a_too_long_comment_is_refused(bob, entry):
    with pytest.raises(ValidationError, match="A comment can have at most 10,000 characters"):
        history_actions.add_comment(bob.membership, "x" * 10_001, entry=entry)
    assert not Comment.objects.exists()


def test_a_member_cannot_comment_on_a_confidential_entry(bob, carol, person):
    secret = history_actions.add_note(bob.membership, [person.record], "Secret", confidential=True)
    assert carol.client.post(comment_url(person, secret), {"body": "Peek"}).status_code == 404
    with pytest.raises(PermissionDenied, match="Your role does not allow confidential notes"):
        history_actions.add_comment(carol.membership, "Peek", entry=secret)
    assert not Comment.objects.exists()


def test_the_outsider_cannot_comment(oscar, person, entry):
    assert oscar.client.post(comment_url(person, entry), {"body": "Hi"}).status_code == 404
    with pytest.raises(PermissionDenied, match=r"^$"):
        history_actions.add_comment(oscar.membership, "Hi", entry=entry)
    assert not Comment.objects.exists()


def test_authors_delete_their_comments_and_others_cannot(bob, carol, person, entry):
    comment = history_actions.add_comment(bob.membership, "Mine", entry=entry)
    delete_url = reverse("history:delete_comment", args=[person.pk, comment.pk])
    assert carol.client.post(delete_url).status_code == 403
    assert Comment.objects.exists()
    bob.client.post(delete_url, headers=HTMX)
    assert not Comment.objects.exists()


def test_an_administrator_deletes_any_comment(bob, dave, entry):
    comment = history_actions.add_comment(bob.membership, "Rude", entry=entry)
    history_actions.delete_comment(comment, dave.membership)
    assert not Comment.objects.exists()


def test_a_comment_needs_exactly_one_target(bob, entry):
    with pytest.raises(ValidationError, match="A comment belongs to one entry, task or file"):
        history_actions.add_comment(bob.membership, "Where?")
    task = task_actions.create_task(bob.membership, {"title": "T"})
    with pytest.raises(ValidationError, match="A comment belongs to one entry, task or file"):
        history_actions.add_comment(bob.membership, "Both?", entry=entry, task=task)
    assert not Comment.objects.exists()


def test_comments_on_a_task_show_on_its_page(alice, bob):
    task = task_actions.create_task(alice.membership, {"title": "Prepare offer"}, assignee=bob.user)
    response = bob.client.post(reverse("history:task_comment", args=[task.pk]), {"body": "On it"}, headers=HTMX)
    assert "On it" in response.content.decode()
    page = alice.client.get(reverse("tasks:edit", args=[task.pk])).content.decode()
    assert "On it" in page


def test_the_outsider_cannot_comment_on_a_task(alice, oscar):
    task = task_actions.create_task(alice.membership, {"title": "Prepare offer"})
    assert oscar.client.post(reverse("history:task_comment", args=[task.pk]), {"body": "x"}).status_code == 404
    assert not Comment.objects.exists()


def test_a_comment_on_a_file_belongs_to_it_alone(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Bild"})
    attachment = file_actions.upload_file(alice.membership, SimpleUploadedFile("photo.pdf", b"%PDF-1.4\n"),
                                          record=person.record)
    comment = history_actions.add_comment(bob.membership, "Nice photo", file=attachment)
    assert comment.file == attachment and comment.entry is None and comment.task is None
