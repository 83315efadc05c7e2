"""What the API answers when something is wrong: one JSON shape per kind of error, never a 500,
and nothing that tells an outsider whether another account's object exists."""

from __future__ import annotations

import json

import pytest

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.records.models import Tag

from .conftest import PREFIX


@pytest.fixture
def alices(alice):
    """Alice's objects, by the routes that reach them."""
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde"])
    company = contact_actions.create_company(alice.membership, {"name": "Müller GmbH"})
    note = history_actions.add_note(alice.membership, [person.record], "Vertraulich nicht, aber privat")
    return {"people": person.pk, "companies": company.pk, "notes": note.pk,
            "tags": Tag.objects.get(account=alice.account).pk}


ROUTES = [("get", "/{resource}/{id}"), ("patch", "/{resource}/{id}"), ("delete", "/{resource}/{id}")]


def test_the_outsider_gets_the_same_404_for_alices_objects_as_for_missing_ones(api, alices, oscar):
    client = api(oscar)
    checked = 0
    for resource, object_id in alices.items():
        paths = [f"/{resource}/{object_id}"] + ([f"/{resource}/{object_id}/history"]
                                               if resource in ("people", "companies") else [])
        for path in paths:
            missing = path.replace(str(object_id), "987654321")
            for method in ("get", "patch", "delete"):
                if method != "get" and path.endswith("history"):
                    continue
                theirs, nothing = getattr(client, method)(path), getattr(client, method)(missing)
                assert theirs.status_code == nothing.status_code == 404, f"{method} {path}"
                assert theirs.json() == nothing.json() == {"detail": "Not found."}
                checked += 1
    assert checked == 14
    assert contact_actions.Person.objects.get(pk=alices["people"]).record.deleted_at is None


def test_a_422_names_each_problem_with_loc_msg_and_type(api, alice):
    response = api(alice).post("/people", {"first_name": 7, "emails": [{"label": "home"}]})
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert {tuple(e["loc"]) for e in errors} == {
        ("body", "last_name"), ("body", "first_name"), ("body", "emails", 0, "label"),
        ("body", "emails", 0, "value")}
    assert all(set(e) == {"loc", "msg", "type"} for e in errors)


def test_a_body_that_is_not_json_is_a_422(api, alice):
    client = api(alice)
    response = client.client.post(f"{PREFIX}/people", "{last_name: Müller", content_type="application/json",
                                  headers=client.headers)
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body"], "msg": "The request body is not valid JSON.",
                                           "type": "json_invalid"}]}


@pytest.mark.parametrize("method, path, body", [
    ("get", "/people/99999999999999999999999", None),
    ("get", "/people/-1", None),
    ("get", "/people/1.5", None),
    ("get", "/people?page=99999999999999999999", None),
    ("get", "/people?updated_since=0001-01-01T00:00:00%2B01:00", None),
    ("post", "/people", {"last_name": "M", "positions": [{"company_id": 2**70}]}),
    ("post", "/people", {"last_name": "M", "responsible_id": -3}),
    ("post", "/people", {"last_name": "M", "tags": [None]}),
    ("post", "/people", {"last_name": "M", "emails": [None]}),
    ("post", "/people", {"last_name": "M", "birthday": "1980-02-30"}),
    ("post", "/people", {"last_name": "M", "important_dates": [{"label": "", "date": "2020-01-01"}]}),
    ("post", "/people", {"last_name": "M", "assistants": [{"name": "A", "email": "kein"}]}),
    ("post", "/people", {"last_name": "M", "positions": [{"company_id": 1, "job_title": "x" * 151}]}),
    ("post", "/people", ["last_name"]),
    ("post", "/companies", {"name": "A\x00B"}),
    ("post", "/notes", {"body": "x\x00", "person_ids": [1]}),
    ("post", "/notes", {"body": "x", "person_ids": list(range(1, 200))}),
    ("patch", "/notes/1", {"version": "eins"}),
    ("patch", "/people/1", {"version": 2**70}),
    ("patch", "/companies/1", {"version": -1}),
])
def test_odd_input_gets_a_clear_answer_never_a_500(api, alice, method, path, body):
    contact_actions.create_company(alice.membership, {"name": "Firma"})
    client = api(alice)
    if body is None:
        response = client.get(path)
    else:
        response = getattr(client.client, method)(f"{PREFIX}{path}", json.dumps(body),
                                                  content_type="application/json", headers=client.headers)
    assert response.status_code in (404, 422), response.content
    assert "detail" in response.json()


def test_an_unknown_route_is_a_404(api, alice):
    assert api(alice).get("/no-such-resource").status_code == 404


def test_a_method_a_route_does_not_have_is_a_405(api, alice):
    assert api(alice).client.put(f"{PREFIX}/people", headers=api(alice).headers).status_code == 405


def test_a_body_beyond_the_upload_limit_is_a_413(api, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api(alice).post("/people", {"last_name": "M", "background": "x" * 2000})
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large."}
