"""The project pages: overview, project page with the deal's history, form, status bar, delete, and
"Create a project from this deal"."""

from __future__ import annotations

import datetime as dt

import pytest

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.history.queries import TIMELINE_PAGE_SIZE
from kontor.projects import actions
from kontor.projects.models import Project
from kontor.records.actions import trash_record


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Nordlicht GmbH"})


@pytest.fixture
def won_deal(alice, bob, firm):
    anna = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Berg"})
    deal = deal_actions.create_deal(alice.membership, {"name": "Website relaunch", "description": "Shop"},
                                    stage="75", company=firm, people=[anna], colleagues=[bob.user], tags=["Web"])
    deal_actions.win_deal(deal, alice.membership)
    return deal


def test_creating_a_project_from_a_won_deal_opens_it(alice, won_deal):
    response = alice.client.post(f"/projects/from-deal/{won_deal.pk}/")
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    html = alice.client.get(f"/projects/{project.pk}/").content.decode()
    assert "Website relaunch" in html and "Nordlicht GmbH" in html and "Anna Berg" in html
    assert 'data-testid="origin-deal"' in html and f'href="/deals/{won_deal.pk}/"' in html
    assert project.email_address in html
    deal_page = alice.client.get(f"/deals/{won_deal.pk}/").content.decode()
    assert f'href="/projects/{project.pk}/"' in deal_page
    assert "Create a project from this deal" not in deal_page


def test_a_second_click_opens_the_same_project(alice, won_deal):
    alice.client.post(f"/projects/from-deal/{won_deal.pk}/")
    alice.client.post(f"/projects/from-deal/{won_deal.pk}/")
    assert Project.objects.count() == 1


def test_an_open_deal_does_not_become_a_project(alice, firm):
    deal = deal_actions.create_deal(alice.membership, {"name": "Maybe"}, stage="75")
    response = alice.client.post(f"/projects/from-deal/{deal.pk}/", follow=True)
    assert "Only a won deal can become a project." in response.content.decode()
    assert not Project.objects.exists()


def test_a_member_may_create_the_project(carol, won_deal):
    carol.client.post(f"/projects/from-deal/{won_deal.pk}/")
    assert Project.objects.get().record.created_by == carol.user


def test_the_project_page_shows_the_deals_history_with_its_own(alice, won_deal):
    project = actions.create_project_from_deal(won_deal, alice.membership)
    deal_note = history_actions.add_note(alice.membership, [won_deal.record], "Offer sent")
    history_actions.add_note(alice.membership, [project.record], "Kick-off on Monday")
    html = alice.client.get(f"/projects/{project.pk}/").content.decode()
    assert html.index("Kick-off on Monday") < html.index("Offer sent")
    assert html.count("continues this deal.") == 1
    # The deal's own entries are edited where they belong: on the deal.
    assert f"/notes/on/{won_deal.pk}/{deal_note.pk}/edit/" in html


def test_the_project_history_pages_back_through_both(alice, won_deal):
    project = actions.create_project_from_deal(won_deal, alice.membership)
    for number in range(TIMELINE_PAGE_SIZE + 5):
        history_actions.add_note(alice.membership, [project.record if number % 2 else won_deal.record],
                                 f"Note number {number}")
    html = alice.client.get(f"/projects/{project.pk}/").content.decode()
    assert "Note number 0<" not in html and f"/projects/{project.pk}/history/?before=" in html
    entries = project.record.entries.count() + won_deal.record.entries.count() - 1  # "project created" is on both
    older = alice.client.get(f"/projects/{project.pk}/history/", {"before": "2999-01-01T00:00:00+00:00"},
                             headers={"HX-Request": "true"})
    assert older.content.decode().count('class="entry ') == TIMELINE_PAGE_SIZE
    assert entries == TIMELINE_PAGE_SIZE + 6


def test_the_project_page_costs_a_fixed_number_of_queries(alice, won_deal, django_assert_max_num_queries):
    project = actions.create_project_from_deal(won_deal, alice.membership)
    for number in range(10):
        history_actions.add_note(alice.membership, [won_deal.record, project.record][number % 2:], f"n{number}")
    with django_assert_max_num_queries(21):  # 4 for activity lines, comments, followers, colleagues; 1 for files
        response = alice.client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200


