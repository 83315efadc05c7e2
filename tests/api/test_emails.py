"""/api/v1/emails (filed e-mails) and /api/v1/inbox (mail waiting to be filed)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Person
from kontor.deals import actions as deal_actions
from kontor.history.models import Entry
from kontor.mail import inbox
from kontor.mail.models import InboundMail, InboundState
from kontor.projects import actions as project_actions
from tests.mail.arrivals import arrive


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Kunde GmbH"})


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Berger"})


@pytest.fixture
def filed(alice, anna, firm):
    """An e-mail with an attachment, filed from Alice's inbox on Anna and her company."""
    waiting = arrive(alice, to="Alice Adler <alice@example.com>", attachments=(("Angebot.pdf", b"%PDF-1.4 x"),))
    return inbox.file_from_inbox(waiting, [anna.record, firm.record], alice.membership)


def test_an_email_reads_with_its_headers_text_attachments_and_records(api, alice, filed, anna, firm):
    email = api(alice).get(f"/emails/{filed.pk}").json()
    assert email["subject"] == "Anfrage Relaunch"
    assert email["from"] == {"name": "Anna Berger", "email": "anna.berger@kunde.example"}
    assert email["to"] == [{"name": "Alice Adler", "email": "alice@example.com"}]
    assert email["cc"] == [] and email["message_id"].endswith("@kunde.example")
    assert "wir hätten gern ein Angebot" in email["text"]
    assert email["confidential"] is False
    assert [(a["name"], a["size"]) for a in email["attachments"]] == [("Angebot.pdf", 10)]
    assert api(alice).get(email["attachments"][0]["url"].removeprefix("/api/v1")).status_code == 200
    assert {(r["id"], r["kind"]) for r in email["records"]} == {(anna.pk, "person"), (firm.pk, "company")}
    raw = api(alice).get(email["raw_url"].removeprefix("/api/v1"))
    assert raw["Content-Type"] == "message/rfc822"


def test_an_invitation_reads_with_its_event_and_other_mail_has_none(api, alice, filed):
    from kontor.mail import filing, intake
    from kontor.mail.dropbox import dropbox_for
    from tests.mail.corpus import CORPUS
    from tests.mail.letters import person

    assert api(alice).get(f"/emails/{filed.pk}").json()["event"] is None
    person(alice, "Anna", "Kunde", "anna@kunde.example")
    raw = (CORPUS / "outlook-calendar-invitation.eml").read_bytes()
    [inbound] = intake.receive(raw, [dropbox_for(alice.membership).address], "smtp")
    filing.file_inbound(inbound)
    inbound.refresh_from_db()
    email = api(alice).get(f"/emails/{inbound.entry_id}").json()
    assert email["event"] == {"summary": "Besprechung Angebot Müller", "start": "2025-11-24T13:00:00Z",
                              "end": "2025-11-24T14:00:00Z", "location": "Besprechungsraum 2, Köln",
                              "method": "REQUEST", "all_day": False}


def test_emails_appear_in_every_record_history_as_emails(api, alice, filed, anna, firm):
    for path in (f"/people/{anna.pk}/history", f"/companies/{firm.pk}/history"):
        [item] = api(alice).get(path).json()["items"]
        assert (item["id"], item["kind"], item["subject"]) == (filed.pk, "email", "Anfrage Relaunch")


def test_the_list_filters_by_record_and_kind_of_record_and_date(api, alice, filed, anna, firm):
    other = arrive(alice, subject="Andere Sache")
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    project = project_actions.create_project(alice.membership, {"name": "Website"})
    on_deal = inbox.file_from_inbox(other, [deal.record, project.record], alice.membership)
    client = api(alice)

    def ids(params):
        response = client.get("/emails", params)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids({}) == [on_deal.pk, filed.pk]
    assert ids({"person_id": anna.pk}) == [filed.pk]
    assert ids({"record_id": firm.pk}) == [filed.pk]
    assert ids({"company_id": firm.pk}) == [filed.pk]
    assert ids({"deal_id": deal.pk}) == [on_deal.pk]
    assert ids({"project_id": project.pk}) == [on_deal.pk]
    assert ids({"person_id": firm.pk}) == []
    assert ids({"since": "2999-01-01T00:00:00"}) == []
    assert ids({"since": "2000-01-01T00:00:00+01:00"}) == [on_deal.pk, filed.pk]
    assert client.get("/emails", {"since": "gestern"}).status_code == 422
    assert client.get("/emails", {"person_id": "x"}).status_code == 422


def test_the_list_costs_a_fixed_number_of_queries(api, alice, anna, django_assert_max_num_queries):
    for number in range(10):
        inbox.file_from_inbox(arrive(alice, subject=f"Mail {number}", attachments=(("a.pdf", b"%PDF-1.4"),)),
                              [anna.record], alice.membership)
    client = api(alice)
    client.get("/users/me")
    # key + membership, the page of e-mails, their records, their files
    with django_assert_max_num_queries(5):
        assert len(client.get("/emails").json()["items"]) == 10


