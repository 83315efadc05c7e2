"""The note field says what the entry was (note, call, meeting) and when it happened, in the
writer's time zone; left as shown, the time is the moment of saving."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.history.models import Entry, EntryLink

HTMX = {"HX-Request": "true"}
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Hans", "last_name": "Meier"})


def _post(persona, person, **fields):
    data = {"body": "Angebot besprochen.", **fields}
    return persona.client.post(reverse("history:create", args=[person.pk]), data, headers=HTMX)


def test_a_call_is_stored_as_a_call_at_the_time_typed_in_the_writers_zone(alice, person):
    response = _post(alice, person, kind="call", happened_at="2026-11-30T09:15", happened_at_shown="2026-12-04T10:00")
    assert response.status_code == 200
    entry = Entry.objects.get()
    assert entry.kind == "call"
    assert entry.happened_at == dt.datetime(2026, 11, 30, 9, 15, tzinfo=BERLIN)
    assert EntryLink.objects.get().happened_at == entry.happened_at  # the timeline sorts by it
    assert 'data-kind="call"' in response.content.decode()


def test_the_time_counts_in_the_writers_own_time_zone(alice, person):
    alice.user.time_zone = "America/New_York"
    alice.user.save()
    _post(alice, person, kind="meeting", happened_at="2026-11-30T09:15", happened_at_shown="2026-12-04T10:00")
    entry = Entry.objects.get()
    assert entry.kind == "meeting"
    assert entry.happened_at == dt.datetime(2026, 11, 30, 9, 15, tzinfo=zoneinfo.ZoneInfo("America/New_York"))


def test_a_time_left_as_shown_is_the_moment_the_note_is_saved(alice, person):
    shown = "2020-01-01T08:00"  # the page was opened long ago; the note is saved now
    before = timezone.now()
    _post(alice, person, kind="call", happened_at=shown, happened_at_shown=shown)
    assert before <= Entry.objects.get().happened_at <= timezone.now()


def test_without_kind_and_time_a_note_is_a_note_of_now(alice, person):
    before = timezone.now()
    _post(alice, person)
    entry = Entry.objects.get()
    assert entry.kind == "note"
    assert before <= entry.happened_at <= timezone.now()


def test_the_note_field_offers_note_call_and_meeting_and_now_in_the_users_zone(alice, person):
    alice.user.time_zone = "Asia/Tokyo"
    alice.user.save()
    before = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    html = alice.client.get(person.get_absolute_url()).content.decode()
    after = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    for kind in ("note", "call", "meeting"):
        assert f'name="kind" value="{kind}"' in html
    assert 'name="kind" value="note" checked' in html
    shown = {moment.strftime("%Y-%m-%dT%H:%M") for moment in (before, after)}
    assert any(f'name="happened_at" value="{value}"' in html for value in shown)
    assert any(f'name="happened_at_shown" value="{value}"' in html for value in shown)


def test_a_time_still_to_come_is_refused_next_to_the_field_and_nothing_is_saved(alice, person):
    tomorrow = (timezone.localtime(timezone.now(), BERLIN) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = _post(alice, person, kind="meeting", happened_at=tomorrow, happened_at_shown="2026-12-04T10:00")
    assert response["HX-Retarget"] == f"#notebox-{person.pk}"
    html = response.content.decode()
    assert "This time is still to come." in html
    assert f'value="{tomorrow}"' in html  # what was typed stays in the field
    assert 'name="kind" value="meeting" checked' in html
    assert "Angebot besprochen." in html
    assert not Entry.objects.exists()


@pytest.mark.parametrize("fields", [
    {"kind": "email"}, {"kind": "fax"}, {"kind": "x" * 5000},
    {"happened_at": "gestern"}, {"happened_at": "2026-13-45T99:99"}, {"happened_at": "0001-01-01T00:00"},
    {"happened_at": "1899-12-31T23:00"}, {"happened_at": "9999-12-31T23:59"},
])
def test_a_kind_or_time_that_is_none_is_refused_without_a_500(alice, person, fields):
    response = _post(alice, person, **fields)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#notebox-{person.pk}"
    assert 'class="errorlist"' in response.content.decode()
    assert not Entry.objects.exists()


def test_a_refused_time_without_javascript_shows_the_note_page_with_the_error(alice, person):
    response = alice.client.post(reverse("history:create", args=[person.pk]),
                                 {"body": "Angebot besprochen.", "happened_at": "gestern"})
    assert response.status_code == 200
    assert "Enter a date and time" in response.content.decode()
    assert not Entry.objects.exists()


def test_an_outsider_cannot_write_a_call_on_someone_elses_record(oscar, person):
    response = _post(oscar, person, kind="call", happened_at="2026-11-30T09:15")
    assert response.status_code == 404
    assert not Entry.objects.exists()


def test_a_member_may_write_a_call_but_not_a_confidential_one(carol, person):
    assert _post(carol, person, kind="call", confidential="on").status_code == 403
    assert not Entry.objects.exists()
    assert _post(carol, person, kind="call").status_code == 200
    assert Entry.objects.get().kind == "call"


def test_the_action_refuses_a_time_to_come_from_every_door(alice, person):
    with pytest.raises(Exception, match="still to come"):
        history_actions.add_note(alice.membership, [person.record], "Termin",
                                 kind="meeting", happened_at=timezone.now() + dt.timedelta(hours=2))
    assert not Entry.objects.exists()


def test_the_api_refuses_a_call_still_to_come(alice, person):
    _key, secret = account_actions.create_api_key(alice.membership, "tests")
    future = (timezone.now() + dt.timedelta(days=3)).isoformat()
    response = alice.client.post("/api/v1/notes", json.dumps({"body": "Termin", "kind": "meeting",
                                                               "happened_at": future, "person_ids": [person.pk]}),
                                 content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "happened_at"]
    assert not Entry.objects.exists()