def test_the_status_bar_changes_the_status_in_one_click(alice, carol):
    project = actions.create_project(carol.membership, {"name": "Relaunch"})
    response = carol.client.post(f"/projects/{project.pk}/status/", {"status": "open"},
                                 headers={"HX-Request": "true"}, follow=True)
    assert 'id="project-page"' in response.content.decode()
    project.refresh_from_db()
    assert project.status == "open"


def test_the_overview_filters_and_sorts(alice, bob, firm):
    actions.create_project(alice.membership, {"name": "Beta", "status": "open"}, company=firm)
    actions.create_project(alice.membership, {"name": "Alpha", "status": "closed",
                                              "start_date": dt.date(2026, 1, 1)}, tags=["Web"])
    actions.create_project(bob.membership, {"name": "Gamma"})
    client = alice.client

    def names(**params):
        html = client.get("/projects/", params).content.decode()
        return [name for name in ("Alpha", "Beta", "Gamma") if f">{name}</a>" in html]

    assert names() == ["Alpha", "Beta", "Gamma"]
    assert names(status="open") == ["Beta"]
    assert names(tag="Web") == ["Alpha"]
    assert names(company_name="Nordlicht GmbH") == ["Beta"]
    assert names(responsible="me") == ["Alpha", "Beta"]
    html = client.get("/projects/", {"order": "status"}).content.decode()
    assert html.index(">Gamma<") < html.index(">Beta<") < html.index(">Alpha<")


def test_the_overview_costs_a_fixed_number_of_queries(alice, bob, firm, django_assert_max_num_queries):
    for number in range(30):
        actions.create_project(alice.membership, {"name": f"P{number}"}, company=firm, tags=["Web"],
                               responsible=bob.user)
    alice.client.get("/projects/")
    with django_assert_max_num_queries(9):
        response = alice.client.get("/projects/", {"tag": "Web"})
    assert response.content.decode().count('data-testid="project-row"') == 30


def test_a_project_can_be_started_on_its_own_from_a_company(alice, firm):
    assert 'value="Nordlicht GmbH"' in alice.client.get(f"/projects/new/?company={firm.pk}").content.decode()
    response = alice.client.post("/projects/new/", {
        "name": "Intranet", "status": "starting", "start_date": "2027-01-01", "end_date": "2026-12-31",
        "company_id": firm.pk, "company_name": "Nordlicht GmbH", "responsible": alice.user.pk})
    assert "The end cannot be before the start." in response.content.decode()
    assert not Project.objects.exists()
    alice.client.post("/projects/new/", {
        "name": "Intranet", "status": "starting", "start_date": "2027-01-01", "company_id": firm.pk,
        "company_name": "Nordlicht GmbH", "responsible": alice.user.pk, "tags": "Web"})
    project = Project.objects.get()
    assert project.company == firm and project.deal is None


def test_editing_a_project_that_changed_meanwhile_is_refused(alice, bob):
    project = actions.create_project(alice.membership, {"name": "Relaunch"})
    actions.update_project(Project.objects.get(), bob.membership, {"name": "Bob's name"})
    response = alice.client.post(f"/projects/{project.pk}/edit/", {
        "name": "Alice's name", "status": "starting", "responsible": alice.user.pk, "version": 1})
    assert response.status_code == 409
    assert Project.objects.get().name == "Bob's name"


def test_a_member_cannot_delete_a_project_but_a_power_user_can(alice, bob, carol):
    project = actions.create_project(alice.membership, {"name": "Relaunch"})
    assert carol.client.post(f"/projects/{project.pk}/delete/").status_code == 403
    assert Project.objects.alive().exists()
    assert bob.client.post(f"/projects/{project.pk}/delete/").status_code == 302
    assert not Project.objects.alive().exists()
    assert carol.client.get(f"/projects/{project.pk}/").status_code == 404
    assert "This is in the trash" in bob.client.get(f"/projects/{project.pk}/").content.decode()


def test_the_deals_history_leaves_the_project_page_with_the_deal(alice, won_deal):
    project = actions.create_project_from_deal(won_deal, alice.membership)
    history_actions.add_note(alice.membership, [won_deal.record], "Offer sent")
    trash_record(won_deal.record, alice.membership)
    html = alice.client.get(f"/projects/{project.pk}/").content.decode()
    assert "Offer sent" not in html and 'data-testid="origin-deal"' not in html
