"""Things most task tests share: Anna Müller of Müller GmbH, and a quick way to make tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import Details, PositionData
from kontor.tasks import actions


@pytest.fixture
def company(alice):
    return contact_actions.create_company(alice.membership, {"name": "Müller GmbH"})


@pytest.fixture
def anna(alice, company):
    return contact_actions.create_person(
        alice.membership, {"first_name": "Anna", "last_name": "Müller", "birthday": dt.date(1984, 2, 29)},
        Details(positions=[PositionData(company, job_title="Einkauf", is_primary=True)]))


def make_task(persona, title="Follow up", record=None, assignee=None, **fields):
    """A task made through the real action, as `persona`."""
    return actions.create_task(persona.membership, {"title": title, **fields}, record=record,
                               assignee=assignee.user if assignee is not None else None)


def calendar_start(client, persona, task) -> dt.datetime:
    """The start of `task` as `persona`'s calendar feed gives it to a calendar program."""
    response = client.get(reverse("calendar:feed", args=[actions.calendar_feed_for(persona.membership).token]))
    assert response.status_code == 200, response.content
    (event,) = [event for event in Calendar.from_ical(response.content).walk("VEVENT")
                if str(event["uid"]).startswith(f"task-{task.pk}@")]
    return event.decoded("dtstart")


@pytest.fixture
def clock(monkeypatch):
    """Sets the moment the actions and pages take as now: `clock(datetime)` with an aware datetime."""
    from django.utils import timezone

    def set_now(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return set_now
