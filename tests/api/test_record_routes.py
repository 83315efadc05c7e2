"""The standard routes of people, companies, deals and projects are written once (record_routes.py);
each kind's routes keep the names and the path parameter clients know."""

from __future__ import annotations

import pytest

from .conftest import PREFIX

KINDS = [("people", "person"), ("companies", "company"), ("deals", "deal"), ("projects", "project")]


@pytest.mark.parametrize(("resource", "noun"), KINDS)
def test_each_kind_keeps_the_operation_ids_of_its_standard_routes(client, resource, noun):
    paths = client.get(f"{PREFIX}/openapi.json").json()["paths"]
    item = f"{PREFIX}/{resource}/{{{noun}_id}}"
    module = f"kontor_api_{resource}"
    assert paths[f"{PREFIX}/{resource}"]["get"]["operationId"] == f"{module}_list_{resource}"
    assert paths[f"{PREFIX}/{resource}"]["post"]["operationId"] == f"{module}_create_{noun}"
    assert paths[f"{PREFIX}/{resource}/export"]["get"]["operationId"] == f"{module}_export_{resource}"
    assert paths[item]["get"]["operationId"] == f"{module}_read_{noun}"
    assert paths[item]["patch"]["operationId"] == f"{module}_update_{noun}"
    assert paths[item]["delete"]["operationId"] == f"{module}_delete_{noun}"
    assert [parameter["name"] for parameter in paths[item]["get"]["parameters"]] == [f"{noun}_id"]


@pytest.mark.parametrize(("resource", "noun"), KINDS)
def test_an_id_that_is_no_number_is_named_as_in_the_path(api, alice, resource, noun):
    response = api(alice).get(f"/{resource}/abc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", f"{noun}_id"]


@pytest.mark.parametrize(("resource", "noun"), KINDS)
def test_a_change_may_leave_the_name_out_but_not_send_it_as_null(api, alice, resource, noun):
    client = api(alice)
    name = "last_name" if resource == "people" else "name"
    created = client.post(f"/{resource}", {name: "Muster"}).json()
    assert client.patch(f"/{resource}/{created['id']}", {"tags": ["Kunde"]}).json()[name] == "Muster"
    response = client.patch(f"/{resource}/{created['id']}", {name: None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == name
    assert client.get(f"/{resource}/{created['id']}").json()["tags"] == ["Kunde"]
