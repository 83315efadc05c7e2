"""The lines Kontor writes into a history itself are stored as facts and worded by whoever reads
them; lines stored as sentences by earlier versions are turned into such facts by a migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.history import activity
from kontor.history.models import Activity, ActivityVerb, Entry, EntryEvent
from kontor.projects import actions as project_actions
from kontor.search.models import Document
from kontor.tasks import actions as task_actions

migration = importlib.import_module("kontor.history.migrations.0009_system_lines_in_the_readers_language")


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Meier"})


def _old_done_line(persona, record, title: str, text: str) -> Entry:
    """What completing a task wrote before: a sentence in the writer's language, and its activity."""
    activity.record_activity(persona.membership, ActivityVerb.TASK_DONE, record, summary=title)
    return history_actions.add_note(persona.membership, [record], text, kind="call")


def _old_stage_note(persona, deal, subject: str, text: str, *, with_activity: bool) -> Entry:
    if with_activity:
        activity.record_activity(persona.membership, ActivityVerb.STATE, deal.record, changes={"stage": ["75", "won"]})
    return history_actions.add_note(persona.membership, [deal.record], text, subject=subject)


def test_german_and_english_done_lines_become_facts_with_their_description(alice, anna):
    german = _old_done_line(alice, anna.record, "Angebot nachfassen", "Erledigt: Angebot nachfassen\n\nRabatt?")
    english = _old_done_line(alice, anna.record, "Call back", "Done: Call back")
    migration.forwards(apps, None)
    german.refresh_from_db()
    english.refresh_from_db()
    assert (german.event, german.subject, german.body) == (EntryEvent.TASK_DONE, "Angebot nachfassen", "Rabatt?")
    assert (english.event, english.subject, english.body) == (EntryEvent.TASK_DONE, "Call back", "")
    assert german.kind == "call"


def test_a_note_someone_typed_as_done_stays_as_it_is(alice, anna):
    typed = history_actions.add_note(alice.membership, [anna.record], "Done: sent the brochure")
    migration.forwards(apps, None)
    typed.refresh_from_db()
    assert (typed.event, typed.subject, typed.body) == ("", "", "Done: sent the brochure")


def test_stage_notes_give_way_to_their_activity_line_in_either_language(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    _old_stage_note(alice, deal, "Angebot gewonnen", "Status von „75 %“ auf „gewonnen“ geändert.", with_activity=True)
    assert Document.objects.filter(kind="note").exists()
    migration.forwards(apps, None)
    assert not Entry.objects.exists() and not Document.objects.filter(kind="note").exists()
    lines = Activity.objects.filter(record=deal.record, verb=ActivityVerb.STATE)
    assert [line.changes for line in lines] == [{"stage": ["75", "won"]}]  # no second line


def test_a_stage_note_without_its_activity_line_becomes_one(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    note = _old_stage_note(alice, deal, "Chance changed", "State changed from 0 % to 25 %.", with_activity=False)
    migration.forwards(apps, None)
    assert not Entry.objects.filter(pk=note.pk).exists()
    line = Activity.objects.get(record=deal.record, verb=ActivityVerb.STATE)
    assert (line.changes, line.actor, line.created_at) == ({"stage": ["0", "25"]}, alice.user, note.happened_at)


def test_a_stage_note_colleagues_answered_stays(alice, bob):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    note = _old_stage_note(alice, deal, "Deal won", "State changed from 75 % to won.", with_activity=True)
    history_actions.add_comment(bob.membership, "Congratulations!", entry=note)
    migration.forwards(apps, None)
    assert Entry.objects.filter(pk=note.pk).exists()


def test_running_the_migration_twice_changes_nothing_more(alice, anna):
    _old_done_line(alice, anna.record, "Call back", "Done: Call back")
    migration.forwards(apps, None)
    before = list(Entry.objects.values_list("pk", "event", "subject", "body"))
    migration.forwards(apps, None)
    assert list(Entry.objects.values_list("pk", "event", "subject", "body")) == before


def test_a_done_line_is_worded_for_each_reader(alice, bob, anna):
    account_actions.update_profile(bob.user, bob.user.name, bob.user.email, "de", bob.user.time_zone)
    task = task_actions.create_task(alice.membership, {"title": "Call back", "description": "About the offer"},
                                    record=anna.record)
    task_actions.complete_task(task, alice.membership)
    assert "Erledigt: Call back" in bob.client.get(anna.get_absolute_url()).content.decode()
    assert "Done: Call back" in alice.client.get(anna.get_absolute_url()).content.decode()


def test_the_start_pages_latest_notes_leave_out_system_lines(alice, anna):
    history_actions.add_note(alice.membership, [anna.record], "Wants the catalogue in spring.")
    task = task_actions.create_task(alice.membership, {"title": "Call back"}, record=anna.record)
    task_actions.complete_task(task, alice.membership)
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    deal_actions.win_deal(deal, alice.membership)
    response = alice.client.get("/")
    assert [note.entry.body for note in response.context["notes"]] == ["Wants the catalogue in spring."]


def test_a_note_on_a_deal_and_its_project_names_the_shared_name_once(alice, django_assert_max_num_queries):
    deal = deal_actions.create_deal(alice.membership, {"name": "Beratung Prozessanalyse"})
    deal_actions.win_deal(deal, alice.membership)
    project = project_actions.create_project_from_deal(deal, alice.membership)
    history_actions.add_note(alice.membership, [deal.record, project.record], "Kick-off on Monday.")
    alice.client.get("/")
    with django_assert_max_num_queries(12):
        page = alice.client.get("/").content.decode()
    start = page.index('id="latest-notes"')
    card = page[start:page.index("</section>", start)]
    assert card.count(">Beratung Prozessanalyse</a>") == 1
    assert f'href="{project.get_absolute_url()}#entry-' in card  # the project continues the deal



def test_project_status_notes_and_the_project_created_line_become_facts(alice):
    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    status = history_actions.add_note(alice.membership, [project.record], "Status von „offen“ auf „abgeschlossen“ "
                                      "geändert.", subject="Projekt abgeschlossen")
    created = history_actions.add_note(alice.membership, [project.record], "The project “Relaunch” continues "
                                       "this deal.", subject="Project created")
    migration.forwards(apps, None)
    assert not Entry.objects.filter(pk=status.pk).exists()
    line = Activity.objects.get(record=project.record, verb=ActivityVerb.STATE)
    assert line.changes == {"status": ["open", "closed"]}
    created.refresh_from_db()
    assert (created.event, created.subject, created.body) == (EntryEvent.PROJECT_FROM_DEAL, "Relaunch", "")
    html = alice.client.get(project.get_absolute_url()).content.decode()
    assert "The project “Relaunch” continues this deal." in html
