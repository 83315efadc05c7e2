"""The list filters and pages that deals and projects share (records/list_filters.py,
records/trash_pages.py): the same conditions mean the same for both kinds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.deals.models import Deal
from kontor.projects import actions as project_actions
from kontor.projects.models import Project
from kontor.records.list_filters import filter_linked, one_of
from kontor.records.models import Kind


@pytest.fixture
def linked(alice):
    """For each kind: one record with the company and a person, one without, one in the trash."""
    by = alice.membership
    firm = contact_actions.create_company(by, {"name": "Schraubenwerk Süd"})
    anna = contact_actions.create_person(by, {"last_name": "Adler"})
    for create in (deal_actions.create_deal, project_actions.create_project):
        create(by, {"name": "Wartung"}, company=firm, people=[anna], tags=["Messe"])
        create(by, {"name": "Beratung"})
    deal_actions.delete_deal(deal_actions.create_deal(by, {"name": "Alt"}, company=firm), by)
    project_actions.delete_project(project_actions.create_project(by, {"name": "Alt"}, company=firm), by)
    return firm, anna


@pytest.mark.parametrize(("model", "kind"), [(Deal, Kind.DEAL), (Project, Kind.PROJECT)])
def test_linked_filters_select_by_company_person_words_and_tags_and_leave_out_the_trash(alice, linked, model,
                                                                                        kind):
    firm, anna = linked
    items = model.objects.all()

    def names(**filters) -> set[str]:
        return {obj.name for obj in filter_linked(items, alice.account, kind, **filters)}

    assert names() == {"Wartung", "Beratung"}
    assert names(company_id=firm.pk) == {"Wartung"}
    assert names(company_name="schrauben") == {"Wartung"}
    assert names(person_id=anna.pk) == {"Wartung"}
    assert names(q="berat") == {"Beratung"}
    assert names(tags=["messe"]) == {"Wartung"}
    assert names(responsible_id=alice.user.pk, order="-updated_at") == {"Wartung", "Beratung"}


@pytest.mark.parametrize(("model", "kind"), [(Deal, Kind.DEAL), (Project, Kind.PROJECT)])
def test_linked_filters_never_reach_into_another_account(alice, oscar, linked, model, kind):
    firm, anna = linked
    found = filter_linked(model.objects.all(), oscar.account, kind, company_id=firm.pk, person_id=anna.pk)
    assert list(found) == []


def test_a_choice_filter_keeps_only_a_known_value():
    assert one_of("won", ("open", "won", "lost")) == "won"
    assert one_of("WON", ("open", "won", "lost")) == ""
    assert one_of(None, ("open",)) == ""
    assert one_of(["open"], ("open",)) == ""


@pytest.mark.parametrize("path", ["/deals/{}/delete/", "/projects/{}/delete/"])
def test_a_member_cannot_move_a_deal_or_project_to_the_trash(alice, carol, path):
    deal = deal_actions.create_deal(alice.membership, {"name": "Wartung"})
    project = project_actions.create_project(alice.membership, {"name": "Wartung"})
    pk = deal.pk if path.startswith("/deals") else project.pk
    response = carol.client.post(path.format(pk))
    assert response.status_code == 403
    assert not Deal.objects.get(pk=deal.pk).record.deleted_at
    assert not Project.objects.get(pk=project.pk).record.deleted_at


@pytest.mark.parametrize("path", ["/deals/{}/", "/projects/{}/"])
def test_a_deal_or_project_in_the_trash_offers_a_restore_to_power_users_and_is_a_404_for_members(
        alice, bob, carol, path):
    deal = deal_actions.create_deal(alice.membership, {"name": "Wartung"})
    project = project_actions.create_project(alice.membership, {"name": "Wartung"})
    deal_actions.delete_deal(deal, alice.membership)
    project_actions.delete_project(project, alice.membership)
    pk = deal.pk if path.startswith("/deals") else project.pk
    page = bob.client.get(path.format(pk)).content.decode()
    assert "This is in the trash: Alice Adler deleted it on" in page and reverse("records:restore", args=[pk]) in page
    assert carol.client.get(path.format(pk)).status_code == 404
