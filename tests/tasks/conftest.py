"""Things most task tests share: Anna Müller of Müller GmbH, and a quick way to make tasks."""

from __future__ import annotations

import datetime as dt

import pytest

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


@pytest.fixture
def clock(monkeypatch):
    """Sets the moment the actions and pages take as now: `clock(datetime)` with an aware datetime."""
    from django.utils import timezone

    def set_now(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return set_now
