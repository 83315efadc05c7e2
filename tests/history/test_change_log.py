"""The change lines of a record read as what happened: items added to and removed from its lists
by name, dates in the reader's format, and no technical lines about task edits in its history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history.models import Activity, ActivityVerb
from kontor.history.templatetags.comment_tags import activity_text
from kontor.records import actions as record_actions
from kontor.tasks import actions as task_actions


@pytest.fixture
def people(alice):
    return [contact_actions.create_person(alice.membership, {"first_name": first, "last_name": last})
            for first, last in (("Jürgen", "Mueller-Lüdenscheidt"), ("Klaus", "Maier"), ("Eva", "Zorn"))]


@pytest.fixture
def deal(alice, people):
    return deal_actions.create_deal(alice.membership, {"name": "Relaunch"}, people=[people[0]])


def _last_change(record) -> str:
    return activity_text(Activity.objects.filter(record=record, verb=ActivityVerb.CHANGED).latest("pk"))


def test_adding_a_contact_says_contact_added_with_the_name(alice, deal, people):
    deal_actions.update_deal(deal, alice.membership, {}, people=[people[0], people[1]])
    assert _last_change(deal.record) == "Alice Adler changed Relaunch: Contact added: Klaus Maier"


def test_removing_and_adding_at_once_says_both(alice, deal, people):
    deal_actions.update_deal(deal, alice.membership, {}, people=[people[1], people[2]])
    assert _last_change(deal.record) == ("Alice Adler changed Relaunch: Contacts added: Klaus Maier, Eva Zorn; "
                                         "Contact removed: Jürgen Mueller-Lüdenscheidt")


def test_colleagues_and_tags_read_the_same_way(alice, bob, deal):
    deal_actions.update_deal(deal, alice.membership, {}, colleagues=[bob.user], tags=["Messe", "Web"])
    text = _last_change(deal.record)
    assert "Colleague added: Bob Berger" in text and "Tags added: Messe, Web" in text
    record_actions.set_tags(deal.record, ["Web"])  # a plain write: no line
    deal_actions.update_deal(deal, alice.membership, {}, tags=["Messe"])
    assert "Tag added: Messe" in _last_change(deal.record) and "Tag removed: Web" in _last_change(deal.record)


def test_a_date_reads_in_the_readers_format(alice, deal):
    deal_actions.update_deal(deal, alice.membership, {"target_date": dt.date(2026, 12, 11)})
    assert _last_change(deal.record) == "Alice Adler changed Relaunch: target date: – → Dec. 11, 2026"


def test_the_change_log_on_the_page_shows_the_added_contact(alice, deal, people):
    deal_actions.update_deal(deal, alice.membership, {}, people=[people[0], people[1]])
    html = alice.client.get(deal.get_absolute_url()).content.decode()
    assert "Contact added: Klaus Maier" in html
    assert "Mueller-Lüdenscheidt → " not in html


def test_moving_a_task_adds_no_line_to_the_records_history_but_reads_well_in_the_stream(alice, people):
    person = people[1]
    task = task_actions.create_task(alice.membership, {"title": "Call back", "due_date": dt.date(2030, 12, 4)},
                                    record=person.record)
    task_actions.postpone_task(task, alice.membership, 7)
    html = alice.client.get(person.get_absolute_url()).content.decode()
    assert "2030-12-04" not in html and "due date:" not in html  # only the task row's own datetime
    assert "moved the task" not in html and "changed the task" not in html
    stream = alice.client.get(reverse("start")).content.decode()
    assert "Alice Adler moved the task “Call back” to Dec. 11, 2030." in stream
