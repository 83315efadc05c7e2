"""/api/v1/projects: the contract scripts and integrations rely on."""

from __future__ import annotations

import datetime as dt

import pytest

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.projects import actions as project_actions
from kontor.projects.models import Project

pytestmark = pytest.mark.usefixtures("in_english")


def test_creating_a_project_with_every_field_answers_201_and_reads_back_the_same(api, alice, bob, firm,
                                                                                    settings):
    settings.MAIL_DOMAIN = "crm.example.com"
    anna = contact_actions.create_person(alice.membership, {"last_name": "Berg"})
    sent = {"name": "Relaunch", "description": "Shop", "status": "open", "start_date": "2027-01-01",
            "end_date": "2027-06-30", "company_id": firm.pk, "person_ids": [anna.pk],
            "colleague_ids": [bob.user.pk], "tags": ["Web"], "responsible_id": bob.user.pk}
    response = api(alice).post("/projects", sent)
    assert response.status_code == 201, response.json()
    project = response.json()
    for field, value in sent.items():
        assert project[field] == value, field
    assert project["deal_id"] is None
    assert project["email_address"].endswith("@crm.example.com")
    assert api(alice).get(f"/projects/{project['id']}").json() == project


@pytest.mark.parametrize(("body", "loc"), [
    ({}, ["body", "name"]),
    ({"name": "x", "status": "paused"}, ["body", "status"]),
    ({"name": "x", "start_date": "2027-02-01", "end_date": "2027-01-01"}, ["body", "end_date"]),
    ({"name": "x", "company_id": 999_999}, ["body", "company_id"]),
    ({"name": "x", "person_ids": [999_999]}, ["body", "person_ids", 0]),
])
def test_bad_input_answers_422_at_its_place(api, alice, body, loc):
    response = api(alice).post("/projects", body)
    assert response.status_code == 422
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert not Project.objects.exists()


def test_the_list_filters_and_sorts(api, alice, bob, firm):
    project_actions.create_project(alice.membership, {"name": "Beta", "status": "open",
                                                      "start_date": dt.date(2027, 3, 1)}, company=firm)
    project_actions.create_project(alice.membership, {"name": "Alpha", "status": "closed",
                                                      "start_date": dt.date(2026, 1, 1),
                                                      "end_date": dt.date(2026, 6, 30)}, tags=["Web"])
    project_actions.create_project(bob.membership, {"name": "Gamma"})
    client = api(alice)

    def names(**params):
        response = client.get("/projects", params)
        assert response.status_code == 200, response.json()
        return [item["name"] for item in response.json()["items"]]

    assert names() == ["Alpha", "Beta", "Gamma"]
    assert names(order="status") == ["Gamma", "Beta", "Alpha"]
    assert names(order="start_date") == ["Alpha", "Beta", "Gamma"]
    assert names(status="open") == ["Beta"]
    assert names(company_id=firm.pk) == ["Beta"]
    assert names(tag="Web") == ["Alpha"]
    assert names(responsible_id=bob.user.pk) == ["Gamma"]
    assert names(date_from="2027-01-01") == ["Beta"]
    assert names(date_from="2026-03-01", date_to="2026-04-01") == ["Alpha"]
    assert names(q="nordlicht") == ["Beta"]


def test_the_list_costs_a_fixed_number_of_queries(api, alice, bob, firm, django_assert_max_num_queries):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Berg"})
    for number in range(6):
        project_actions.create_project(alice.membership, {"name": f"P{number}"}, company=firm, people=[anna],
                                       colleagues=[bob.user], tags=["Web"])
    client = api(alice)
    client.get("/projects")
    with django_assert_max_num_queries(8):
        response = client.get("/projects", {"tag": "Web"})
    assert len(response.json()["items"]) == 6


def test_a_stale_change_answers_409(api, alice, bob):
    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    assert api(bob).patch(f"/projects/{project.pk}", {"status": "open", "version": 1}).status_code == 200
    response = api(alice).patch(f"/projects/{project.pk}", {"status": "closed", "version": 1})
    assert response.status_code == 409
    assert Project.objects.get().status == "open"


def test_the_history_of_a_project_includes_its_deals_history_once(api, alice, carol):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"}, stage="won")
    project = project_actions.create_project_from_deal(deal, alice.membership)
    history_actions.add_note(alice.membership, [deal.record], "Offer sent")
    history_actions.add_note(alice.membership, [project.record], "Kick-off")
    history_actions.add_note(alice.membership, [deal.record], "Budget", confidential=True)
    client = api(alice)
    items = client.get(f"/projects/{project.pk}/history").json()["items"]
    assert [item["body"] for item in items][:3] == ["Budget", "Kick-off", "Offer sent"]
    assert len(items) == len({item["id"] for item in items}) == 4  # and "project created", on both
    assert "Budget" not in [item["body"] for item in api(carol).get(f"/projects/{project.pk}/history").json()["items"]]
    paged = client.get(f"/projects/{project.pk}/history", {"per_page": 3}).json()
    assert paged["has_next"] and len(paged["items"]) == 3


def test_a_member_cannot_delete_a_project(api, alice, bob, carol):
    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    assert api(carol).delete(f"/projects/{project.pk}").status_code == 403
    assert Project.objects.alive().exists()
    assert api(bob).delete(f"/projects/{project.pk}").status_code == 204
    assert not Project.objects.alive().exists()