def test_a_power_user_marks_an_email_confidential_and_members_no_longer_see_it(api, bob, carol, filed):
    response = api(bob).patch(f"/emails/{filed.pk}", {"confidential": True})
    assert response.status_code == 200 and response.json()["confidential"] is True
    member = api(carol)
    hidden = member.get(f"/emails/{filed.pk}")
    assert hidden.status_code == 404 and hidden.json() == member.get("/emails/999999").json()
    assert member.get("/emails").json()["items"] == []
    assert member.patch(f"/emails/{filed.pk}", {"confidential": False}).status_code == 404
    assert member.delete(f"/emails/{filed.pk}").status_code == 404
    assert member.get(f"/emails/{filed.pk}/raw").status_code == 404
    filed.refresh_from_db()
    assert filed.confidential is True


def test_a_member_may_not_mark_an_email_confidential(api, carol, filed):
    response = api(carol).patch(f"/emails/{filed.pk}", {"confidential": True})
    assert response.status_code == 403
    filed.refresh_from_db()
    assert filed.confidential is False


def test_record_ids_move_an_email_to_other_records(api, carol, filed, anna):
    deal = deal_actions.create_deal(carol.membership, {"name": "Relaunch"})
    response = api(carol).patch(f"/emails/{filed.pk}", {"record_ids": [anna.pk, deal.pk]})
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["records"]} == {anna.pk, deal.pk}
    assert set(filed.records.all()) == {anna.record, deal.record}


@pytest.mark.parametrize("body, loc", [
    ({"record_ids": []}, ["body", "record_ids"]),
    ({"record_ids": [999_999]}, ["body", "record_ids", 0]),
    ({"record_ids": ["x"]}, ["body", "record_ids", 0]),
    ({}, ["body"]),
    ({"confidential": "vielleicht"}, ["body", "confidential"]),
])
def test_bad_changes_of_an_email_are_refused_and_change_nothing(api, alice, filed, anna, firm, body, loc):
    response = api(alice).patch(f"/emails/{filed.pk}", body)
    assert response.status_code == 422, response.content
    assert loc in [error["loc"] for error in response.json()["detail"]]
    assert set(filed.records.all()) == {anna.record, firm.record}


def test_an_email_cannot_be_moved_onto_another_accounts_record(api, alice, oscar, filed, anna, firm):
    theirs = contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    response = api(alice).patch(f"/emails/{filed.pk}", {"record_ids": [theirs.pk]})
    assert response.status_code == 422
    assert set(filed.records.all()) == {anna.record, firm.record}


def test_deleting_an_email_takes_the_one_who_filed_it_or_an_administrator(api, bob, carol, dave, filed):
    assert api(carol).delete(f"/emails/{filed.pk}").status_code == 403
    assert api(bob).delete(f"/emails/{filed.pk}").status_code == 403
    assert Entry.objects.filter(pk=filed.pk).exists()
    assert api(dave).delete(f"/emails/{filed.pk}").status_code == 204
    assert not Entry.objects.filter(pk=filed.pk).exists()


def test_a_note_is_no_email(api, alice, anna):
    from kontor.history import actions as history_actions

    note = history_actions.add_note(alice.membership, [anna.record], "Nur eine Notiz")
    assert api(alice).get(f"/emails/{note.pk}").status_code == 404


def test_the_outsider_sees_no_email_and_no_inbox_item(api, alice, oscar, filed):
    waiting = arrive(alice, subject="Wartet")
    outsider = api(oscar)
    assert outsider.get("/emails").json()["items"] == []
    assert outsider.get("/inbox").json()["items"] == []
    for method, path in (("get", f"/emails/{filed.pk}"), ("patch", f"/emails/{filed.pk}"),
                         ("delete", f"/emails/{filed.pk}"), ("get", f"/inbox/{waiting.pk}/raw"),
                         ("post", f"/inbox/{waiting.pk}/file"), ("delete", f"/inbox/{waiting.pk}"),
                         ("post", f"/inbox/{waiting.pk}/restore")):
        assert getattr(outsider, method)(path).status_code == 404, path
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX and Entry.objects.filter(pk=filed.pk).exists()


# --- the inbox ---


def test_the_inbox_lists_the_keys_users_waiting_messages(api, alice, bob):
    waiting = arrive(alice)
    [item] = api(alice).get("/inbox").json()["items"]
    assert (item["id"], item["subject"]) == (waiting.pk, "Anfrage Relaunch")
    assert item["from"] == {"name": "Anna Berger", "email": "anna.berger@kunde.example"}
    assert "anna.berger@kunde.example" in item["note"]
    assert item["sender_as_person"] == {"salutation": "", "title": "", "first_name": "Anna", "last_name": "Berger",
                                        "email": "anna.berger@kunde.example"}
    assert api(alice).get(item["raw_url"].removeprefix("/api/v1")).status_code == 200
    assert api(bob).get("/inbox").json()["items"] == []


