"""The deals card on company and person pages."""

from __future__ import annotations

import pytest

from kontor.contacts import actions as contact_actions
from kontor.deals import actions
from kontor.records.actions import trash_record


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Nordlicht GmbH"})


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Berg"})


def test_a_company_page_shows_its_deals_and_starts_new_ones_with_the_company(alice, firm):
    actions.create_deal(alice.membership, {"name": "Relaunch"}, stage="75", company=firm)
    html = alice.client.get(f"/companies/{firm.pk}/").content.decode()
    assert 'data-testid="record-deals"' in html and "Relaunch" in html and "75 %" in html
    assert f'href="/deals/new/?company={firm.pk}"' in html


def test_a_person_page_shows_the_deals_they_are_a_contact_person_of(alice, firm, anna):
    actions.create_deal(alice.membership, {"name": "Relaunch"}, company=firm, people=[anna])
    actions.create_deal(alice.membership, {"name": "Someone else's"}, company=firm)
    html = alice.client.get(f"/people/{anna.pk}/").content.decode()
    assert "Relaunch" in html and "Someone else's" not in html and "Nordlicht GmbH" in html
    assert f'href="/deals/new/?person={anna.pk}"' in html


def test_open_deals_come_first_and_many_link_to_the_filtered_overview(alice, firm):
    actions.create_deal(alice.membership, {"name": "Closed one"}, stage="lost", company=firm)
    for number in range(10):
        actions.create_deal(alice.membership, {"name": f"Open {number}"}, stage="25", company=firm)
    html = alice.client.get(f"/companies/{firm.pk}/").content.decode()
    assert "Closed one" not in html
    assert f'href="/deals/?company={firm.pk}"' in html
    overview = alice.client.get(f"/deals/?company={firm.pk}").content.decode()
    assert "Closed one" in overview and "with Nordlicht GmbH" in overview


def test_deals_in_the_trash_leave_the_card(alice, firm):
    deal = actions.create_deal(alice.membership, {"name": "Relaunch"}, company=firm)
    trash_record(deal.record, alice.membership)
    html = alice.client.get(f"/companies/{firm.pk}/").content.decode()
    assert "Relaunch" not in html and "No deals yet." in html
