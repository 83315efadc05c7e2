"""Creating, changing, closing and deleting deals through the actions."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kontor.contacts import actions as contact_actions
from kontor.deals import actions
from kontor.deals.models import Deal, DealState
from kontor.history.models import Activity, ActivityVerb, Entry
from kontor.records.actions import StaleEdit, restore_record
from kontor.records.models import Watch


def _deal(persona, **fields):
    return actions.create_deal(persona.membership, {"name": "Relaunch", **fields})


def test_a_new_deal_is_open_at_zero_percent_in_the_accounts_currency(alice):
    deal = _deal(alice, value=Decimal("1500.50"))
    assert (deal.state, deal.probability, deal.currency) == (DealState.OPEN, 0, "EUR")
    assert deal.total_value == Decimal("1500.50")
    assert deal.record.responsible == alice.user
    assert deal.record.display_name == "Relaunch"
    assert Watch.objects.filter(record=deal.record, user=alice.user).exists()


def test_a_new_deal_takes_the_currency_the_account_uses(alice):
    alice.account.currency = "CHF"
    alice.account.save()
    assert _deal(alice).currency == "CHF"
    assert _deal(alice, currency="usd").currency == "USD"


def test_value_times_count_is_the_total(alice):
    deal = _deal(alice, value=Decimal("95.00"), value_type="hourly", value_count=40)
    assert deal.total_value == Decimal("3800.00")
    assert deal.total_cents == 380000
    assert deal.has_count


def test_a_total_value_always_counts_once(alice):
    deal = _deal(alice, value=Decimal("95.00"), value_type="total", value_count=40)
    assert deal.value_count == 1
    assert deal.total_value == Decimal("95.00")


def test_amounts_arrive_as_text_or_integers_too(alice):
    assert _deal(alice, value="1200.10").value == Decimal("1200.10")
    assert _deal(alice, value=7).value == Decimal("7")


AMOUNT = "Please enter an amount, e.g. 1500.00."
CURRENCY = "Please choose a currency by its three-letter ISO code, e.g. EUR."


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"name": "  "}, "name", "Please name the deal."),
    ({"value": Decimal("-1")}, "value", "The value cannot be negative."),
    ({"value": Decimal("1.005")}, "value", "Please enter the amount with at most two decimal places."),
    ({"value": 0.1}, "value", AMOUNT),  # a float: 0.1 cannot be held exactly
    ({"value": "zwölf"}, "value", AMOUNT),
    ({"value": Decimal("NaN")}, "value", AMOUNT),
    ({"value": Decimal("1000000000000")}, "value", "This value is too large."),
    ({"value": Decimal("9999999.00"), "value_type": "hourly", "value_count": 1_000_000}, "value",
     "The total of this deal is too large."),
    ({"value_type": "yearly"}, "value_type", "Please choose total, per month, per day or per hour."),
    ({"value_type": "hourly", "value_count": 0}, "value_count", "Please enter a whole number from 1 to 1,000,000."),
    ({"currency": "XXX"}, "currency", CURRENCY),
    ({"currency": "EURO"}, "currency", CURRENCY),
    ({"colour": "red"}, "colour", "Unknown field."),
])
def test_bad_input_is_refused_by_field_and_nothing_is_created(alice, fields, field, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as error:
        actions.create_deal(alice.membership, {"name": "Relaunch", **fields})
    assert field in error.value.message_dict
    assert not Deal.objects.exists()


def test_an_unknown_state_is_refused(alice):
    with pytest.raises(ValidationError, match="Please choose 0, 25, 50 or 75 %, won or lost") as error:
        actions.create_deal(alice.membership, {"name": "Relaunch"}, stage="90")
    assert "state" in error.value.message_dict
    assert not Deal.objects.exists()


def test_a_deal_links_a_company_contact_persons_and_colleagues(alice, bob):
    company = contact_actions.create_company(alice.membership, {"name": "Nordlicht GmbH"})
    anna = contact_actions.create_person(alice.membership, {"last_name": "Berg"})
    deal = actions.create_deal(alice.membership, {"name": "Relaunch"}, company=company, people=[anna],
                               colleagues=[bob.user], tags=["Messe"], responsible=bob.user)
    assert deal.company == company
    assert list(deal.people.all()) == [anna]
    assert list(deal.colleagues.all()) == [bob.user]
    assert [t.name for t in deal.record.tags.all()] == ["Messe"]
    assert deal.record.responsible == bob.user
    assert list(anna.deals.all()) == [deal]


def test_another_accounts_company_people_or_users_cannot_be_linked(alice, oscar):
    foreign_company = contact_actions.create_company(oscar.membership, {"name": "Outsider AG"})
    foreign_person = contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    for links, message in (({"company": foreign_company}, "Unknown company."),
                           ({"people": [foreign_person]}, "Unknown person."),
                           ({"colleagues": [oscar.user]}, "Only active colleagues of this team can be involved.")):
        with pytest.raises(ValidationError, match=re.escape(message)):
            actions.create_deal(alice.membership, {"name": "Relaunch"}, **links)
    assert not Deal.objects.exists()


def test_a_change_of_chance_is_written_into_the_history_as_one_line_and_no_note(alice):
    deal = _deal(alice)
    assert actions.change_stage(deal, alice.membership, "25")
    assert actions.change_stage(deal, alice.membership, "75")
    deal.refresh_from_db()
    assert (deal.state, deal.probability, deal.closed_at) == (DealState.OPEN, 75, None)
    lines = Activity.objects.filter(record=deal.record, verb=ActivityVerb.STATE).order_by("pk")
    assert [line.changes for line in lines] == [{"stage": ["0", "25"]}, {"stage": ["25", "75"]}]
    assert not Entry.objects.filter(records=deal.record).exists()
    assert deal.record.version == 3


def test_winning_records_when_and_keeps_the_last_chance_for_a_reopening(alice):
    deal = _deal(alice)
    actions.change_stage(deal, alice.membership, "50")
    assert actions.win_deal(deal, alice.membership)
    deal.refresh_from_db()
    assert deal.is_won and deal.closed_at is not None
    assert deal.stage == "won" and deal.probability == 50
    assert Activity.objects.filter(record=deal.record, verb=ActivityVerb.STATE, changes__stage__1="won").exists()
    actions.change_stage(deal, alice.membership, "25")
    deal.refresh_from_db()
    assert deal.is_open and deal.closed_at is None and deal.probability == 25
    assert Activity.objects.filter(record=deal.record, verb=ActivityVerb.STATE,
                                   changes={"stage": ["won", "25"]}).exists()


def test_losing_records_when(alice):
    deal = _deal(alice)
    assert actions.lose_deal(deal, alice.membership)
    deal.refresh_from_db()
    assert deal.is_lost and deal.closed_at is not None
    assert deal.weighted_value == Decimal("0.00")


def test_clicking_the_current_state_changes_nothing(alice):
    deal = _deal(alice)
    assert not actions.change_stage(deal, alice.membership, "0")
    deal.refresh_from_db()
    assert deal.record.version == 1
    assert not Entry.objects.exists()


def test_an_unknown_state_changes_nothing(alice):
    deal = _deal(alice)
    with pytest.raises(ValidationError, match="Please choose 0, 25, 50 or 75 %, won or lost"):
        actions.change_stage(deal, alice.membership, "won!")
    deal.refresh_from_db()
    assert deal.stage == "0" and deal.record.version == 1


def test_a_member_may_change_the_state(carol):
    deal = _deal(carol)
    assert actions.win_deal(deal, carol.membership)


def test_an_edit_from_an_older_version_is_refused(alice, bob):
    deal = _deal(alice, value=Decimal("100"))
    actions.update_deal(Deal.objects.get(pk=deal.pk), bob.membership, {"value": Decimal("200")}, version=1)
    with pytest.raises(StaleEdit, match="Someone else changed this in the meantime"):
        actions.update_deal(Deal.objects.get(pk=deal.pk), alice.membership, {"value": Decimal("300")}, version=1)
    deal.refresh_from_db()
    assert deal.value == Decimal("200.00")
    assert deal.record.version == 2


def test_an_update_changes_only_what_it_is_given(alice, bob):
    company = contact_actions.create_company(alice.membership, {"name": "Nordlicht GmbH"})
    deal = actions.create_deal(alice.membership, {"name": "Relaunch", "target_date": dt.date(2027, 1, 1)},
                               company=company, colleagues=[bob.user])
    actions.update_deal(deal, alice.membership, {"name": "Relaunch 2"}, stage="won")
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.name == "Relaunch 2" and deal.record.display_name == "Relaunch 2"
    assert deal.company == company and list(deal.colleagues.all()) == [bob.user]
    assert deal.target_date == dt.date(2027, 1, 1)
    assert deal.is_won
    assert Activity.objects.filter(record=deal.record, verb=ActivityVerb.STATE, changes__stage__1="won").exists()
    actions.update_deal(deal, alice.membership, {}, company=None, responsible=None)
    deal = Deal.objects.get(pk=deal.pk)
    assert deal.company is None and deal.record.responsible is None


def test_a_member_cannot_delete_a_deal(carol):
    deal = _deal(carol)
    with pytest.raises(PermissionDenied, match="Your role does not allow deleting records"):
        actions.delete_deal(deal, carol.membership)
    deal.record.refresh_from_db()
    assert deal.record.deleted_at is None


def test_a_power_user_moves_a_deal_to_the_trash_and_back(alice, bob):
    deal = _deal(alice)
    actions.delete_deal(deal, bob.membership)
    assert not Deal.objects.alive().exists()
    restore_record(deal.record, bob.membership)
    assert Deal.objects.alive().get() == deal


def test_weighted_value_rounds_to_the_cent(alice):
    deal = actions.create_deal(alice.membership, {"name": "Tiny", "value": Decimal("0.01")}, stage="25")
    assert deal.weighted_value == Decimal("0.00")
    deal = actions.create_deal(alice.membership, {"name": "Small", "value": Decimal("0.02")}, stage="75")
    assert deal.weighted_value == Decimal("0.02")
