"""/api/v1/webforms: owners' and administrators' keys list, create, change and delete web forms;
other roles get 403, another account's form 404, bad input 422 at its field."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.webforms.models import WebForm
from tests.webforms.conftest import make_form


@pytest.fixture
def webform(alice, bob, carol) -> WebForm:
    return make_form(alice, responsible_id=bob.user.pk, notify_ids=[carol.user.pk])


def test_an_admin_creates_a_form_and_gets_its_public_address(api, dave, bob):
    response = api(dave).post("/webforms", {
        "name": "Kontakt", "fields": [{"key": "email", "required": True}, {"key": "last_name"}],
        "tags": ["Website"], "responsible_id": bob.user.pk, "notify_ids": [bob.user.pk, dave.user.pk],
        "redirect_url": "https://www.example.com/danke", "language": "en",
        "allowed_origins": ["https://www.example.com"]})
    assert response.status_code == 201
    body = response.json()
    created = WebForm.objects.get()
    assert body["id"] == created.pk and body["token"] == created.token
    assert body["url"] == f"http://127.0.0.1:8000/f/{created.token}/"
    assert body["fields"] == [{"key": "last_name", "required": True}, {"key": "email", "required": True}]
    assert (body["tags"], body["responsible_id"], body["notify_ids"]) == (
        ["Website"], bob.user.pk, sorted([bob.user.pk, dave.user.pk]))
    assert (body["redirect_url"], body["language"]) == ("https://www.example.com/danke", "en")


def test_the_list_holds_the_accounts_forms_only(api, alice, oscar):
    make_form(alice)
    make_form(oscar, name="Fremd")
    assert [w["name"] for w in api(alice).get("/webforms").json()["items"]] == ["Kontakt"]


def test_patch_changes_only_the_keys_sent(api, alice, webform, bob):
    response = api(alice).patch(f"/webforms/{webform.pk}", {"name": "Anfrage", "responsible_id": None})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["responsible_id"], body["tags"]) == ("Anfrage", None, ["Website"])
    assert len(body["notify_ids"]) == 1 and len(body["fields"]) == 6


def test_delete_removes_the_form(api, alice, webform):
    assert api(alice).delete(f"/webforms/{webform.pk}").status_code == 204
    assert not WebForm.objects.exists()


def test_other_roles_get_403_and_nothing_changes(api, webform, bob, carol):
    for persona in (bob, carol):
        client = api(persona)
        assert client.get("/webforms").status_code == 403
        assert client.post("/webforms", {"name": "X"}).status_code == 403
        assert client.patch(f"/webforms/{webform.pk}", {"name": "X"}).status_code == 403
        assert client.delete(f"/webforms/{webform.pk}").status_code == 403
    assert WebForm.objects.get().name == "Kontakt"


def test_another_accounts_form_is_a_404(api, webform, oscar):
    client = api(oscar)
    assert client.patch(f"/webforms/{webform.pk}", {"name": "X"}).status_code == 404
    assert client.delete(f"/webforms/{webform.pk}").status_code == 404
    assert client.get(f"/webforms/{webform.pk}").json() == client.get("/webforms/999999").json()


def test_bad_input_is_a_422_at_each_field(api, alice, oscar):
    response = api(alice).post("/webforms", {
        "name": "Kontakt", "fields": [{"key": "fax"}], "responsible_id": oscar.user.pk,
        "redirect_url": "javascript:alert(1)", "allowed_origins": ["http://www.example.com"]})
    assert response.status_code == 422
    places = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert places == {("body", "fields"), ("body", "responsible_id"), ("body", "redirect_url"),
                      ("body", "allowed_origins")}
    assert not WebForm.objects.exists()


def test_a_schema_error_names_its_field(api, alice):
    response = api(alice).post("/webforms", {"name": "x" * 151, "language": "fr"})
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["detail"]} == {("body", "name"), ("body", "language")}


WEBFORM_KEYS = ["name", "fields", "tags", "responsible_id", "notify_ids", "thank_you_text", "redirect_url",
                "language", "allowed_origins"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=30),
                    st.sampled_from(["", "de", "https://www.example.com", "last_name", "\x00", "javascript:x"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["key", "required"]), inner, max_size=2), max_leaves=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(WEBFORM_KEYS), values, max_size=5))
def test_random_settings_never_fail_with_a_500(api, alice, webform, body):
    client = api(alice)
    assert client.post("/webforms", body).status_code in (201, 422)
    assert client.patch(f"/webforms/{webform.pk}", body).status_code in (200, 422)
