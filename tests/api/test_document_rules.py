"""What the OpenAPI document says about a field is what the code checks: e-mail addresses, phone
numbers, contact details that are not blank, amounts as text, the files of uploads. The patterns are
compared with the checks of kontor/contacts/validation.py on many strings, so the two cannot drift."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kontor.api.deals import MONEY_TEXT
from kontor.api.schemas import EMAIL, PHONE
from kontor.contacts.models import Person
from kontor.contacts.validation import clean_detail
from kontor.deals.models import Deal

PHONE_LIKE = st.text(alphabet="0123456789 +()-/.xXeEtTDdWw\t\n", max_size=30)
EMAIL_LIKE = st.text(alphabet="ab.-_+%@ \t", max_size=20).map(lambda text: text.replace(" ", "", 1) + ".de")


def _accepted(kind: str, value: str) -> bool:
    try:
        clean_detail(kind, value)
    except ValidationError:
        return False
    return True


@settings(max_examples=500, deadline=None)
@given(PHONE_LIKE)
@example(" +49 (0)171-23/45.6 ext. 12 ")
@example("ext5")
@example("12x")
@example(" ")
def test_the_phone_pattern_accepts_exactly_what_the_contacts_accept(value):
    assert bool(re.search(PHONE, value)) == _accepted("phone", value)


@settings(max_examples=500, deadline=None)
@given(EMAIL_LIKE)
@example(" anna.berger@kunde.example ")
@example("a..b@kunde.de")
def test_every_address_the_email_pattern_allows_is_accepted_by_the_contacts(value):
    if re.search(EMAIL, value):
        assert _accepted("email", value)


def test_an_address_beyond_the_plain_form_is_refused_by_the_api_where_it_was_sent(api, alice):
    for address in ("anna@müller.de", '"anna berger"@kunde.de', "anna@localhost"):
        response = api(alice).post("/people", {"last_name": "Adler", "emails": [{"value": address}]})
        assert response.status_code == 422, address
        [error] = response.json()["detail"]
        assert error["loc"] == ["body", "emails", 0, "value"]
        assert error["msg"] == f"“{address}” is not a valid e-mail address."
    # ... and in the form of punycode it is taken.
    assert api(alice).post("/people", {"last_name": "Adler", "emails": [{"value": "anna@xn--mller-kva.de"}]}
                           ).status_code == 201
    assert Person.objects.count() == 1


def test_blank_websites_and_messengers_and_assistants_without_a_name_are_refused(api, alice):
    client = api(alice)
    for body in ({"websites": [{"value": "  "}]}, {"messengers": [{"value": ""}]},
                 {"assistants": [{"name": " ", "email": "anna@kunde.de"}]}):
        response = client.post("/people", {"last_name": "Adler", **body})
        assert response.status_code == 422, body
    assistant = client.post("/people", {"last_name": "Adler", "assistants": [{"name": "Berta", "email": " "}]})
    assert assistant.status_code == 201
    assert assistant.json()["assistants"] == [{"name": "Berta", "email": "", "phone": ""}]


def test_an_amount_as_text_has_digits_and_at_most_two_decimals(api, alice):
    client = api(alice)
    for refused in ("12.345", "1e3", "-1", "1 500", "", "1000000000000"):
        response = client.post("/deals", {"name": "Relaunch", "value": refused})
        assert response.status_code == 422, refused
        assert response.json()["detail"][0]["loc"] == ["body", "value"]
        assert not re.search(MONEY_TEXT, refused)
    assert not Deal.objects.exists()
    assert client.post("/deals", {"name": "Relaunch", "value": " 1500.5 "}).json()["value"] == "1500.50"
    assert client.post("/deals", {"name": "Relaunch", "value": 999999999999.99}).status_code == 201
    assert client.post("/deals", {"name": "Relaunch", "value": 1000000000000}).status_code == 422


def test_the_document_says_what_the_code_checks(api, alice):
    document = api(alice).get("/openapi.json").json()
    schemas, paths = document["components"]["schemas"], document["paths"]
    assert schemas["EmailDetail"]["properties"]["value"]["pattern"] == EMAIL
    assert schemas["Phone"]["properties"]["value"]["pattern"] == PHONE
    assert schemas["InvitationCreate"]["properties"]["email"]["pattern"] == EMAIL
    assert {"type": "string", "pattern": MONEY_TEXT, "examples": ["1500.00"]} in (
        schemas["DealCreate"]["properties"]["value"]["anyOf"])
    for path, name in (("/api/v1/people/{record_id}/photo", "photo"), ("/api/v1/imports", "file")):
        form = paths[path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert form["required"] == [name], path


def test_a_photo_or_an_import_without_its_file_is_refused(api, alice):
    person = api(alice).post("/people", {"last_name": "Adler"}).json()
    client = api(alice)
    response = client.client.post(f"/api/v1/people/{person['id']}/photo", {}, headers=client.headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "photo"]
    response = client.client.post("/api/v1/imports", {"tag": "Messe"}, headers=client.headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
