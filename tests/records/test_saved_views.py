"""Saved views: a list's filters under a name, private or shared, and the view a list opens with."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kontor.contacts import actions as contact_actions
from kontor.records import saved_views
from kontor.records.models import SavedView


def test_a_saved_view_keeps_the_query_without_paging(alice):
    view = saved_views.save_view(alice.membership, "person", "  Kunden  in Berlin ", "?tag=Kunde&q=berlin&page=3")
    assert (view.name, view.query) == ("Kunden in Berlin", "tag=Kunde&q=berlin")


def test_saving_under_the_same_name_replaces_the_view(alice):
    saved_views.save_view(alice.membership, "person", "Kunden", "tag=Kunde")
    saved_views.save_view(alice.membership, "person", "kunden", "tag=Lead")
    assert list(SavedView.objects.values_list("query", flat=True)) == ["tag=Lead"]


@pytest.mark.parametrize(("kind", "name", "query", "expected"), [
    ("dog", "x", "", r"Choose one of: person, company, deal, project, task\."),
    ("person", " ", "", r"Give the view a name\."),
    ("person", "x" * 81, "", r"A name can have at most 80 characters\."),
    ("person", "x", "q=" + "a" * 2100, r"These filters are too long to save\.")])
def test_bad_views_are_refused(alice, kind, name, query, expected):
    with pytest.raises(ValidationError, match=expected):
        saved_views.save_view(alice.membership, kind, name, query)
    assert not SavedView.objects.exists()


def test_private_views_are_the_authors_and_shared_ones_the_teams(alice, carol, oscar):
    saved_views.save_view(alice.membership, "person", "Mine", "tag=a")
    saved_views.save_view(alice.membership, "person", "Ours", "tag=b", shared=True)
    assert [v.name for v in saved_views.visible_views(alice.membership, "person")] == ["Mine", "Ours"]
    assert [v.name for v in saved_views.visible_views(carol.membership, "person")] == ["Ours"]
    assert saved_views.visible_views(oscar.membership, "person") == []


def test_the_list_opens_with_the_default_view_and_shows_all_on_request(alice):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde"])
    saved_views.save_view(alice.membership, "person", "Kunden", "tag=Kunde", make_default=True)
    response = alice.client.get("/people/")
    assert response.status_code == 302 and response["Location"] == "/people/?tag=Kunde"
    assert alice.client.get("/people/", {"view": "all"}).status_code == 200
    assert alice.client.get("/people/", {"q": "x"}).status_code == 200


def test_the_side_column_lists_the_views_and_saves_the_filters_shown(alice):
    saved_views.save_view(alice.membership, "person", "Kunden", "tag=Kunde")
    page = alice.client.get("/people/", {"q": "adl"}).content.decode()
    assert "Kunden" in page and 'name="query" value="q=adl"' in page
    response = alice.client.post("/views/", {"kind": "person", "name": "Adler", "query": "q=adl", "shared": "1"})
    assert response["Location"] == "/people/?q=adl"
    assert SavedView.objects.get(name="Adler").is_shared


def test_making_default_and_deleting_from_the_side_column(alice, carol):
    view = saved_views.save_view(alice.membership, "company", "Kunden", "tag=Kunde", shared=True)
    carol.client.post(f"/views/{view.pk}/default/")
    assert saved_views.default_view(carol.membership, "company") == view
    assert saved_views.default_view(alice.membership, "company") is None
    carol.client.post(f"/views/{view.pk}/delete/")  # not hers: refused
    assert SavedView.objects.filter(pk=view.pk).exists()
    alice.client.post(f"/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_another_users_private_view_is_not_found(alice, carol):
    view = saved_views.save_view(alice.membership, "person", "Mine", "tag=a")
    assert carol.client.post(f"/views/{view.pk}/default/").status_code == 404
    assert carol.client.post(f"/views/{view.pk}/delete/").status_code == 404


def test_the_task_list_has_saved_views_too(alice):
    saved_views.save_view(alice.membership, "task", "Überfällig", "state=overdue", make_default=True)
    assert alice.client.get("/tasks/")["Location"] == "/tasks/?state=overdue"
    assert "Überfällig" in alice.client.get("/tasks/", {"state": "overdue"}).content.decode()


def test_a_list_with_filters_too_long_to_save_still_answers_and_offers_no_save(alice):
    response = alice.client.get("/people/", {"q": "x" * 5000})
    assert response.status_code == 200 and 'form="saved-view-form" maxlength' not in response.content.decode()
    response = alice.client.post("/views/", {"kind": "person", "name": "Long", "query": "q=" + "x" * 5000})
    assert response.status_code == 302 and not SavedView.objects.exists()


def test_the_bulk_bar_sends_back_only_to_a_path_of_this_site(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    for target in ("https://evil.example/", "//evil.example/", "/people/\x00", "javascript:alert(1)"):
        response = alice.client.post("/records/bulk/people/", {"ids": [person.pk], "action": "follow",
                                                                "next": target})
        assert response["Location"] == "/people/"
