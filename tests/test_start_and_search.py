"""The start page and the simple name search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import Details, PositionData
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
    with django_assert_max_num_queries(6):
        response = alice.client.get(reverse("start"))
    assert response.content.decode().count('<li class="entry') == 10


def test_start_shows_only_the_own_account(alice, oscar):
    person = contact_actions.create_person(alice.membership, {"last_name": "Geheim"})
    history_actions.add_note(alice.membership, [person.record], "Internal matter")
    html = oscar.client.get(reverse("start")).content.decode()
    assert "Geheim" not in html and "Internal matter" not in html


# Search


@pytest.fixture
def address_book(alice, oscar):
    holz = contact_actions.create_company(alice.membership, {"name": "Müller Holzbau GmbH"})
    contact_actions.create_company(alice.membership, {"name": "Schmidt Elektro"})
    hans = contact_actions.create_person(
        alice.membership, {"first_name": "Hans", "last_name": "Müller"},
        details=Details(positions=[PositionData(company=holz, job_title="Einkauf")]))
    contact_actions.create_person(alice.membership, {"first_name": "Greta", "last_name": "Schmidt"})
    contact_actions.create_person(oscar.membership, {"first_name": "Hanna", "last_name": "Müller"})
    return hans, holz


def test_search_finds_people_and_companies_by_part_of_the_name(alice, address_book):
    hans, holz = address_book
    html = alice.client.get(reverse("search"), {"q": "mül"}).content.decode()
    assert f'href="{hans.get_absolute_url()}"' in html
    assert f'href="{holz.get_absolute_url()}"' in html
    assert "Einkauf at Müller Holzbau GmbH" in html
    assert "Schmidt" not in html
    assert "Hanna" not in html


def test_search_combines_words(alice, address_book):
    html = alice.client.get(reverse("search"), {"q": "hans müller"}).content.decode()
    assert "Hans Müller" in html
    assert "Holzbau" not in html.split("found-companies")[1]


def test_search_without_results_says_so_honestly(alice, address_book):
    html = alice.client.get(reverse("search"), {"q": "Zander"}).content.decode()
    assert "Nothing found for “Zander”" in html
    assert "Notes and other details are not searched yet." in html


def test_search_without_a_query_invites_to_type(alice):
    html = alice.client.get(reverse("search")).content.decode()
    assert "Whom are you looking for?" in html


def test_search_leaves_out_trashed_records(alice, address_book):
    hans, _holz = address_book
    record_actions.trash_record(hans.record, alice.membership)
    html = alice.client.get(reverse("search"), {"q": "hans"}).content.decode()
    assert "Nothing found" in html


def test_search_needs_a_fixed_number_of_queries(alice, address_book, django_assert_max_num_queries):
    for number in range(20):
        contact_actions.create_person(alice.membership, {"last_name": f"Müller {number}"})
    with django_assert_max_num_queries(6):
        alice.client.get(reverse("search"), {"q": "müller"})


def test_outsider_finds_nothing_of_alices(oscar, address_book):
    html = oscar.client.get(reverse("search"), {"q": "holzbau"}).content.decode()
    assert "Nothing found" in html
