"""The start page. (The search has its own tests in tests/search/.)"""

from __future__ import annotations

from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.records import actions as record_actions

# Start page


def test_empty_account_gets_a_welcome_with_quick_actions(alice):
    html = alice.client.get(reverse("start")).content.decode()
    assert "Welcome to Kontor" in html
    assert "New person" in html and "New company" in html
    assert reverse("accounts:team") in html


def test_member_is_not_sent_to_the_team_page(carol):
    html = carol.client.get(reverse("start")).content.decode()
    assert reverse("accounts:team") not in html


def test_start_shows_recent_records_and_the_latest_notes_with_their_records(alice):
    person = contact_actions.create_person(alice.membership, {"first_name": "Hans", "last_name": "Meier"})
    company = contact_actions.create_company(alice.membership, {"name": "Holzbau GmbH"})
    history_actions.add_note(alice.membership, [person.record, company.record], "Offer for the roof sent.")
    html = alice.client.get(reverse("start")).content.decode()
    assert "Welcome to Kontor" not in html
    assert "Offer for the roof sent." in html
    assert f'href="{person.get_absolute_url()}' in html
    assert f'href="{company.get_absolute_url()}' in html
    assert "Recently changed" in html


def test_start_leaves_out_trashed_records(alice):
    kept = contact_actions.create_person(alice.membership, {"last_name": "Bleibt"})
    gone = contact_actions.create_person(alice.membership, {"last_name": "Weg"})
    record_actions.trash_record(gone.record, alice.membership)
    html = alice.client.get(reverse("start")).content.decode()
    assert "Bleibt" in html
    assert f'href="{gone.get_absolute_url()}"' not in html
    assert kept.pk != gone.pk


def test_member_does_not_see_confidential_notes_on_the_start_page(bob, carol):
    person = contact_actions.create_person(bob.membership, {"last_name": "Meier"})
    history_actions.add_note(bob.membership, [person.record], "Merger talks", confidential=True)
    history_actions.add_note(bob.membership, [person.record], "Brochure sent")
    member_view = carol.client.get(reverse("start")).content.decode()
    assert "Brochure sent" in member_view
    assert "Merger talks" not in member_view
    assert "Merger talks" in bob.client.get(reverse("start")).content.decode()


def test_start_page_needs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    company = contact_actions.create_company(alice.membership, {"name": "Holzbau GmbH"})
    for number in range(15):
        person = contact_actions.create_person(alice.membership, {"last_name": f"Person {number}"})
        history_actions.add_note(alice.membership, [person.record, company.record], f"Note {number}")
    with django_assert_max_num_queries(9):  # 3 of them for the activity stream, my tasks, deals due
        response = alice.client.get(reverse("start"))
    assert response.content.decode().count('<li class="entry') == 10


def test_start_shows_only_the_own_account(alice, oscar):
    person = contact_actions.create_person(alice.membership, {"last_name": "Geheim"})
    history_actions.add_note(alice.membership, [person.record], "Internal matter")
    html = oscar.client.get(reverse("start")).content.decode()
    assert "Geheim" not in html and "Internal matter" not in html
