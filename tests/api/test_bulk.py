"""POST /api/v1/{people|companies|deals|projects|tasks}/bulk: the lists' bulk actions through the API."""

from __future__ import annotations

import pytest

from kontor.contacts import actions as contact_actions
from kontor.records import bulk
from kontor.records import queries as record_queries
from kontor.records.models import Record


def _people(persona, count: int, **extra):
    return [contact_actions.create_person(persona.membership, {"last_name": f"Person {n}"}, **extra)
            for n in range(count)]


def test_tagging_people_by_id(api, carol, alice):
    people = _people(alice, 3)
    response = api(carol).post("/people/bulk", {"ids": [p.pk for p in people], "action": "add_tags",
                                                "tags": ["Messe"]})
    assert response.status_code == 200
    assert response.json() == {"action": "add_tags", "count": 3, "state": "done", "job_id": None, "error": ""}
    counts = {t.name: t.count for t in record_queries.tag_counts(alice.account, "person")}  # type: ignore[attr-defined]
    assert counts == {"Messe": 3}


def test_handing_over_what_a_filter_selects(api, alice, carol):
    tagged = _people(alice, 2, tags=["Kunde"])
    other = _people(alice, 1)[0]
    response = api(alice).post("/people/bulk", {"filter": {"tag": ["Kunde"]}, "action": "set_responsible",
                                                "user_id": carol.user.pk})
    assert response.json()["count"] == 2
    assert {r.responsible_id for r in Record.objects.filter(pk__in=[p.pk for p in tagged])} == {carol.user.pk}
    other.record.refresh_from_db()
    assert other.record.responsible_id == alice.user.pk


def test_a_power_user_deleting_eleven_gets_403_and_nothing_changes(api, alice, bob):
    people = _people(alice, 11)
    response = api(bob).post("/people/bulk", {"ids": [p.pk for p in people], "action": "delete"})
    assert response.status_code == 403
    assert not Record.objects.in_trash().exists()


def test_another_accounts_ids_are_left_out(api, alice, oscar):
    people = _people(alice, 2)
    response = api(oscar).post("/people/bulk", {"ids": [p.pk for p in people], "action": "add_tags",
                                                "tags": ["x"]})
    assert response.json()["count"] == 0
    assert not Record.objects.filter(tags__isnull=False).exists()


@pytest.mark.parametrize("body", [
    {"action": "add_tags", "tags": ["x"]},  # neither ids nor filter
    {"ids": [1], "filter": {}, "action": "add_tags", "tags": ["x"]},  # both
    {"ids": [1], "action": "explode"},
    {"ids": [1], "action": "add_tags", "tags": []},
    {"ids": ["a"], "action": "follow"},
    {"ids": [1], "action": "set_responsible", "user_id": 999999},
])
def test_bad_input_is_422(api, alice, body):
    person = _people(alice, 1)[0]
    body = {**body, "ids": [person.pk]} if body.get("ids") == [1] else body
    assert api(alice).post("/people/bulk", body).status_code == 422


def test_tasks_are_postponed_and_a_large_job_is_reported(api, alice, monkeypatch, django_capture_on_commit_callbacks):
    from kontor.tasks import actions as task_actions

    monkeypatch.setattr(bulk, "INLINE_LIMIT", 1)
    tasks = [task_actions.create_task(alice.membership, {"title": f"Call {n}"}) for n in range(2)]
    client = api(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tasks/bulk", {"ids": [t.pk for t in tasks], "action": "postpone", "days": 2})
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    assert client.get(f"/tasks/bulk/{job_id}").json()["state"] == "done"
    assert client.get(f"/people/bulk/{job_id}").status_code == 404


def test_ids_and_a_filter_together_or_neither_say_so_and_change_nothing(api, alice):
    person = _people(alice, 1)[0]
    for body in ({"action": "add_tags", "tags": ["x"]},
                 {"ids": [person.pk], "filter": {}, "action": "add_tags", "tags": ["x"]}):
        response = api(alice).post("/people/bulk", body)
        assert response.status_code == 422
        assert response.json()["detail"] == [{"loc": ["body", "ids"], "msg": "Give ids or a filter: one of the two.",
                                               "type": "invalid"}]
    assert not Record.objects.filter(tags__isnull=False).exists()
