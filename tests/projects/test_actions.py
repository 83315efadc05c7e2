"""Projects: creating and changing them, and won deals that become projects."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.history.models import Activity, ActivityVerb, Entry
from kontor.projects import actions
from kontor.projects.models import Project, ProjectStatus
from kontor.projects.queries import project_timeline
from kontor.records.actions import StaleEdit, trash_record


@pytest.fixture
def won_deal(alice, bob):
    company = contact_actions.create_company(alice.membership, {"name": "Nordlicht GmbH"})
    anna = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Berg"})
    deal = deal_actions.create_deal(
        alice.membership, {"name": "Website relaunch", "value": Decimal("12000"), "description": "Shop and blog"},
        stage="75", company=company, people=[anna], colleagues=[bob.user], tags=["Web", "Messe"],
        responsible=bob.user)
    deal_actions.win_deal(deal, alice.membership)
    return deal


def test_a_new_project_has_its_own_email_address(alice, settings):
    settings.MAIL_DOMAIN = "crm.example.com"
    first = actions.create_project(alice.membership, {"name": "Relaunch"})
    second = actions.create_project(alice.membership, {"name": "Relaunch"})
    assert first.status == ProjectStatus.STARTING
    assert first.email_address.endswith("@crm.example.com")
    assert first.email_address.startswith("project-")
    assert first.mail_token != second.mail_token
    assert len(first.mail_token) == 16


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"name": ""}, "name", "Please name the project."),
    ({"status": "paused"}, "status", "Please choose starting, open or closed."),
    ({"start_date": dt.date(2027, 2, 1), "end_date": dt.date(2027, 1, 31)}, "end_date",
     "The end cannot be before the start."),
    ({"mail_token": "mine"}, "mail_token", "Unknown field."),
])
def test_bad_input_is_refused_and_nothing_is_created(alice, fields, field, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as error:
        actions.create_project(alice.membership, {"name": "Relaunch", **fields})
    assert field in error.value.message_dict
    assert not Project.objects.exists()


def test_a_won_deal_becomes_a_project_with_its_name_company_people_team_tags_and_description(alice, bob, won_deal):
    project = actions.create_project_from_deal(won_deal, alice.membership)
    assert project.deal == won_deal
    assert (project.name, project.description) == ("Website relaunch", "Shop and blog")
    assert project.company == won_deal.company
    assert list(project.people.all()) == list(won_deal.people.all())
    assert list(project.colleagues.all()) == [bob.user]
    assert sorted(t.name for t in project.record.tags.all()) == ["Messe", "Web"]
    assert project.record.responsible == bob.user
    assert project.status == ProjectStatus.STARTING


def test_asking_twice_gives_the_same_project(alice, bob, won_deal):
    first = actions.create_project_from_deal(won_deal, alice.membership)
    second = actions.create_project_from_deal(won_deal, bob.membership)
    assert first == second
    assert Project.objects.count() == 1


def test_a_trashed_project_does_not_stop_a_new_one(alice, won_deal):
    first = actions.create_project_from_deal(won_deal, alice.membership)
    trash_record(first.record, alice.membership)
    assert actions.create_project_from_deal(won_deal, alice.membership) != first


def test_only_a_won_deal_becomes_a_project(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Maybe"}, stage="75")
    with pytest.raises(ValidationError, match="Only a won deal can become a project"):
        actions.create_project_from_deal(deal, alice.membership)
    assert not Project.objects.exists()


def test_another_accounts_deal_cannot_become_a_project_here(oscar, won_deal):
    with pytest.raises(PermissionDenied, match=r"^$"):
        actions.create_project_from_deal(won_deal, oscar.membership)
    assert not Project.objects.exists()


def test_the_project_shows_the_deals_history_without_copying_it(alice, carol, won_deal):
    project = actions.create_project_from_deal(won_deal, alice.membership)
    on_deal = history_actions.add_note(alice.membership, [won_deal.record], "Offer sent")
    secret = history_actions.add_note(alice.membership, [won_deal.record], "Their budget", confidential=True)
    on_project = history_actions.add_note(alice.membership, [project.record], "Kick-off on Monday")
    entries = project_timeline(project, alice.membership)
    bodies = [entry.body for entry in entries]
    assert bodies[:3] == ["Kick-off on Monday", "Their budget", "Offer sent"]
    # The "project created" line (on both records, shown once) comes from the deal; "won" is an
    # activity line, no entry.
    assert len(bodies) == len({entry.pk for entry in entries}) == 4
    assert {e.pk: e.shown_on for e in entries}[on_deal.pk] == won_deal.record
    assert {e.pk: e.shown_on for e in entries}[on_project.pk] == project.record
    assert secret.pk not in [e.pk for e in project_timeline(project, carol.membership)]
    assert Entry.objects.count() == 4  # nothing was copied: three notes and "project created"


def test_the_deals_history_leaves_the_project_when_the_deal_goes_to_the_trash(alice, won_deal):
    project = actions.create_project_from_deal(won_deal, alice.membership)
    history_actions.add_note(alice.membership, [won_deal.record], "Offer sent")
    trash_record(won_deal.record, alice.membership)
    assert "Offer sent" not in [e.body for e in project_timeline(project, alice.membership)]


def test_the_timeline_pages_back_with_a_keyset(alice, won_deal):
    project = actions.create_project_from_deal(won_deal, alice.membership)
    for number in range(5):
        history_actions.add_note(alice.membership, [won_deal.record if number % 2 else project.record],
                                 f"Note {number}")
    first = project_timeline(project, alice.membership, limit=4)
    assert first.has_more
    last = first[-1]
    rest = project_timeline(project, alice.membership, limit=4, before=last.happened_at, before_id=last.pk)
    assert not rest.has_more
    assert len(first) + len(rest) == 6  # the five notes and "project created" ("won" is an activity line)
    assert not {e.pk for e in first} & {e.pk for e in rest}


def test_a_status_change_is_written_into_the_history(alice):
    project = actions.create_project(alice.membership, {"name": "Relaunch"})
    assert actions.change_status(project, alice.membership, ProjectStatus.OPEN)
    assert not actions.change_status(project, alice.membership, ProjectStatus.OPEN)
    assert actions.change_status(project, alice.membership, ProjectStatus.CLOSED)
    lines = Activity.objects.filter(record=project.record, verb=ActivityVerb.STATE).order_by("pk")
    assert [line.changes for line in lines] == [{"status": ["starting", "open"]}, {"status": ["open", "closed"]}]
    assert not Entry.objects.exists()  # one line each, no note besides it
    with pytest.raises(ValidationError, match="Please choose starting, open or closed"):
        actions.change_status(project, alice.membership, "archived")
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED


def test_an_edit_from_an_older_version_is_refused(alice, bob):
    project = actions.create_project(alice.membership, {"name": "Relaunch"})
    actions.update_project(Project.objects.get(pk=project.pk), bob.membership, {"name": "Bob's"}, version=1)
    with pytest.raises(StaleEdit, match="Someone else changed this in the meantime"):
        actions.update_project(Project.objects.get(pk=project.pk), alice.membership, {"name": "Alice's"},
                               version=1)
    assert Project.objects.get().name == "Bob's"


def test_a_member_cannot_delete_a_project(alice, carol):
    project = actions.create_project(carol.membership, {"name": "Relaunch"})
    with pytest.raises(PermissionDenied, match="Your role does not allow deleting records"):
        actions.delete_project(project, carol.membership)
    assert Project.objects.alive().exists()
    actions.delete_project(project, alice.membership)
    assert not Project.objects.alive().exists()


def test_other_accounts_people_cannot_join_a_project(alice, oscar):
    stranger = contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    with pytest.raises(ValidationError, match="Unknown person"):
        actions.create_project(alice.membership, {"name": "Relaunch"}, people=[stranger])
    with pytest.raises(ValidationError, match="Only active colleagues of this team can be involved"):
        actions.create_project(alice.membership, {"name": "Relaunch"}, colleagues=[oscar.user])
    assert not Project.objects.exists()
