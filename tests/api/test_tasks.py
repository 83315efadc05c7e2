"""/api/v1/tasks: the same rules as the pages, as JSON."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.history.models import Entry
from kontor.tasks import actions
from kontor.tasks.models import CalendarFeed, Task


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Müller"})


def make(persona, title="Follow up", **fields):
    record = fields.pop("record", None)
    return actions.create_task(persona.membership, {"title": title, **fields}, record=record)


def test_a_task_is_created_read_and_listed(api, alice, bob, anna):
    client = api(alice)
    response = client.post("/tasks", {"title": "Call about the offer", "type": "call", "record_id": anna.pk,
                                      "assignee_id": bob.user.pk, "due_date": "2025-06-02", "due_time": "14:30"})
    assert response.status_code == 201, response.json()
    task = response.json()
    assert {k: task[k] for k in ("title", "type", "record_id", "record_kind", "record_name", "assignee_id",
                                 "due_date", "due_time", "done_at", "version")} == {
        "title": "Call about the offer", "type": "call", "record_id": anna.pk, "record_kind": "person",
        "record_name": "Anna Müller", "assignee_id": bob.user.pk, "due_date": "2025-06-02",
        "due_time": "14:30:00", "done_at": None, "version": 1}
    assert task["is_overdue"] is True
    assert client.get(f"/tasks/{task['id']}").json() == task
    assert client.get("/tasks").json()["items"] == [task]


def test_a_task_without_a_time_or_an_assignee_is_the_callers_for_the_whole_day(api, carol):
    task = api(carol).post("/tasks", {"title": "Send brochure", "due_date": "2025-06-02"}).json()
    assert (task["due_time"], task["assignee_id"], task["type"]) == (None, carol.user.pk, "task")


@pytest.mark.parametrize(("body", "loc"), [
    ({"title": "x", "due_date": "2025-06-02", "due_time": "09:00+02:00"}, ["body", "due_time"]),
    ({"title": "x", "type": "party"}, ["body", "type"]),
    ({"title": "x" * 201}, ["body", "title"]),
    ({"title": "x", "assignee_id": 999999}, ["body", "assignee_id"]),
    ({"title": "x", "record_id": 999999}, ["body", "record_id"]),
    ({"title": "x", "due_date": "2025-02-30"}, ["body", "due_date"]),
])
def test_bad_input_is_a_422_at_the_field_and_nothing_is_saved(api, alice, body, loc):
    response = api(alice).post("/tasks", body)
    assert response.status_code == 422
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert not Task.objects.exists()


def test_another_accounts_colleague_and_record_are_refused(api, alice, oscar):
    theirs = contact_actions.create_person(oscar.membership, {"last_name": "Fremd"})
    client = api(alice)
    assert client.post("/tasks", {"title": "x", "assignee_id": oscar.user.pk}).status_code == 422
    assert client.post("/tasks", {"title": "x", "record_id": theirs.pk}).status_code == 422
    assert not Task.objects.filter(account=alice.account).exists()


def test_the_filters(api, alice, bob, anna):
    today = timezone.localdate()
    overdue = make(alice, "Overdue", due_date=today - dt.timedelta(days=2), type="call", record=anna.record)
    later = make(alice, "Later", due_date=today + dt.timedelta(days=10))
    bobs = make(bob, "Bob's", due_date=today)
    done = make(alice, "Done")
    actions.complete_task(done, alice.membership)
    client = api(alice)

    def ids(**params) -> list[int]:
        response = client.get("/tasks", params)
        assert response.status_code == 200, response.json()
        return [task["id"] for task in response.json()["items"]]

    assert ids(assignee_id=bob.user.pk) == [bobs.pk]
    assert ids(record_id=anna.pk) == [overdue.pk]
    assert ids(state="open") == [overdue.pk, bobs.pk, later.pk]
    assert ids(state="overdue") == [overdue.pk]
    assert ids(state="done") == [done.pk]
    assert ids(type="call") == [overdue.pk]
    assert ids(due_from=str(today), due_to=str(today + dt.timedelta(days=10))) == [bobs.pk, later.pk]
    assert client.get("/tasks", {"state": "late"}).status_code == 422


def test_changing_a_task_with_a_stale_version_is_a_409(api, alice, bob):
    task = make(alice, "Offer", due_date=dt.date(2025, 6, 2), due_time=dt.time(9))
    client = api(alice)
    changed = client.patch(f"/tasks/{task.pk}", {"title": "Send offer", "version": 1})
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["due_time"], changed.json()["version"]) == (
        "Send offer", "09:00:00", 2)
    stale = api(bob).patch(f"/tasks/{task.pk}", {"title": "Bob's", "version": 1})
    assert stale.status_code == 409 and stale.json()["version"] == 2
    task.refresh_from_db()
    assert task.title == "Send offer"


def test_changing_the_record_and_removing_the_date(api, alice, anna):
    task = make(alice, "Offer", due_date=dt.date(2025, 6, 2), due_time=dt.time(9))
    client = api(alice)
    moved = client.patch(f"/tasks/{task.pk}", {"record_id": anna.pk, "due_date": None}).json()
    assert (moved["record_id"], moved["due_date"], moved["due_time"]) == (anna.pk, None, None)
    assert client.patch(f"/tasks/{task.pk}", {"record_id": None}).json()["record_id"] is None


def test_postpone_keeps_the_time_of_day_and_done_writes_history(api, alice, anna):
    task = make(alice, "Call", due_date=dt.date(2030, 3, 28), due_time=dt.time(9, 30), record=anna.record)
    client = api(alice)
    assert client.post(f"/tasks/{task.pk}/postpone", {"days": 1}).json()["due_date"] == "2030-03-29"
    moved = client.post(f"/tasks/{task.pk}/postpone", {"days": 7}).json()
    assert (moved["due_date"], moved["due_time"]) == ("2030-04-05", "09:30:00")
    assert client.post(f"/tasks/{task.pk}/postpone", {"days": 0}).status_code == 422
    assert client.post(f"/tasks/{task.pk}/postpone", {"days": "soon"}).status_code == 422
    done = client.post(f"/tasks/{task.pk}/done").json()
    assert done["done_at"] is not None and done["done_by_id"] == alice.user.pk
    assert Entry.objects.get().subject == "Call"
    assert client.post(f"/tasks/{task.pk}/reopen").json()["done_at"] is None


def test_members_delete_only_their_own_tasks(api, alice, carol):
    alices = make(alice, "Alice's")
    carols = make(carol, "Carol's")
    client = api(carol)
    assert client.delete(f"/tasks/{alices.pk}").status_code == 403
    assert Task.objects.filter(pk=alices.pk).exists()
    assert client.delete(f"/tasks/{carols.pk}").status_code == 204
    assert client.delete(f"/tasks/{alices.pk}").status_code == 403
    assert api(alice).delete(f"/tasks/{alices.pk}").status_code == 204


def test_another_accounts_task_looks_missing(api, alice, oscar):
    task = make(alice, due_date=dt.date(2025, 6, 2))
    client = api(oscar)
    for response in (client.get(f"/tasks/{task.pk}"), client.patch(f"/tasks/{task.pk}", {"title": "x"}),
                     client.post(f"/tasks/{task.pk}/postpone", {"days": 1}), client.post(f"/tasks/{task.pk}/done"),
                     client.delete(f"/tasks/{task.pk}")):
        assert response.status_code == 404
        assert response.json() == client.get("/tasks/999999").json()
    task.refresh_from_db()
    assert (task.title, task.due_date, task.done_at) == ("Follow up", dt.date(2025, 6, 2), None)
    assert api(oscar).get("/tasks").json()["items"] == []


def test_the_list_needs_a_fixed_number_of_queries(api, alice, bob, anna, django_assert_max_num_queries):
    for number in range(40):
        make(alice if number % 2 else bob, f"T{number}", due_date=dt.date(2025, 6, 1 + number % 28),
             record=anna.record if number % 3 else None)
    client = api(alice)
    with django_assert_max_num_queries(4):
        response = client.get("/tasks", {"per_page": 100})
    assert len(response.json()["items"]) == 40


def test_users_me_carries_the_calendar_address(api, alice, client):
    me = api(alice).get("/users/me").json()
    token = CalendarFeed.objects.get(membership=alice.membership).token
    assert me["calendar_url"] == f"http://127.0.0.1:8000/calendar/{token}.ics"
    assert client.get(me["calendar_url"].removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_a_task_due_today_is_overdue_from_its_time_of_day_on(api, alice, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 4, 13, 5, tzinfo=dt.UTC))  # 14:05 Berlin
    late = make(alice, "Call at ten", due_date=dt.date(2026, 12, 4), due_time=dt.time(10, 0))
    make(alice, "Call at three", due_date=dt.date(2026, 12, 4), due_time=dt.time(15, 0))
    make(alice, "Any time today", due_date=dt.date(2026, 12, 4))
    client = api(alice)
    overdue = client.get("/tasks", {"state": "overdue"}).json()["items"]
    assert [task["title"] for task in overdue] == ["Call at ten"]
    assert client.get(f"/tasks/{late.pk}").json()["is_overdue"] is True