def test_filing_from_the_inbox_answers_with_the_email(api, alice, anna, firm):
    waiting = arrive(alice)
    response = api(alice).post(f"/inbox/{waiting.pk}/file", {"person_ids": [anna.pk], "company_ids": [firm.pk]})
    assert response.status_code == 201, response.content
    email = response.json()
    assert email["subject"] == "Anfrage Relaunch"
    assert {r["id"] for r in email["records"]} == {anna.pk, firm.pk}
    assert api(alice).get("/inbox").json()["items"] == []


def test_filing_from_the_inbox_on_a_new_person_made_from_the_sender(api, alice):
    waiting = arrive(alice, sender="Dr. Anna Berger <anna.berger@kunde.example>")
    response = api(alice).post(f"/inbox/{waiting.pk}/file", {"create_person": True})
    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert (person.title, person.first_name, person.last_name) == ("Dr.", "Anna", "Berger")
    assert response.json()["records"] == [{"id": person.pk, "kind": "person", "name": "Dr. Anna Berger"}]


@pytest.mark.parametrize("body, loc", [
    ({}, ["body", "person_ids"]),
    ({"person_ids": []}, ["body", "person_ids"]),
    ({"person_ids": [999_999]}, ["body", "person_ids", 0]),
    ({"company_ids": ["ANNA"]}, ["body", "company_ids", 0]),
    ({"deal_ids": [0]}, ["body", "deal_ids", 0]),
    ({"person_ids": ["ANNA"], "create_person": True}, ["body", "create_person"]),
    ({"create_person": "ja"}, ["body", "create_person"]),
])
def test_bad_filing_is_refused_and_the_message_keeps_waiting(api, alice, anna, body, loc):
    waiting = arrive(alice)
    body = {key: [anna.pk if v == "ANNA" else v for v in value] if isinstance(value, list) else value
            for key, value in body.items()}
    response = api(alice).post(f"/inbox/{waiting.pk}/file", body)
    assert response.status_code == 422, response.content
    assert loc in [error["loc"] for error in response.json()["detail"]]
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX
    assert not Entry.objects.exists() and Person.objects.count() == 1


def test_a_colleagues_inbox_item_is_a_404(api, alice, bob, dave, anna):
    waiting = arrive(alice)
    for colleague in (bob, dave):
        client = api(colleague)
        assert client.post(f"/inbox/{waiting.pk}/file", {"person_ids": [anna.pk]}).status_code == 404
        assert client.delete(f"/inbox/{waiting.pk}").status_code == 404
        assert client.get(f"/inbox/{waiting.pk}/raw").status_code == 404
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX and not Entry.objects.exists()


def test_discarding_and_bringing_back(api, alice):
    waiting = arrive(alice)
    client = api(alice)
    assert client.delete(f"/inbox/{waiting.pk}").status_code == 204
    assert client.get("/inbox").json()["items"] == []
    assert [i["id"] for i in client.get("/inbox", {"discarded": "true"}).json()["items"]] == [waiting.pk]
    assert client.delete(f"/inbox/{waiting.pk}").status_code == 404
    restored = client.post(f"/inbox/{waiting.pk}/restore")
    assert restored.status_code == 200 and restored.json()["id"] == waiting.pk
    assert InboundMail.objects.get(pk=waiting.pk).state == InboundState.INBOX


fuzz_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                         st.text(max_size=20), st.sampled_from(["", "1", "2024-13-01T25:00", "\x00", "ja"]))
fuzz_values = st.one_of(fuzz_scalars, st.lists(fuzz_scalars, max_size=3))
FILE_KEYS = ["person_ids", "company_ids", "deal_ids", "project_ids", "create_person"]
CHANGE_KEYS = ["record_ids", "confidential"]
LIST_KEYS = ["record_id", "person_id", "company_id", "deal_id", "project_id", "since", "page", "per_page"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file_body=st.dictionaries(st.sampled_from(FILE_KEYS), fuzz_values, max_size=3),
       change_body=st.dictionaries(st.sampled_from(CHANGE_KEYS), fuzz_values, max_size=2),
       query=st.dictionaries(st.sampled_from(LIST_KEYS), fuzz_scalars.map(str), max_size=3))
def test_random_input_never_fails_with_a_500(api, carol, filed, file_body, change_body, query):
    client = api(carol)
    waiting = inbox.inbox_for(carol.membership).first() or arrive(carol)
    assert client.post(f"/inbox/{waiting.pk}/file", file_body).status_code < 500
    assert client.patch(f"/emails/{filed.pk}", change_body).status_code < 500
    assert client.get("/emails", query).status_code < 500
    assert client.get("/inbox", query).status_code < 500
