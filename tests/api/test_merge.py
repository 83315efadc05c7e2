"""/api/v1/{people|companies}/duplicates and /{id}/merge: the same rule and the same merge as the pages."""

from __future__ import annotations

import pytest

from kontor.contacts import actions
from kontor.contacts.actions import DetailData, Details
from kontor.records.models import Merge, Record


def _person(by, last: str, first: str = "", email: str = ""):
    details = Details(contact=[DetailData("email", email)] if email else [])
    return actions.create_person(by, {"last_name": last, "first_name": first}, details)


@pytest.fixture
def twins(alice):
    return (_person(alice.membership, "Müller", "Hans", "hans@acme.de"),
            _person(alice.membership, "Mueller", "Hans", "hans@acme.de"))


def test_people_duplicates_lists_the_group_with_its_reasons(api, alice, twins, django_assert_max_num_queries):
    kept, other = twins
    with django_assert_max_num_queries(12):
        response = api(alice).get("/people/duplicates")
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == [{"ids": [kept.pk, other.pk], "score": 5,
                              "reasons": [{"reason": "email", "value": "hans@acme.de"},
                                          {"reason": "name", "value": "mullerhans"}]}]
    assert body["has_next"] is False


def test_company_duplicates_finds_names_without_legal_form(api, alice):
    first = actions.create_company(alice.membership, {"name": "Stadtwerke Köln GmbH"})
    second = actions.create_company(alice.membership, {"name": "Stadtwerke Koeln"})
    items = api(alice).get("/companies/duplicates").json()["items"]
    assert [item["ids"] for item in items] == [[first.pk, second.pk]]


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_duplicates_are_for_owners_and_admins(request, api, twins, persona):
    response = api(request.getfixturevalue(persona)).get("/people/duplicates")
    assert response.status_code == 403


@pytest.mark.parametrize("params", [{"page": 0}, {"per_page": 251}, {"order": "name"},
                                    {"updated_since": "gestern"}])
def test_bad_list_parameters_are_a_422(api, alice, params):
    assert api(alice).get("/people/duplicates", params).status_code == 422


def test_merge_answers_with_the_survivor_and_keeps_the_chosen_values(api, alice, twins):
    kept, other = twins
    response = api(alice).post(f"/people/{kept.pk}/merge", {"other_ids": [other.pk], "keep": {"last_name": other.pk}})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == kept.pk and body["last_name"] == "Mueller"
    assert Record.objects.get(pk=other.pk).merged_into_id == kept.pk


def test_merging_companies_through_the_api(api, alice):
    first = actions.create_company(alice.membership, {"name": "Acme GmbH"})
    second = actions.create_company(alice.membership, {"name": "ACME"})
    response = api(alice).post(f"/companies/{first.pk}/merge", {"other_ids": [second.pk]})
    assert response.status_code == 200 and response.json()["name"] == "Acme GmbH"
    assert Record.objects.get(pk=second.pk).deleted_at is not None


def test_a_member_may_not_merge_and_nothing_changes(api, carol, twins):
    kept, other = twins
    response = api(carol).post(f"/people/{kept.pk}/merge", {"other_ids": [other.pk]})
    assert response.status_code == 403
    assert Record.objects.get(pk=other.pk).deleted_at is None and not Merge.objects.exists()


def test_a_stale_version_is_a_409(api, alice, twins):
    kept, other = twins
    response = api(alice).post(f"/people/{kept.pk}/merge", {"other_ids": [other.pk], "version": 99})
    assert response.status_code == 409 and response.json()["version"] == kept.record.version
    assert Record.objects.get(pk=other.pk).deleted_at is None


@pytest.mark.parametrize("body", [{}, {"other_ids": []}, {"other_ids": ["x"]}, {"other_ids": [999_999]},
                                  {"other_ids": "self"}, {"keep": {"nickname": 1}}, {"keep": {"birthday": 999}},
                                  {"other_ids": [0]}])
def test_bad_merge_input_is_a_422_and_changes_nothing(api, alice, twins, body):
    kept, other = twins
    if body.get("other_ids") == "self":
        body = {"other_ids": [kept.pk]}
    elif "keep" in body:
        body = {"other_ids": [other.pk], **body}
    response = api(alice).post(f"/people/{kept.pk}/merge", body)
    assert response.status_code == 422, response.json()
    assert isinstance(response.json()["detail"], list)
    assert not Record.objects.filter(deleted_at__isnull=False).exists()


def test_another_accounts_person_is_unknown(api, alice, oscar, twins):
    kept, _other = twins
    foreign = _person(oscar.membership, "Müller", "Hans")
    response = api(alice).post(f"/people/{kept.pk}/merge", {"other_ids": [foreign.pk]})
    assert response.status_code == 422
    assert api(oscar).post(f"/people/{kept.pk}/merge", {"other_ids": [foreign.pk]}).status_code == 404
    assert Record.objects.get(pk=foreign.pk).deleted_at is None


def test_undo_through_the_api_restores_the_other_person(api, alice, carol, twins):
    kept, other = twins
    api(alice).post(f"/people/{kept.pk}/merge", {"other_ids": [other.pk]})
    assert api(carol).post(f"/people/{kept.pk}/merge/undo").status_code == 403
    response = api(alice).post(f"/people/{kept.pk}/merge/undo")
    assert response.status_code == 200 and response.json()["id"] == kept.pk
    assert Record.objects.get(pk=other.pk).deleted_at is None
    assert api(alice).post(f"/people/{kept.pk}/merge/undo").status_code == 404
