"""The activity stream: creation, changes with a field diff, trash and restore, state changes and
assignments are recorded, shown in the record's history as small lines and on the start page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.deals.models import Deal
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.history import activity
from kontor.history.models import Activity, ActivityVerb
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions
from kontor.tasks import actions as task_actions


def _verbs(record) -> list[str]:
    return list(Activity.objects.filter(record=record).order_by("pk").values_list("verb", flat=True))


def test_creating_and_changing_a_person_is_recorded_with_a_diff(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier", "title": ""})
    contact_actions.update_person(person, alice.membership, {"last_name": "Maier", "title": "Dr."})
    assert _verbs(person.record) == [ActivityVerb.CREATED, ActivityVerb.CHANGED]
    change = Activity.objects.get(verb=ActivityVerb.CHANGED)
    assert change.changes == {"last_name": ["Meier", "Maier"], "title": ["", "Dr."]}
    assert change.actor == alice.user


def test_saving_without_changes_records_nothing(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier"})
    contact_actions.update_person(person, alice.membership, {"last_name": "Meier"})
    assert _verbs(person.record) == [ActivityVerb.CREATED]


def test_trash_and_restore_are_recorded(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Alt GmbH"})
    record_actions.trash_record(company.record, alice.membership)
    record_actions.restore_record(company.record, alice.membership)
    assert _verbs(company.record) == [ActivityVerb.CREATED, ActivityVerb.DELETED, ActivityVerb.RESTORED]


def test_a_member_who_may_not_delete_leaves_no_activity(alice, carol):
    company = contact_actions.create_company(alice.membership, {"name": "Bleibt GmbH"})
    with pytest.raises(PermissionDenied, match=r"^Your role does not allow deleting records\.$"):
        record_actions.trash_record(company.record, carol.membership)
    assert _verbs(company.record) == [ActivityVerb.CREATED]


def test_deal_state_changes_are_recorded(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    deal_actions.change_stage(deal, alice.membership, "50")
    deal_actions.win_deal(deal, alice.membership)
    states = Activity.objects.filter(record=deal.record, verb=ActivityVerb.STATE).order_by("pk")
    assert [a.changes["stage"] for a in states] == [["0", "50"], ["50", "won"]]


def test_assigning_a_task_to_a_colleague_is_recorded(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    task_actions.create_task(alice.membership, {"title": "Call"}, record=person.record, assignee=bob.user)
    assigned = Activity.objects.get(verb=ActivityVerb.ASSIGNED)
    assert (assigned.record, assigned.subject_user, assigned.summary) == (person.record, bob.user, "Call")


def test_activities_show_as_small_lines_in_the_record_history(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier"})
    contact_actions.update_person(person, alice.membership, {"last_name": "Maier"})
    html = bob.client.get(person.get_absolute_url()).content.decode()
    assert 'class="activity-line"' in html
    assert "Alice Adler changed Maier: last name: Meier → Maier" in html
    assert "Alice Adler created Maier." in html


def test_the_start_page_shows_the_team_stream_and_what_i_follow(alice, bob):
    followed = contact_actions.create_person(alice.membership, {"last_name": "Gefolgt"})
    contact_actions.create_person(alice.membership, {"last_name": "Andere"})
    record_actions.watch(followed.record, bob.user)
    everyone = bob.client.get(reverse("start")).content.decode()
    assert "Alice Adler created Gefolgt." in everyone and "Alice Adler created Andere." in everyone
    mine = bob.client.get(reverse("start") + "?stream=following").content.decode()
    assert "Alice Adler created Gefolgt." in mine and "Andere" not in mine.split('id="team-activity"')[1]


def test_the_start_page_lists_my_tasks_today_and_overdue_and_deals_due_soon(alice):
    today = timezone.localdate()
    contact_actions.create_person(alice.membership, {"last_name": "Irgendwer"})
    task_actions.create_task(alice.membership, {"title": "Due today", "due_date": today})
    task_actions.create_task(alice.membership, {"title": "Overdue one", "due_date": today - dt.timedelta(days=2)})
    task_actions.create_task(alice.membership, {"title": "Next month", "due_date": today + dt.timedelta(days=30)})
    deal_actions.create_deal(alice.membership, {"name": "Soon", "target_date": today + dt.timedelta(days=5)})
    deal_actions.create_deal(alice.membership, {"name": "Much later", "target_date": today + dt.timedelta(days=60)})
    html = alice.client.get(reverse("start")).content.decode()
    my_tasks = html.split('id="my-tasks-today"')[1].split('id="deals-due-soon"')[0]
    assert "Due today" in my_tasks and "Overdue one" in my_tasks and "Next month" not in my_tasks
    section = html.split('id="deals-due-soon"')[1]
    assert "Soon" in section and "Much later" not in section


def test_the_stream_of_another_account_stays_apart(alice, oscar):
    contact_actions.create_person(alice.membership, {"last_name": "Geheim"})
    assert not activity.stream(oscar.membership).exists()


def test_changing_a_deal_records_the_changed_fields_only(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch", "value": "12000"})
    deal_actions.update_deal(deal, alice.membership, {"name": "Relaunch 2027", "value": "12000.00"})
    change = Activity.objects.get(record=deal.record, verb=ActivityVerb.CHANGED)
    assert change.changes == {"name": ["Relaunch", "Relaunch 2027"]}


def test_changing_a_project_records_a_diff(alice):
    project = project_actions.create_project(alice.membership, {"name": "Website"})
    project_actions.update_project(project, alice.membership, {"name": "Website", "description": "New shop"})
    change = Activity.objects.get(record=project.record, verb=ActivityVerb.CHANGED)
    assert change.changes == {"description": ["", "New shop"]}


def _changes(record) -> list[dict]:
    return [a.changes for a in Activity.objects.filter(record=record, verb=ActivityVerb.CHANGED).order_by("pk")]


def test_tagging_and_untagging_on_the_record_page_is_recorded(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"}, tags=["Kunde"])
    record_actions.add_tags(person.record, ["VIP", "Berlin"], alice.membership)
    record_actions.remove_tag(person.record, person.record.tags.get(name="Kunde"), alice.membership)
    record_actions.add_tags(person.record, ["vip"], alice.membership)  # already there: no line
    assert _changes(person.record) == [{"tags": ["Kunde", "Berlin, Kunde, VIP"]},
                                       {"tags": ["Berlin, Kunde, VIP", "Berlin, VIP"]}]


def test_a_new_responsible_colleague_and_new_tags_are_part_of_the_diff(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    contact_actions.update_person(person, alice.membership, {"last_name": "Kunz"}, responsible=bob.user,
                                  tags=["Kunde"])
    assert _changes(person.record) == [{"responsible": ["Alice Adler", "Bob Berger"], "tags": ["", "Kunde"]}]


def test_changed_contact_details_addresses_and_positions_are_recorded(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Müller GmbH"})
    person = contact_actions.create_person(
        alice.membership, {"last_name": "Kunz"},
        details=contact_actions.Details(contact=[contact_actions.DetailData("email", "kunz@example.com")]))
    contact_actions.update_person(person, alice.membership, {"last_name": "Kunz"}, details=contact_actions.Details(
        contact=[contact_actions.DetailData("email", "kunz@example.com"),
                 contact_actions.DetailData("phone", "+49 30 1234567")],
        addresses=[contact_actions.AddressData(street="Hauptstraße 1", zip="10115", city="Berlin")],
        positions=[contact_actions.PositionData(company=company, job_title="Einkauf")]))
    assert _changes(person.record) == [{
        "contact_details": ["kunz@example.com", "kunz@example.com; +49 30 1234567"],
        "addresses": ["", "Hauptstraße 1, 10115 Berlin"],
        "positions": ["", "Einkauf, Müller GmbH"]}]


def test_emptying_a_list_that_was_empty_records_nothing(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    contact_actions.update_person(person, alice.membership, {"last_name": "Kunz"},
                                  details=contact_actions.Details(contact=[]))
    assert _changes(person.record) == []


def test_a_deals_company_and_contact_persons_are_part_of_the_diff(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Müller GmbH"})
    anna = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Kunz"})
    created = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    # as a page loads it: a prefetch of the people before the change must not hide the new ones
    deal = Deal.objects.prefetch_related("people", "colleagues").select_related("record").get(pk=created.pk)
    deal_actions.update_deal(deal, alice.membership, {"name": "Relaunch"}, company=company, people=[anna])
    assert _changes(deal.record) == [{"company": ["", "Müller GmbH"], "people": ["", "Anna Kunz"]}]


def test_handing_records_to_a_colleague_leaves_a_line_on_each(alice, bob, dave):
    first = contact_actions.create_person(bob.membership, {"last_name": "Eins"})
    second = contact_actions.create_company(bob.membership, {"name": "Zwei GmbH"})
    account_actions.hand_over_records(bob.membership, dave.membership, alice.membership)
    for record in (first.record, second.record):
        change = Activity.objects.get(record=record, verb=ActivityVerb.CHANGED)
        assert change.changes == {"responsible": ["Bob Berger", "Dave Dietrich"]}
        assert change.actor == alice.user


def test_files_added_deleted_and_brought_back_are_recorded(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    stored = file_actions.upload_files(bob.membership, [_pdf("Angebot.pdf"), _pdf("AGB.pdf")], record=person.record)
    file_actions.delete_file(stored[0], bob.membership)
    file_actions.restore_file(stored[0], bob.membership)
    lines = Activity.objects.filter(record=person.record).exclude(verb=ActivityVerb.CREATED).order_by("pk")
    assert [(a.verb, a.summary, a.actor) for a in lines] == [
        (ActivityVerb.FILE_ADDED, "Angebot.pdf, AGB.pdf", bob.user),
        (ActivityVerb.FILE_DELETED, "Angebot.pdf", bob.user),
        (ActivityVerb.FILE_RESTORED, "Angebot.pdf", bob.user)]
    html = alice.client.get(person.get_absolute_url()).content.decode()
    assert "Bob Berger added 2 files to Kunz: Angebot.pdf, AGB.pdf." in html
    assert "Bob Berger deleted the file “Angebot.pdf” from Kunz." in html


def test_a_file_on_a_confidential_note_leaves_no_line_that_members_could_read(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    secret = history_actions.add_note(bob.membership, [person.record], "Salary", confidential=True)
    file_actions.upload_files(bob.membership, [_pdf("salary.pdf")], entry=secret)
    assert not Activity.objects.filter(verb=ActivityVerb.FILE_ADDED).exists()


def test_activity_lines_read_in_german(alice, bob):
    account_actions.update_profile(bob.user, bob.user.name, bob.user.email, "de", "Europe/Berlin")
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    record_actions.add_tags(person.record, ["Kunde"], alice.membership)
    file_actions.upload_files(alice.membership, [_pdf("Angebot.pdf")], record=person.record)
    html = bob.client.get(person.get_absolute_url()).content.decode()
    assert "Alice Adler hat Kunz geändert: " in html and ": Kunde" in html  # "Tag hinzugefügt: Kunde"
    assert "Alice Adler hat die Datei „Angebot.pdf“ zu Kunz hinzugefügt." in html


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_a_tasks_life_is_recorded_on_its_record(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    task = task_actions.create_task(alice.membership, {"title": "Call back"}, record=person.record)
    task_actions.update_task(task, alice.membership, {"type": "call", "due_date": dt.date(2027, 1, 4)})
    task_actions.postpone_task(task, alice.membership, 7)
    task_actions.complete_task(task, alice.membership)
    task_actions.reopen_task(task, alice.membership)
    task_actions.delete_task(task, alice.membership)
    lines = Activity.objects.filter(record=person.record).exclude(verb=ActivityVerb.CREATED).order_by("pk")
    assert [(a.verb, a.summary, a.changes) for a in lines] == [
        (ActivityVerb.TASK_CREATED, "Call back", {}),
        (ActivityVerb.TASK_CHANGED, "Call back", {"type": ["task", "call"], "due_date": [None, "2027-01-04"]}),
        (ActivityVerb.TASK_CHANGED, "Call back", {"due_date": ["2027-01-04", "2027-01-11"]}),
        (ActivityVerb.TASK_DONE, "Call back", {}),
        (ActivityVerb.TASK_REOPENED, "Call back", {}),
        (ActivityVerb.TASK_DELETED, "Call back", {})]


def test_task_lines_read_as_sentences_and_completion_shows_once_in_the_history(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    task = task_actions.create_task(alice.membership, {"title": "Call back"}, record=person.record)
    task_actions.update_task(task, alice.membership, {"type": "call", "due_date": dt.date(2027, 1, 4)})
    task_actions.complete_task(task, alice.membership)
    task_actions.postpone_task(task, alice.membership, 7)
    html = bob.client.get(person.get_absolute_url()).content.decode()
    assert "Alice Adler created the task “Call back”." in html
    assert "changed the task" not in html and "moved the task" not in html  # the task section shows it
    assert "2027-01-04" not in html
    assert "Done: Call back" in html  # the entry says it; no second, grey line
    assert "completed the task" not in html
    stream = bob.client.get(reverse("start")).content.decode()
    assert "Alice Adler completed the task “Call back”." in stream
    assert "Alice Adler changed the task “Call back”: type: Task → Call; due date: – → Jan. 4, 2027" in stream
    assert "Alice Adler moved the task “Call back” to Jan. 11, 2027." in stream


def test_a_task_of_its_own_shows_in_the_stream(alice, bob):
    contact_actions.create_person(alice.membership, {"last_name": "Kunz"})  # past the first-steps page
    task_actions.create_task(alice.membership, {"title": "Order business cards"})
    assert Activity.objects.get(verb=ActivityVerb.TASK_CREATED).record is None
    assert "Alice Adler created the task “Order business cards”." in bob.client.get(reverse("start")).content.decode()


def test_choices_in_a_diff_read_as_their_labels(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    contact_actions.update_person(person, alice.membership, {"last_name": "Kunz", "gender": "female"})
    html = bob.client.get(person.get_absolute_url()).content.decode()
    assert "gender: – → female" in html


def test_a_deleted_note_leaves_a_line_on_each_of_its_records(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    company = contact_actions.create_company(alice.membership, {"name": "Kunz GmbH"})
    call = history_actions.add_note(bob.membership, [person.record, company.record], "Called about the offer\nmore",
                                    kind="call")
    history_actions.delete_note(call, bob.membership)
    for record in (person.record, company.record):
        line = Activity.objects.get(record=record, verb=ActivityVerb.NOTE_DELETED)
        assert (line.actor, line.summary) == (bob.user, "Called about the offer")
    html = alice.client.get(person.get_absolute_url()).content.decode()
    assert "Bob Berger deleted the report of a call: “Called about the offer”" in html


def test_a_deleted_confidential_note_leaves_no_line(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    secret = history_actions.add_note(bob.membership, [person.record], "Salary", confidential=True)
    history_actions.delete_note(secret, bob.membership)
    assert not Activity.objects.filter(verb=ActivityVerb.NOTE_DELETED).exists()


def test_an_update_reads_only_what_it_changes_for_the_diff(alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    with CaptureQueriesContext(connection) as captured:
        deal_actions.update_deal(deal, alice.membership, {"name": "Relaunch 2027"})
        contact_actions.update_person(person, alice.membership, {"last_name": "Kunze"})
    read = " ".join(query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT"))
    # (nor by the search index, which writes only the new title when the searched text stays)
    for table in ("deals_deal_people", "deals_deal_colleagues", "records_recordtag", "contacts_address",
                  "contacts_position", "contacts_contactdetail", "contacts_assistant"):
        assert table not in read, f"{table} was read for a diff of the name alone"
    assert _changes(deal.record) == [{"name": ["Relaunch", "Relaunch 2027"]}]


def test_a_deleted_e_mail_is_named_by_its_plain_text(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    mail = history_actions.add_note(bob.membership, [person.record], "<p>Guten Tag &amp; danke</p>\n<p>Mehr</p>",
                                    kind="email")
    history_actions.delete_note(mail, bob.membership)
    assert Activity.objects.get(verb=ActivityVerb.NOTE_DELETED).summary == "Guten Tag & danke"
