"""A record's activity lines in its timeline: who did what, read along with the timeline."""

from __future__ import annotations

from kontor.contacts import actions as contact_actions
from kontor.history.models import Activity, ActivityVerb
from kontor.tasks import actions as task_actions


def test_a_line_names_the_actor_and_the_colleague_a_task_went_to(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    task_actions.create_task(alice.membership, {"title": "Call"}, record=person.record, assignee=bob.user)
    html = alice.client.get(person.get_absolute_url()).content.decode()
    assert "Alice Adler assigned the task “Call” to Bob Berger." in html


def test_a_line_of_a_removed_user_names_a_former_colleague(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    Activity.objects.filter(record=person.record, verb=ActivityVerb.CREATED).update(actor=None)
    html = alice.client.get(person.get_absolute_url()).content.decode()
    assert "A former colleague created Kunz." in html
