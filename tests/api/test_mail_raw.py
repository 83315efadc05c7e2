"""POST /api/v1/mail/raw: a raw message handed in by a hosted inbound-mail service."""

from __future__ import annotations

import pytest
from django.test import Client

from kontor.accounts import actions as account_actions
from kontor.history.models import EntryLink
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail, InboundState
from kontor.projects import actions as project_actions
from tests.mail.letters import letter, person

URL = "/api/v1/mail/raw"


def post_raw(persona, raw: bytes, to: str, content_type: str = "message/rfc822"):  # noqa: ANN001, ANN201
    _key, secret = account_actions.create_api_key(persona.membership, "inbound service")
    return Client().post(f"{URL}?to={to}", raw, content_type=content_type,
                         headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def raw() -> bytes:
    return letter(sender="carol@example.com", to="Anna Berger <anna@berger.example>", subject="Angebot")


def test_a_users_own_key_hands_in_mail_for_their_dropbox_and_it_is_filed(alice, carol, raw,
                                                                          django_capture_on_commit_callbacks):
    anna = person(alice, "Anna", "Berger", "anna@berger.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_raw(carol, raw, dropbox_for(carol.membership).address)

    assert response.status_code == 202
    inbound = InboundMail.objects.get()
    assert response.json() == {"id": inbound.pk, "state": "pending"}  # as it was when stored
    assert (inbound.source, inbound.membership, inbound.raw.read()) == ("api", carol.membership, raw)
    inbound.refresh_from_db()
    assert inbound.state == InboundState.FILED
    assert EntryLink.objects.filter(entry=inbound.entry, record=anna.record).exists()


def test_an_admin_or_the_owner_may_hand_in_mail_for_a_colleagues_dropbox(alice, carol, dave, raw):
    address = dropbox_for(carol.membership).address
    assert post_raw(dave, raw, address).status_code == 202
    assert post_raw(alice, raw, address).status_code == 202
    assert InboundMail.objects.filter(membership=carol.membership).count() == 2


def test_a_colleague_without_admin_rights_may_not_use_another_dropbox(alice, bob, carol, raw):
    response = post_raw(bob, raw, dropbox_for(carol.membership).address)
    assert response.status_code == 403
    assert not InboundMail.objects.exists()


def test_a_project_address_takes_mail_from_an_admins_key(alice, bob, raw):
    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    assert post_raw(bob, raw, project.email_address).status_code == 403
    assert post_raw(alice, raw, project.email_address).status_code == 202
    assert InboundMail.objects.get().project == project


def test_an_address_of_another_account_looks_exactly_like_an_unknown_one(alice, oscar, raw, settings):
    other = post_raw(oscar, raw, dropbox_for(alice.membership).address)
    unknown = post_raw(oscar, raw, f"bcc-000000000000@{settings.MAIL_DOMAIN}")
    assert (other.status_code, unknown.status_code) == (404, 404)
    assert other.json() == unknown.json()
    assert not InboundMail.objects.exists()


def test_a_message_above_the_limit_gets_413(alice, raw, settings):
    settings.MAIL_MAX_BYTES = 1000
    response = post_raw(alice, raw + b"x" * 2000, dropbox_for(alice.membership).address)
    assert response.status_code == 413
    assert "at most" in response.json()["detail"]
    assert not InboundMail.objects.exists()


def test_a_message_larger_than_djangos_form_limit_is_taken_up_to_the_mail_limit(alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = letter(to="x@y.example", text="Zeile\n" * 2000)
    assert post_raw(alice, big, dropbox_for(alice.membership).address).status_code == 202


def test_an_empty_body_or_another_content_type_gets_422(alice, raw):
    address = dropbox_for(alice.membership).address
    empty = post_raw(alice, b"", address)
    wrong_type = post_raw(alice, raw, address, content_type="application/json")
    assert (empty.status_code, wrong_type.status_code) == (422, 422)
    assert empty.json()["detail"][0]["loc"] == ["body"]
    assert wrong_type.json()["detail"][0]["loc"] == ["header", "Content-Type"]
    assert not InboundMail.objects.exists()


def test_a_missing_address_gets_422_and_no_key_401(alice, raw):
    _key, secret = account_actions.create_api_key(alice.membership, "x")
    no_to = Client().post(URL, raw, content_type="message/rfc822", headers={"Authorization": f"Bearer {secret}"})
    no_key = Client().post(f"{URL}?to={dropbox_for(alice.membership).address}", raw, content_type="message/rfc822")
    assert (no_to.status_code, no_key.status_code) == (422, 401)


def test_the_route_is_documented_with_its_body_and_answers(db):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/mail/raw"]["post"]
    assert "example" in operation["requestBody"]["content"]["message/rfc822"]
    assert {"202", "403", "404", "413", "422"} <= set(operation["responses"])
    assert operation["parameters"][0]["name"] == "to"
    assert schema["components"]["schemas"]["InboundOut"]["examples"] == [{"id": 17, "state": "pending"}]


def test_a_store_that_cannot_be_written_gets_503_and_keeps_nothing(alice, raw, settings):
    blocker = settings.STORAGES["default"]["OPTIONS"]["location"]
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("no folder")
    response = post_raw(alice, raw, dropbox_for(alice.membership).address)
    assert response.status_code == 503
    assert "again later" in response.json()["detail"]
    assert not InboundMail.objects.exists()
