"""Comments on files: on the file's page, who hears of them, who may write and delete them, the
API, and what happens to them when the file goes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.history.models import Comment
from kontor.notifications.models import Notification, NotificationType
from kontor.records import actions as record_actions
from tests.files.conftest import put_file

HTMX = {"HX-Request": "true"}


@pytest.fixture
def offer(alice, anna):
    return put_file(alice, anna.record, "Angebot 2027.pdf")


def comment_url(attachment) -> str:
    return reverse("history:file_comment", args=[attachment.pk])


def file_page(attachment) -> str:
    return reverse("files:detail", args=[attachment.pk])


def test_a_colleague_comments_on_a_file_in_place(bob, offer):
    response = bob.client.post(comment_url(offer), {"body": "Price on page 2 is wrong"}, headers=HTMX)
    html = response.content.decode()
    assert f'id="file-comments-{offer.pk}"' in html
    assert "Price on page 2 is wrong" in html and "Bob Berger" in html
    assert Comment.objects.get().file == offer


def test_the_file_page_shows_its_comments_and_the_form(alice, bob, offer, django_assert_max_num_queries):
    for number in range(5):
        history_actions.add_comment(bob.membership, f"Remark {number}", file=offer)
    with django_assert_max_num_queries(15):
        html = alice.client.get(file_page(offer)).content.decode()
    assert all(f"Remark {number}" in html for number in range(5))
    assert f'action="{comment_url(offer)}"' in html
    assert "Bob Berger" in html  # offered under "Also notify"


def test_without_javascript_a_comment_returns_to_the_file_page_at_the_comment(bob, offer):
    response = bob.client.post(comment_url(offer), {"body": "Plain post"})
    comment = Comment.objects.get()
    assert response["Location"] == f"{file_page(offer)}#comment-{comment.pk}"


def test_an_empty_comment_is_refused_and_nothing_is_stored(bob, offer):
    html = bob.client.post(comment_url(offer), {"body": "   "}, headers=HTMX).content.decode()
    assert "Please write something first." in html
    assert not Comment.objects.exists()
    response = bob.client.post(comment_url(offer), {"body": ""}, follow=True)
    assert "Please write something first." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_uploader_and_the_records_followers_hear_of_a_comment(alice, bob, carol, dave, anna, offer):
    record_actions.watch(anna.record, carol.user)
    comment = history_actions.add_comment(bob.membership, "Looks good", file=offer)
    told = Notification.objects.filter(comment=comment)
    assert set(told.values_list("recipient__name", flat=True)) == {"Alice Adler", "Carol Clausen"}
    notification = told.get(recipient=alice.user)
    assert notification.type == NotificationType.COMMENT
    assert notification.url == f"{file_page(offer)}#comment-{comment.pk}"
    assert notification.title == "Angebot 2027.pdf"
    assert notification.record == anna.record
    assert not told.filter(recipient=bob.user).exists()  # never of one's own comment
    assert not told.filter(recipient=dave.user).exists()  # not involved


def test_earlier_commenters_hear_of_a_reply_and_ticked_colleagues_are_mentioned(alice, bob, dave, offer):
    history_actions.add_comment(dave.membership, "Who checks this?", file=offer)
    reply = history_actions.add_comment(alice.membership, "Bob, please", file=offer, notify=[bob.user.pk])
    assert Notification.objects.get(comment=reply, recipient=dave.user).type == NotificationType.COMMENT
    assert Notification.objects.get(comment=reply, recipient=bob.user).type == NotificationType.MENTION


def test_a_member_cannot_comment_on_a_file_of_a_confidential_note(alice, bob, carol, anna):
    secret = history_actions.add_note(bob.membership, [anna.record], "Salary talk", confidential=True)
    attachment = put_file(bob, anna.record, "salary.pdf", entry=secret)
    assert carol.client.post(comment_url(attachment), {"body": "Peek"}).status_code == 404
    with pytest.raises(PermissionDenied, match="Your role does not allow confidential notes"):
        history_actions.add_comment(carol.membership, "Peek", file=attachment)
    assert not Comment.objects.exists()
    history_actions.add_comment(bob.membership, "For power users", file=attachment)
    assert not Notification.objects.filter(recipient=carol.user).exists()


def test_the_outsider_can_neither_comment_nor_delete(alice, oscar, offer):
    comment = history_actions.add_comment(alice.membership, "Ours", file=offer)
    assert oscar.client.post(comment_url(offer), {"body": "Hi"}).status_code == 404
    with pytest.raises(PermissionDenied, match=r"^$"):
        history_actions.add_comment(oscar.membership, "Hi", file=offer)
    delete_url = reverse("history:delete_file_comment", args=[offer.pk, comment.pk])
    assert oscar.client.post(delete_url).status_code == 404
    assert list(Comment.objects.values_list("body", flat=True)) == ["Ours"]


def test_authors_delete_their_file_comments_and_others_cannot(bob, carol, dave, offer):
    comment = history_actions.add_comment(bob.membership, "Mine", file=offer)
    delete_url = reverse("history:delete_file_comment", args=[offer.pk, comment.pk])
    assert carol.client.post(delete_url).status_code == 403
    assert Comment.objects.exists()
    html = bob.client.post(delete_url, headers=HTMX).content.decode()
    assert "No comments yet." in html
    assert not Comment.objects.exists()
    other = history_actions.add_comment(bob.membership, "Another", file=offer)
    dave.client.post(reverse("history:delete_file_comment", args=[offer.pk, other.pk]))
    assert not Comment.objects.exists()


def test_a_comment_of_another_file_cannot_be_deleted_through_this_one(alice, bob, anna, offer):
    other_file = put_file(alice, anna.record, "other.pdf")
    comment = history_actions.add_comment(bob.membership, "Elsewhere", file=other_file)
    response = bob.client.post(reverse("history:delete_file_comment", args=[offer.pk, comment.pk]))
    assert response.status_code == 404
    assert Comment.objects.exists()


def test_a_deleted_file_takes_no_new_comments_and_keeps_its_old_ones_for_an_undo(alice, bob, offer):
    history_actions.add_comment(bob.membership, "Before", file=offer)
    file_actions.delete_file(offer, alice.membership)
    assert bob.client.post(comment_url(offer), {"body": "After"}).status_code == 404
    file_actions.restore_file(offer, alice.membership)
    assert list(Comment.objects.values_list("body", flat=True)) == ["Before"]


def test_a_file_deleted_for_good_takes_its_comments_and_their_notifications_along(alice, bob, offer):
    history_actions.add_comment(bob.membership, "Gone with it", file=offer)
    assert Notification.objects.filter(recipient=alice.user).exists()
    file_actions.delete_file(offer, alice.membership)
    file_actions.purge_deleted_files(now=timezone.now() + dt.timedelta(days=31))
    assert not Comment.objects.exists()
    assert not Notification.objects.filter(recipient=alice.user).exists()


def test_a_comment_needs_exactly_one_target(bob, anna, offer):
    entry = history_actions.add_note(bob.membership, [anna.record], "Note")
    with pytest.raises(ValidationError, match="A comment belongs to one entry, task or file"):
        history_actions.add_comment(bob.membership, "Both?", entry=entry, file=offer)
    assert not Comment.objects.exists()


def test_a_too_long_comment_is_refused_and_its_text_kept_for_shortening(bob, offer):
    text = "Zu lang. " * 1200
    html = bob.client.post(comment_url(offer), {"body": text}, headers=HTMX).content.decode()
    assert "A comment can have at most 10,000 characters." in html
    assert text.strip()[:200] in html
    assert not Comment.objects.exists()


def test_the_files_lists_say_how_many_comments_a_file_has(alice, bob, anna, offer):
    quiet = put_file(alice, anna.record, "quiet.pdf")
    for number in range(2):
        history_actions.add_comment(bob.membership, f"Remark {number}", file=offer)
    link = f'href="{file_page(offer)}#file-comments-{offer.pk}">2 comments</a>'
    area = alice.client.get(reverse("files:list")).content.decode()
    assert link in area
    assert f"#file-comments-{quiet.pk}" not in area
    assert link in alice.client.get(anna.get_absolute_url()).content.decode()


def test_a_file_under_a_note_and_a_file_brought_back_keep_their_comment_count(alice, bob, anna):
    note = history_actions.add_note(alice.membership, [anna.record], "Contract signed")
    signed = put_file(alice, anna.record, "signed.pdf", entry=note)
    history_actions.add_comment(bob.membership, "Filed it", file=signed)
    link = f'#file-comments-{signed.pk}">1 comment</a>'
    timeline = alice.client.get(anna.get_absolute_url()).content.decode().split(f'id="entry-files-{note.pk}"')[1]
    assert link in timeline.split("</ul>")[0]
    file_actions.delete_file(signed, alice.membership)
    restored = alice.client.post(reverse("files:restore", args=[signed.pk]), headers=HTMX).content.decode()
    assert link in restored
