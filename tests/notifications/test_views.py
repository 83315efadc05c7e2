"""The bell, the list, marking read, the e-mail settings, following and what I follow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.notifications import views
from kontor.notifications.models import WEEKLY_SUMMARY, MailPreference, Notification, NotificationType
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions
from kontor.records.models import Watch

HTMX = {"HX-Request": "true"}


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"last_name": "Kunz"})


@pytest.fixture
def noted(alice, bob, person):
    """Bob follows Kunz; Alice writes two notes there."""
    record_actions.watch(person.record, bob.user)
    history_actions.add_note(alice.membership, [person.record], "First")
    history_actions.add_note(alice.membership, [person.record], "Second")
    return person


def test_every_page_has_the_bell_that_fetches_its_count(bob):
    html = bob.client.get(reverse("start")).content.decode()
    assert 'id="notification-bell"' in html
    assert f'hx-get="{reverse("notifications:bell")}"' in html


def test_the_bell_shows_the_unread_count(bob, noted, django_assert_max_num_queries):
    # session, user, membership; the unread notifications and the waiting mail, one COUNT each
    with django_assert_max_num_queries(5):
        html = bob.client.get(reverse("notifications:bell"), headers=HTMX).content.decode()
    assert 'data-testid="bell-count">2<' in html
    assert "2 unread notifications" in html


def test_the_list_shows_what_happened_newest_first(bob, noted, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        html = bob.client.get(reverse("notifications:list")).content.decode()
    assert html.index("Second") < html.index("First")
    assert "Alice Adler wrote a note on Kunz" in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_note(bob, noted):
    notification = Notification.objects.filter(recipient=bob.user).earliest("pk")
    response = bob.client.post(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_lists_link_posts_through_htmx_and_is_sent_on_to_the_note(bob, noted):
    notification = Notification.objects.filter(recipient=bob.user).earliest("pk")
    url = reverse("notifications:open", args=[notification.pk])
    html = bob.client.get(reverse("notifications:list")).content.decode()
    assert f'href="{url}" hx-post="{url}"' in html
    response = bob.client.post(url, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_get_of_a_notification_goes_to_the_note_and_changes_nothing(bob, noted):
    """Mail scanners, link previews and prefetching browsers open links: reading needs a POST."""
    notification = Notification.objects.filter(recipient=bob.user).earliest("pk")
    response = bob.client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_and_all_read(bob, noted):
    first = Notification.objects.filter(recipient=bob.user).earliest("pk")
    bob.client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert Notification.objects.filter(recipient=bob.user, read_at__isnull=True).count() == 1
    bob.client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=bob.user, read_at__isnull=True).exists()


def test_a_colleague_cannot_open_or_mark_my_notifications(bob, carol, noted):
    notification = Notification.objects.filter(recipient=bob.user).earliest("pk")
    assert carol.client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert carol.client.post(reverse("notifications:mark_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_outsider_sees_none_of_it(oscar, bob, noted):
    notification = Notification.objects.filter(recipient=bob.user).earliest("pk")
    assert oscar.client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert "Kunz" not in oscar.client.get(reverse("notifications:list")).content.decode()


def test_mail_settings_switch_types_off_and_on(bob):
    page = bob.client.get(reverse("notifications:preferences")).content.decode()
    assert "The weekly summary on Monday morning" in page
    bob.client.post(reverse("notifications:preferences"), {"email": [NotificationType.MENTION]})
    chosen = dict(MailPreference.objects.filter(user=bob.user).values_list("type", "email"))
    assert chosen == {NotificationType.ENTRY: False, NotificationType.COMMENT: False,
                      NotificationType.MENTION: True, NotificationType.ASSIGNMENT: False,
                      NotificationType.IMPORT: False, NotificationType.WEBFORM: False,
                      NotificationType.WEBHOOK: False, NotificationType.MERGE: False, WEEKLY_SUMMARY: False}


def test_follow_and_unfollow_from_the_record_page(bob, person):
    page = bob.client.get(person.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in page
    response = bob.client.post(reverse("notifications:follow", args=[person.record.pk]), headers=HTMX)
    assert 'aria-pressed="true"' in response.content.decode()
    assert Watch.objects.filter(record=person.record, user=bob.user).exists()
    response = bob.client.post(reverse("notifications:follow", args=[person.record.pk]),
                               {"next": person.get_absolute_url()})
    assert response["Location"] == person.get_absolute_url()
    assert not Watch.objects.filter(record=person.record, user=bob.user).exists()


def test_follow_does_not_redirect_elsewhere(bob, person):
    response = bob.client.post(reverse("notifications:follow", args=[person.record.pk]),
                               {"next": "https://evil.example.com/"})
    assert response["Location"] == person.get_absolute_url()


def test_the_outsider_cannot_follow_another_accounts_record(oscar, person):
    assert oscar.client.post(reverse("notifications:follow", args=[person.record.pk])).status_code == 404
    assert not Watch.objects.filter(user=oscar.user).exists()


def test_what_i_follow_lists_followed_records(alice, bob, person):
    other = contact_actions.create_person(alice.membership, {"last_name": "Unbekannt"})
    record_actions.watch(person.record, bob.user)
    html = bob.client.get(reverse("notifications:following")).content.decode()
    assert "Kunz" in html
    assert other.record.display_name not in html


def test_the_note_box_lists_the_followers_ticked(alice, bob, carol, person):
    record_actions.watch(person.record, bob.user)
    html = alice.client.get(person.get_absolute_url()).content.decode()
    assert f'name="notify" value="{bob.user.pk}" checked' in html
    assert f'value="{carol.user.pk}" checked' not in html


def test_unticking_a_follower_in_the_note_box_spares_them(alice, bob, carol, person):
    record_actions.watch(person.record, bob.user)
    record_actions.watch(person.record, carol.user)
    alice.client.post(reverse("history:create", args=[person.pk]),
                      {"body": "Not for Bob", "notify_shown": "1", "notify": [str(carol.user.pk)]})
    assert not Notification.objects.filter(recipient=bob.user).exists()
    assert Notification.objects.filter(recipient=carol.user).count() == 1


def test_every_kind_of_record_page_has_the_follow_button(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Holz GmbH"})
    deal = deal_actions.create_deal(alice.membership, {"name": "Dach"})
    project = project_actions.create_project(alice.membership, {"name": "Fassade"})
    for record in (company.record, deal.record, project.record):
        html = alice.client.get(record.get_absolute_url()).content.decode()
        assert f'action="{reverse("notifications:follow", args=[record.pk])}"' in html
        assert 'aria-pressed="true"' in html  # the creator follows


def test_the_list_pages_back_through_older_notifications(alice, bob, person, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    record_actions.watch(person.record, bob.user)
    for number in range(5):
        history_actions.add_note(alice.membership, [person.record], f"Note number {number}")
    first = bob.client.get(reverse("notifications:list")).content.decode()
    assert "Note number 4" in first and "Note number 1" not in first
    oldest_shown = Notification.objects.filter(recipient=bob.user).order_by("-pk")[2]
    assert f"?before={oldest_shown.pk}" in first
    older = bob.client.get(reverse("notifications:list") + f"?before={oldest_shown.pk}").content.decode()
    assert "Note number 1" in older and "Note number 0" in older and "Note number 4" not in older
    assert "?before=" not in older
