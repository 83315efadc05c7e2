"""A company's page shows the notes, calls and e-mails of the people who work there now, each
marked with the person's name, and a filter narrows it to the company's own entries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kontor.contacts import actions
from kontor.contacts.actions import Details, PositionData
from kontor.contacts.company_history import company_timeline
from kontor.history import actions as history_actions
from kontor.history.models import Entry
from kontor.records import actions as record_actions

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def acme(alice):  # noqa: ANN201 - a Company
    return actions.create_company(alice.membership, {"name": "Acme GmbH"})


def _works_at(alice, company, last_name: str, *, former: bool = False):  # noqa: ANN001, ANN202
    return actions.create_person(alice.membership, {"first_name": "Anna", "last_name": last_name},
                                 Details(positions=[PositionData(company, "Einkauf", is_former=former)]))


def _page(persona, company, **params: str) -> str:
    return persona.client.get(reverse("companies:detail", args=[company.pk]), params).content.decode()


def test_a_current_persons_note_shows_on_the_company_page_marked_with_their_name(alice, acme):
    anna = _works_at(alice, acme, "Schmidt")
    history_actions.add_note(alice.membership, [anna.record], "Rahmenvertrag besprochen")
    history_actions.add_note(alice.membership, [acme.record], "Neue Lieferadresse")

    page = _page(alice, acme)

    assert "Rahmenvertrag besprochen" in page and "Neue Lieferadresse" in page
    assert re.search(rf'class="entry-via" href="/people/{anna.pk}/"[^>]*>Anna Schmidt</a>', page)


def test_the_filter_shows_only_the_companys_own_entries(alice, acme):
    anna = _works_at(alice, acme, "Schmidt")
    history_actions.add_note(alice.membership, [anna.record], "Rahmenvertrag besprochen")
    history_actions.add_note(alice.membership, [acme.record], "Neue Lieferadresse")

    page = _page(alice, acme, history="own")

    assert "Neue Lieferadresse" in page
    assert "Rahmenvertrag besprochen" not in page


def test_the_filter_switches_in_place_with_htmx(alice, acme):
    anna = _works_at(alice, acme, "Schmidt")
    history_actions.add_note(alice.membership, [anna.record], "Rahmenvertrag besprochen")
    url = reverse("companies:history", args=[acme.pk])

    own = alice.client.get(url, {"history": "own"}, **HTMX).content.decode()
    everything = alice.client.get(url, **HTMX).content.decode()

    assert own.startswith("\n<div id=\"company-history\">") or 'id="company-history"' in own
    assert "Rahmenvertrag besprochen" not in own
    assert "Rahmenvertrag besprochen" in everything
    assert alice.client.get(url).status_code == 302  # without htmx: the company page


def test_an_entry_on_the_company_and_a_person_shows_once_unmarked(alice, acme):
    anna = _works_at(alice, acme, "Schmidt")
    history_actions.add_note(alice.membership, [anna.record, acme.record], "Besuch in Hamburg")

    page = _page(alice, acme)

    assert page.count("Besuch in Hamburg") == 1
    assert 'class="entry-via"' not in page


def test_former_and_trashed_people_take_their_entries_along(alice, acme):
    left = _works_at(alice, acme, "Ehemalig", former=True)
    trashed = _works_at(alice, acme, "Papierkorb")
    history_actions.add_note(alice.membership, [left.record], "Abschiedsgespräch")
    history_actions.add_note(alice.membership, [trashed.record], "Gelöschte Notiz")
    record_actions.trash_record(trashed.record, alice.membership)

    page = _page(alice, acme)

    assert "Abschiedsgespräch" not in page and "Gelöschte Notiz" not in page


def test_a_members_company_page_leaves_out_the_peoples_confidential_notes(alice, bob, carol, acme):
    anna = _works_at(alice, acme, "Schmidt")
    history_actions.add_note(bob.membership, [anna.record], "Übernahmegespräche", confidential=True)

    assert "Übernahmegespräche" not in _page(carol, acme)
    assert "Übernahmegespräche" in _page(bob, acme)


def test_older_entries_page_through_people_and_company_alike(alice, acme):
    anna = _works_at(alice, acme, "Schmidt")
    for number in range(30):
        history_actions.add_note(alice.membership, [anna.record if number % 2 else acme.record], f"Eintrag {number}")

    first = company_timeline(acme, alice.membership)
    rest = company_timeline(acme, alice.membership, before=first[-1].happened_at, before_id=first[-1].pk)

    assert first.has_more and not rest.has_more
    assert len(first) + len(rest) == 30
    assert {entry.pk for entry in first}.isdisjoint(entry.pk for entry in rest)
    older = alice.client.get(reverse("companies:history", args=[acme.pk]),
                             {"before": first[-1].happened_at.isoformat(), "before_id": first[-1].pk}, **HTMX)
    assert "Eintrag 0" in older.content.decode()


def test_the_older_entries_work_without_javascript(alice, acme):
    for number in range(30):
        history_actions.add_note(alice.membership, [acme.record], f"Eintrag {number}")
    last = company_timeline(acme, alice.membership)[-1]

    response = alice.client.get(reverse("companies:history", args=[acme.pk]),
                                {"before": last.happened_at.isoformat(), "before_id": last.pk})

    assert response.status_code == 200
    assert "Eintrag 0" in response.content.decode()


def test_a_persons_entry_edits_on_the_persons_page(alice, acme):
    anna = _works_at(alice, acme, "Schmidt")
    entry = history_actions.add_note(alice.membership, [anna.record], "Rahmenvertrag besprochen")

    page = _page(alice, acme)

    assert reverse("history:edit", args=[anna.pk, entry.pk]) in page


def test_the_company_page_with_its_peoples_history_needs_a_fixed_number_of_queries(
        alice, acme, django_assert_max_num_queries):
    for number in range(15):
        person = _works_at(alice, acme, f"Person {number}")
        history_actions.add_note(alice.membership, [person.record], f"Notiz {number}")
        history_actions.add_note(alice.membership, [acme.record], f"Firmennotiz {number}")
    # as many as with the company's own entries only (tests/contacts/test_detail_views.py)
    with django_assert_max_num_queries(21):
        response = alice.client.get(reverse("companies:detail", args=[acme.pk]))
    assert b"Notiz 14" in response.content


def test_the_outsider_gets_404_for_the_history_of_alices_company(oscar, acme):
    url = reverse("companies:history", args=[acme.pk])

    assert oscar.client.get(url, **HTMX).status_code == 404
    assert oscar.client.get(url).status_code == 404


@pytest.mark.parametrize("params", [{"before": "yesterday"}, {"before": "2026-13-45T99:00"},
                                    {"before_id": "x"}, {"history": "<b>"}, {"before": "", "before_id": "-1"}])
def test_odd_parameters_of_the_history_never_fail(alice, acme, params):
    history_actions.add_note(alice.membership, [acme.record], "Neue Lieferadresse")

    response = alice.client.get(reverse("companies:history", args=[acme.pk]), params, **HTMX)

    assert response.status_code == 200
    assert Entry.objects.count() == 1
