"""The role matrix: every protected action, tried by every role, through the pages and the API.
Allowed rows must succeed; refused rows must answer 403 and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from kontor.accounts import actions as account_actions
from kontor.accounts.models import Invitation
from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Person
from kontor.history import actions as history_actions
from kontor.history.models import Entry
from kontor.records import actions as record_actions
from kontor.records.models import Record, Tag

ROLES = ["member", "power", "admin", "owner"]


@dataclass
class Protected:
    name: str
    minimum: str
    attempt: Callable  # (persona, world) -> response
    happened: Callable  # (world) -> bool: did the action take effect?


def _api(persona, method: str, path: str, **data):
    _key, secret = account_actions.create_api_key(persona.membership, "roles")
    return getattr(persona.client, method)(path, data=data or None, content_type="application/json",
                                           HTTP_AUTHORIZATION=f"Bearer {secret}")


PROTECTED = [
    Protected("delete a person (page)", "power",
              lambda p, w: p.client.post(f"/people/{w['person'].pk}/delete/"),
              lambda w: Record.objects.get(pk=w["person"].pk).deleted_at is not None),
    Protected("delete a person (API)", "power",
              lambda p, w: _api(p, "delete", f"/api/v1/people/{w['person'].pk}"),
              lambda w: Record.objects.get(pk=w["person"].pk).deleted_at is not None),
    Protected("restore from the trash", "power",
              lambda p, w: p.client.post(f"/trash/{w['trashed'].pk}/restore/"),
              lambda w: Record.objects.get(pk=w["trashed"].pk).deleted_at is None),
    Protected("empty the trash", "admin",
              lambda p, w: p.client.post("/trash/empty/"),
              lambda w: not Record.objects.filter(pk=w["trashed"].pk).exists()),
    Protected("write a confidential note (page)", "power",
              lambda p, w: p.client.post(f"/notes/on/{w['person'].pk}/", {"body": "Geheim", "confidential": "on"}),
              lambda w: Entry.objects.filter(body="Geheim", confidential=True).exists()),
    Protected("write a confidential note (API)", "power",
              lambda p, w: _api(p, "post", "/api/v1/notes", body="Geheim", confidential=True,
                                person_ids=[w["person"].pk]),
              lambda w: Entry.objects.filter(body="Geheim", confidential=True).exists()),
    Protected("read a confidential note (API)", "power",
              lambda p, w: _api(p, "get", f"/api/v1/notes/{w['secret'].pk}"),
              lambda w: None),
    Protected("invite a colleague", "admin",
              lambda p, w: p.client.post("/accounts/team/", {"name": "Neu", "email": "neu@example.com",
                                                             "role": "member"}),
              lambda w: Invitation.objects.filter(email="neu@example.com").exists()),
    Protected("rename a tag", "admin",
              lambda p, w: p.client.post(f"/tags/{w['tag'].pk}/rename/", {"name": "Stammkunde"}),
              lambda w: Tag.objects.filter(name="Stammkunde").exists()),
    Protected("delete a tag", "admin",
              lambda p, w: p.client.post(f"/tags/{w['tag'].pk}/delete/"),
              lambda w: not Tag.objects.filter(pk=w["tag"].pk).exists()),
]


@pytest.fixture
def team(alice, bob, carol, dave):
    return {"owner": alice, "admin": dave, "power": bob, "member": carol}


@pytest.fixture
def world(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde"])
    trashed = contact_actions.create_person(alice.membership, {"last_name": "Alt"})
    record_actions.trash_record(trashed.record, alice.membership)
    secret = history_actions.add_note(alice.membership, [person.record], "Vertraulich", confidential=True)
    return {"person": person, "trashed": trashed, "secret": secret, "tag": person.record.tags.get()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", PROTECTED, ids=lambda a: a.name)
def test_role_matrix(action: Protected, role: str, team, world):
    allowed = ROLES.index(role) >= ROLES.index(action.minimum)
    response = action.attempt(team[role], world)
    if allowed:
        assert response.status_code < 400, f"{role} may {action.name}, got {response.status_code}"
        assert action.happened(world) in (True, None)
    else:
        assert response.status_code in (403, 404), f"{role} may not {action.name}, got {response.status_code}"
        if response.status_code == 403 and response.get("Content-Type", "").startswith("text/html"):
            assert b"Not allowed" in response.content  # the error page names the refusal
        assert action.happened(world) in (False, None), f"{role} could {action.name} although refused"


def test_members_may_create_and_edit_people(carol):
    response = _api(carol, "post", "/api/v1/people", last_name="Neu")
    assert response.status_code == 201
    person_id = response.json()["id"]
    response = _api(carol, "patch", f"/api/v1/people/{person_id}", first_name="Nina")
    assert response.status_code == 200
    assert Person.objects.get(pk=person_id).first_name == "Nina"
