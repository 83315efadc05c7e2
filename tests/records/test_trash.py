"""The trash: what was deleted, restoring it (power users and up), emptying it (admins)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.history.models import Entry
from kontor.records import actions as record_actions
from kontor.records.models import Record


@pytest.fixture
def trashed(alice, bob):
    """A person deleted by Bob and a company deleted by Alice."""
    person = contact_actions.create_person(alice.membership, {"first_name": "Hans", "last_name": "Meier"})
    company = contact_actions.create_company(alice.membership, {"name": "Alte Firma AG"})
    history_actions.add_note(alice.membership, [person.record], "Only about Hans")
    record_actions.trash_record(person.record, bob.membership)
    record_actions.trash_record(company.record, alice.membership)
    return person.record, company.record


def test_trash_lists_deleted_records_with_who_and_when(alice, trashed, django_assert_max_num_queries):
    contact_actions.create_person(alice.membership, {"last_name": "Lebendig"})
    with django_assert_max_num_queries(4):
        response = alice.client.get(reverse("records:trash"))
    html = response.content.decode()
    assert "Hans Meier" in html and "Alte Firma AG" in html
    assert "Deleted by Bob Berger" in html and "Deleted by Alice Adler" in html
    assert "Lebendig" not in html
    assert html.index("Alte Firma AG") < html.index("Hans Meier")  # the latest deletion first
    assert "30 days" in html
    assert "gone for good on" in html


def test_trash_query_count_does_not_grow_with_its_size(alice, trashed, django_assert_max_num_queries):
    for number in range(30):
        person = contact_actions.create_person(alice.membership, {"last_name": f"Weg {number}"})
        record_actions.trash_record(person.record, alice.membership)
    with django_assert_max_num_queries(4):
        alice.client.get(reverse("records:trash"))


def test_trash_pages_back_by_deletion_time(alice, trashed):
    person, company = trashed
    url = reverse("records:trash")
    html = alice.client.get(url, {"before": company.deleted_at.isoformat()}).content.decode()
    assert "Hans Meier" in html and "Alte Firma AG" not in html
    html = alice.client.get(url, {"before": person.deleted_at.isoformat()}).content.decode()
    assert "Nothing older in the trash" in html
    assert alice.client.get(url, {"before": "not a date"}).status_code == 200


def test_empty_trash_says_so(alice):
    assert "The trash is empty" in alice.client.get(reverse("records:trash")).content.decode()


def test_member_sees_the_trash_but_cannot_restore(carol, trashed):
    person, _company = trashed
    html = carol.client.get(reverse("records:trash")).content.decode()
    assert "Hans Meier" in html
    assert reverse("records:restore", args=[person.pk]) not in html
    response = carol.client.post(reverse("records:restore", args=[person.pk]))
    assert response.status_code == 403
    assert "Your role does not allow restoring records." in response.content.decode()
    person.refresh_from_db()
    assert person.is_deleted


def test_power_user_restores_a_record(bob, trashed):
    person, _company = trashed
    response = bob.client.post(reverse("records:restore", args=[person.pk]), follow=True)
    assert "“Hans Meier” has been restored." in response.content.decode()
    person.refresh_from_db()
    assert not person.is_deleted
    assert Entry.objects.filter(body="Only about Hans").exists()


def test_restoring_a_record_that_is_not_in_the_trash_is_not_found(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Da"})
    assert alice.client.post(reverse("records:restore", args=[person.pk])).status_code == 404


def test_only_admins_empty_the_trash(bob, carol, trashed):
    for colleague in (bob, carol):
        assert colleague.client.get(reverse("records:empty_trash")).status_code == 403
        response = colleague.client.post(reverse("records:empty_trash"))
        assert response.status_code == 403
        assert "Only administrators can empty the trash." in response.content.decode()
    assert Record.objects.in_trash().count() == 2
    assert "Empty trash" not in bob.client.get(reverse("records:trash")).content.decode()


def test_admin_empties_the_trash_after_confirming(dave, trashed):
    page = dave.client.get(reverse("records:empty_trash"))
    assert "2 deleted records will be removed for good" in page.content.decode()
    assert Record.objects.in_trash().count() == 2
    response = dave.client.post(reverse("records:empty_trash"), follow=True)
    assert "2 deleted for good" in response.content.decode()
    assert not Record.objects.filter(pk__in=[r.pk for r in trashed]).exists()
    assert not Entry.objects.filter(body="Only about Hans").exists()


def test_emptying_the_trash_leaves_other_accounts_alone(alice, oscar, trashed):
    theirs = contact_actions.create_person(oscar.membership, {"last_name": "Fremd"})
    record_actions.trash_record(theirs.record, oscar.membership)
    alice.client.post(reverse("records:empty_trash"))
    assert Record.objects.in_trash().get() == theirs.record


def test_outsider_neither_sees_nor_restores_alices_trash(oscar, trashed):
    person, _company = trashed
    assert "Hans Meier" not in oscar.client.get(reverse("records:trash")).content.decode()
    assert oscar.client.post(reverse("records:restore", args=[person.pk])).status_code == 404
    oscar.client.post(reverse("records:empty_trash"))
    person.refresh_from_db()
    assert person.is_deleted


def test_trash_shows_the_day_of_older_deletions(alice, trashed):
    person, _company = trashed
    deleted_at = timezone.now() - dt.timedelta(days=3)
    Record.objects.filter(pk=person.pk).update(deleted_at=deleted_at)
    html = alice.client.get(reverse("records:trash")).content.decode()
    with timezone.override(ZoneInfo("Europe/Berlin")):
        day = formats.date_format(timezone.localtime(deleted_at), "MONTH_DAY_FORMAT")
    assert f"Deleted by Bob Berger, {day}" in html or deleted_at.year != timezone.now().year
