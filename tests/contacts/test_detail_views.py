import datetime as dt

import pytest
from django.urls import reverse

from kontor.contacts import actions
from kontor.contacts.actions import AddressData, AssistantData, DateData, DetailData, Details, PositionData
from kontor.history import actions as history_actions
from kontor.records import actions as record_actions


@pytest.fixture
def anna(alice):
    acme = actions.create_company(alice.membership, {"name": "Acme GmbH"})
    former = actions.create_company(alice.membership, {"name": "Alte Firma AG"})
    return actions.create_person(
        alice.membership,
        {"title": "Dr.", "first_name": "Anna", "last_name": "Schmidt", "birthday": dt.date(1980, 5, 17),
         "background": "Met at the Hannover fair."},
        Details(contact=[DetailData("email", "anna@acme.example"), DetailData("mobile", "+49 171 2345678"),
                         DetailData("website", "acme.example"), DetailData("messenger", "@anna:matrix.org")],
                addresses=[AddressData("work", "Hauptstraße 1", "10115", "Berlin", "", "Germany")],
                positions=[PositionData(acme, "Head of Purchasing", "Einkauf"),
                           PositionData(former, "Trainee", is_former=True)],
                assistants=[AssistantData("Peter Paulsen", "peter@acme.example", "030 123")],
                dates=[DateData("Work anniversary", dt.date(2015, 3, 1))]),
        tags=["Kunde", "VIP"])


def test_person_page_shows_what_was_entered(alice, anna):
    response = alice.client.get(reverse("people:detail", args=[anna.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Dr. Anna Schmidt", "Head of Purchasing at", "Acme GmbH", "Einkauf", "Alte Firma AG",
                 "former", "Hauptstraße 1", "10115 Berlin", "Peter Paulsen", "Work anniversary",
                 "Met at the Hannover fair.", "@anna:matrix.org", "Kunde", "VIP", "Alice Adler",
                 "Edit person"):
        assert text in page, text
    bcc = alice.membership.dropbox.address  # mail written from Kontor is filed through the user's dropbox
    assert f'href="mailto:anna@acme.example?bcc={bcc}"' in page
    assert f'href="mailto:peter@acme.example?bcc={bcc}"' in page
    assert 'href="tel:+491712345678"' in page
    assert 'href="https://acme.example"' in page


def test_person_page_includes_note_box_and_history_newest_first(alice, bob, anna):
    history_actions.add_note(alice.membership, [anna.record], "First call")
    history_actions.add_note(bob.membership, [anna.record], "Second call")
    page = alice.client.get(reverse("people:detail", args=[anna.pk])).content.decode()
    assert f'id="notebox-{anna.pk}"' in page
    assert page.index("Second call") < page.index("First call")


def test_members_do_not_see_confidential_notes_on_the_page(alice, carol, anna):
    history_actions.add_note(alice.membership, [anna.record], "Secret terms", confidential=True)
    assert b"Secret terms" not in carol.client.get(reverse("people:detail", args=[anna.pk])).content
    assert b"Secret terms" in alice.client.get(reverse("people:detail", args=[anna.pk])).content


def test_the_person_page_needs_a_fixed_number_of_queries(alice, bob, anna, django_assert_max_num_queries):
    for number in range(20):
        history_actions.add_note(bob.membership if number % 2 else alice.membership, [anna.record],
                                 f"Note {number}")
    # 2 for the tasks section (tasks, colleagues), 1 for the deals; 4 for activity lines, comments,
    # followers (follow button and note box) and the colleagues to tick
    # 2 of them for files (the card, the entries' files); 1 for custom fields; 1 for a merge to undo
    with django_assert_max_num_queries(20):
        response = alice.client.get(reverse("people:detail", args=[anna.pk]))
    assert b"Note 19" in response.content


def test_company_page_lists_current_and_former_people(alice, anna):
    acme = anna.positions.get(is_former=False).company
    former = anna.positions.get(is_former=True).company
    response = alice.client.get(reverse("companies:detail", args=[acme.pk]))
    assert response.status_code == 200
    assert b"Dr. Anna Schmidt" in response.content and b"Head of Purchasing" in response.content
    assert f'href="{reverse("people:new")}?company={acme.pk}"'.encode() in response.content
    page = alice.client.get(reverse("companies:detail", args=[former.pk])).content.decode()
    assert "Trainee" in page and "former" in page


def test_the_company_page_needs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    acme = actions.create_company(alice.membership, {"name": "Acme"},
                                  Details(contact=[DetailData("phone", "030 1")]), tags=["Kunde"])
    for number in range(15):
        actions.create_person(alice.membership, {"last_name": f"Person {number}"},
                              Details(positions=[PositionData(acme, "Sales")]))
        history_actions.add_note(alice.membership, [acme.record], f"Note {number}")
    # 2 for the tasks section (tasks, colleagues), 1 for the deals; 4 for activity lines, comments,
    # followers (follow button and note box) and the colleagues to tick
    # 2 of them for files (the card, the entries' files); 1 for custom fields; 1 for a merge to undo;
    # 2 for its people's history (their ids; the entries read apart from their links, each once)
    with django_assert_max_num_queries(21):
        response = alice.client.get(reverse("companies:detail", args=[acme.pk]))
    assert b"Person 14" in response.content


def test_outsider_gets_404_on_every_page_of_a_person(alice, oscar, anna):
    acme = anna.positions.first().company
    for name in ("detail", "edit", "delete", "restore", "photo"):
        assert oscar.client.get(reverse(f"people:{name}", args=[anna.pk])).status_code == 404, name
        assert oscar.client.post(reverse(f"people:{name}", args=[anna.pk])).status_code == 404, name
    for name in ("detail", "edit", "delete", "restore", "photo"):
        assert oscar.client.get(reverse(f"companies:{name}", args=[acme.pk])).status_code == 404, name
    assert oscar.client.get(reverse("people:new"), {"company": acme.pk}).status_code == 404
    anna.record.refresh_from_db()
    assert anna.record.deleted_at is None


def test_the_company_name_suggestions_stay_in_the_account(alice, oscar, anna):
    actions.create_company(oscar.membership, {"name": "Acme Outsider"})
    response = alice.client.get(reverse("companies:names"), {"positions-0-company_name": "acm"})
    assert b'value="Acme GmbH"' in response.content and b"Outsider" not in response.content


def test_a_trashed_person_is_404_for_members(alice, carol, anna):
    record_actions.trash_record(anna.record, alice.membership)
    assert carol.client.get(reverse("people:detail", args=[anna.pk])).status_code == 404


def test_a_trashed_person_shows_power_users_how_to_restore(alice, bob, anna):
    record_actions.trash_record(anna.record, alice.membership)
    response = bob.client.get(reverse("people:detail", args=[anna.pk]))
    assert b"This is in the trash" in response.content
    assert reverse("people:restore", args=[anna.pk]).encode() in response.content
