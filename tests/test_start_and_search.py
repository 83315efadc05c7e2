"""The start page. (The search has its own tests in tests/search/.)"""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.records import actions as record_actions
from kontor.records.models import Record
from kontor.tasks import actions as task_actions

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
    with django_assert_max_num_queries(9):  # 3 of them for the activity stream, my tasks, deals due
        response = alice.client.get(reverse("start"))
    assert response.content.decode().count('<li class="entry') == 10


def test_start_shows_only_the_own_account(alice, oscar):
    person = contact_actions.create_person(alice.membership, {"last_name": "Geheim"})
    history_actions.add_note(alice.membership, [person.record], "Internal matter")
    html = oscar.client.get(reverse("start")).content.decode()
    assert "Geheim" not in html and "Internal matter" not in html


def test_recently_changed_are_the_ten_newest_of_people_and_companies_together(alice, oscar):
    made = [contact_actions.create_person(alice.membership, {"last_name": f"Person {n:02d}"}).record
            for n in range(9)]
    made += [contact_actions.create_company(alice.membership, {"name": f"Firma {n:02d}"}).record for n in range(4)]
    contact_actions.create_person(oscar.membership, {"last_name": "Fremd"})
    # Interleave the kinds in time: a company changed last, another third from last.
    base = timezone.now() - dt.timedelta(days=1)
    order = [made[9], made[0], made[10], made[1], made[2], made[3], made[11], made[4], made[5], made[6],
             made[12], made[7], made[8]]  # newest first
    for age, record in enumerate(order):
        Record.objects.filter(pk=record.pk).update(updated_at=base - dt.timedelta(minutes=age))
    record_actions.trash_record(made[0], alice.membership)  # trashing changes it, but it is gone
    page = alice.client.get(reverse("start")).content.decode()
    card = page[page.index('id="recently-changed"'):]
    card = card[:card.index("</section>")]
    shown = re.findall(r'class="name" href="[^"]+">([^<]+)</a>', card)
    expected = [record.display_name for record in order if record != made[0]][:10]
    assert shown == expected
    assert "Fremd" not in card


def test_my_tasks_for_today_leave_out_those_of_records_in_the_trash(alice):
    kept = contact_actions.create_person(alice.membership, {"last_name": "Bleibt"})
    gone = contact_actions.create_person(alice.membership, {"last_name": "Weg"})
    today = timezone.localdate()
    task_actions.create_task(alice.membership, {"title": "Call Bleibt", "due_date": today}, record=kept.record)
    task_actions.create_task(alice.membership, {"title": "Call Weg", "due_date": today}, record=gone.record)
    task_actions.create_task(alice.membership, {"title": "Standalone", "due_date": today})
    record_actions.trash_record(gone.record, alice.membership)
    page = alice.client.get(reverse("start")).content.decode()
    tasks = page.split('id="my-tasks-today"')[1].split('id="deals-due-soon"')[0]
    assert "Call Bleibt" in tasks and "Standalone" in tasks and "Call Weg" not in tasks
