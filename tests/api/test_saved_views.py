"""/api/v1/views: saved list views through the API."""

from __future__ import annotations

from kontor.records import saved_views
from kontor.records.models import SavedView


def test_create_list_change_and_delete_a_view(api, alice):
    client = api(alice)
    response = client.post("/views", {"name": "Kunden", "kind": "person", "query": "tag=Kunde", "shared": True})
    assert response.status_code == 201
    view = response.json()
    assert {k: view[k] for k in ("name", "kind", "query", "shared", "is_default")} == {
        "name": "Kunden", "kind": "person", "query": "tag=Kunde", "shared": True, "is_default": False}
    assert [v["id"] for v in client.get("/views", {"kind": "person"}).json()["items"]] == [view["id"]]
    assert client.get("/views", {"kind": "deal"}).json()["items"] == []
    changed = client.patch(f"/views/{view['id']}", {"name": "Stammkunden", "is_default": True}).json()
    assert changed["name"] == "Stammkunden" and changed["is_default"] is True
    assert client.delete(f"/views/{view['id']}").status_code == 204
    assert not SavedView.objects.exists()


def test_a_colleague_sees_a_shared_view_but_cannot_change_it(api, alice, carol):
    view = saved_views.save_view(alice.membership, "deal", "Offen", "state=open", shared=True)
    client = api(carol)
    assert [v["name"] for v in client.get("/views").json()["items"]] == ["Offen"]
    assert client.patch(f"/views/{view.pk}", {"name": "Meins"}).status_code == 403
    assert client.delete(f"/views/{view.pk}").status_code == 403
    assert SavedView.objects.get().name == "Offen"


def test_a_private_view_is_404_for_others(api, alice, oscar, carol):
    view = saved_views.save_view(alice.membership, "person", "Mine", "tag=a")
    assert api(carol).patch(f"/views/{view.pk}", {"name": "x"}).status_code == 404
    assert api(oscar).delete(f"/views/{view.pk}").status_code == 404


def test_bad_input_is_422(api, alice):
    client = api(alice)
    assert client.post("/views", {"name": "", "kind": "person"}).status_code == 422
    assert client.post("/views", {"name": "x", "kind": "dog"}).status_code == 422
    assert client.post("/views", {"name": "x", "kind": "person", "query": "q=" + "a" * 2100}).status_code == 422


def test_yes_or_no_takes_booleans_only_and_nothing_is_saved(api, alice):
    client = api(alice)
    for flag in ("is_default", "shared"):
        response = client.post("/views", {"name": "Kunden", "kind": "person", flag: 0})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", flag]
    assert client.get("/views").json()["items"] == []
