"""The lists' "Name contains" filter folds umlauts, ß and accents as the quick search does."""

from __future__ import annotations

import pytest

from kontor.contacts import actions as contact_actions
from kontor.contacts.queries import filter_companies, filter_people
from kontor.deals import actions as deal_actions
from kontor.deals.queries import filter_deals


@pytest.fixture
def people(alice):
    names = [("Jürgen", "Müller"), ("Hans", "Mueller"), ("Anna", "Weiß"), ("Bernd", "Bauer")]
    return {last: contact_actions.create_person(alice.membership, {"first_name": first, "last_name": last})
            for first, last in names}


@pytest.mark.parametrize(("typed", "found"), [
    ("mueller", {"Müller", "Mueller"}),
    ("müller", {"Müller", "Mueller"}),
    ("MULLER", {"Müller"}),
    ("weiss", {"Weiß"}),
    ("weiß", {"Weiß"}),
    ("jurgen mull", {"Müller"}),
    ("bauer", {"Bauer"}),
    ("mü", {"Müller"}),  # too short for the folded index: matched as typed
])
def test_name_contains_folds_as_the_search_does(alice, people, typed, found):
    assert {p.last_name for p in filter_people(alice.account, q=typed)} == found


def test_the_people_list_page_finds_mueller_for_mueller(alice, people):
    page = alice.client.get("/people/", {"q": "mueller"}).content.decode()
    assert "Jürgen" in page and "Hans" in page and "Bernd" not in page


def test_companies_and_deals_fold_their_names_and_the_deals_company(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Schraubenwerk Süd AG"})
    deal_actions.create_deal(alice.membership, {"name": "Wartung"}, company=company)
    assert [c.name for c in filter_companies(alice.account, q="sued")] == ["Schraubenwerk Süd AG"]
    assert [d.name for d in filter_deals(alice.account, q="schraubenwerk sud")] == ["Wartung"]


def test_another_accounts_names_are_not_found(alice, oscar, people):
    contact_actions.create_person(oscar.membership, {"last_name": "Müller"})
    assert {p.account_id for p in filter_people(alice.account, q="mueller")} == {alice.account.pk}
