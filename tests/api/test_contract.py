"""The API keeps its contract: schemathesis reads /api/v1/openapi.json and sends every operation
requests made from the document, valid and invalid ones, as the owner of a filled account, with every
check it has: no server error, only documented status codes, content types and headers, bodies that
match their schema, what the document allows is accepted and what it forbids is refused.

The example budget fits CI; before a release, run the longer check (see docs/api.md):

    KONTOR_CONTRACT_EXAMPLES=200 .venv/bin/pytest tests/api/test_contract.py -p no:randomly

Below the contract run: the rules it found broken, each pinned by a plain test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from kontor.accounts import actions as account_actions
from kontor.api.schemas import MAX_ID
from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.projects import actions as project_actions
from kontor.tasks import actions as task_actions
from kontor.tasks.models import Task
from kontor.transfer.models import Import
from kontor.webhooks import addresses as webhook_addresses
from kontor.webhooks import sending as webhook_sending
from tests.transfer.import_files import xlsx

from .conftest import PREFIX

# Examples per operation in the fuzzing phase (the examples and coverage phases come on top). The
# default keeps the whole run within a few minutes on SQLite; KONTOR_CONTRACT_EXAMPLES raises it.
EXAMPLES = int(os.environ.get("KONTOR_CONTRACT_EXAMPLES", "10"))
SEED = int(os.environ.get("KONTOR_CONTRACT_SEED", "20250613"))

# A raw mail (POST /mail/raw) travels as message/rfc822, which schemathesis sends like any bytes.
schemathesis.serializer.alias("message/rfc822", "application/octet-stream")

# Loaded once, at collection, from the app itself (in process, through WSGI): the document every
# client reads. Each operation becomes one test.
schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", get_wsgi_application())
# The key travels in the Authorization header of every request; the ignored_auth check still sends
# requests without it. Generating the security headers too would make the key look missing.
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, with_security_parameters=False,
                                modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
schema.config.seed = SEED
# In CI: the document's examples, then random data. The longer run before a release adds the boundary
# values of every parameter: KONTOR_CONTRACT_PHASES=examples,coverage,fuzzing.
PHASES = os.environ.get("KONTOR_CONTRACT_PHASES", "examples,fuzzing").split(",")
schema.config.phases.update(phases=PHASES)


def seed_account(alice: Any, bob: Any) -> dict[str, list[int]]:
    """Some records of every kind in Alice's account, so that requests by id meet real rows; by the
    name of the path parameter that takes their ids."""
    by = alice.membership
    companies = [contact_actions.create_company(by, {"name": name}) for name in ("Müller GmbH", "Adler AG")]
    people = [contact_actions.create_person(by, {"last_name": name, "first_name": "Anna"}, tags=["Kunde"])
              for name in ("Adler", "Berger", "Clausen")]
    deals = [deal_actions.create_deal(by, {"name": "Relaunch"}, people=people[:1]),
             deal_actions.create_deal(by, {"name": "Wartung"}, stage="won", people=people[1:2])]
    projects = [project_actions.create_project_from_deal(deals[1], by)]
    notes = [history_actions.add_note(by, [person.record], "Erstes Gespräch") for person in people]
    tasks = [task_actions.create_task(by, {"title": "Anrufen"}, record=people[0].record),
             task_actions.create_task(by, {"title": "Angebot schicken"})]
    files = [file_actions.upload_file(by, SimpleUploadedFile("Angebot.pdf", b"%PDF-1.4\n"),
                                      record=people[0].record, entry=notes[0])]
    comments = [history_actions.add_comment(by, "Gute Idee", entry=notes[0])]
    tags = list(people[0].record.tags.all())
    return {
        "person_id": [p.pk for p in people], "company_id": [c.pk for c in companies],
        "deal_id": [d.pk for d in deals], "project_id": [p.pk for p in projects],
        "note_id": [n.pk for n in notes], "entry_id": [n.pk for n in notes],
        "task_id": [t.pk for t in tasks], "file_id": [f.pk for f in files],
        "comment_id": [c.pk for c in comments], "tag_id": [t.pk for t in tags],
        "user_id": [alice.user.pk, bob.user.pk],
        "record_id": [p.pk for p in people] + [c.pk for c in companies],
    }


@pytest.fixture
def contract(alice, bob, settings, monkeypatch) -> Iterator[dict[str, Any]]:
    """Alice's filled account and her key. The rate limits are lifted: the run sends thousands of
    requests a minute with one key, and many without one (to check that each route asks for it).
    Webhook hosts resolve to this machine, without asking DNS: the tests reach no network."""
    settings.API_RATE_LIMIT = settings.API_BAD_KEY_LIMIT = 10**9
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setattr(webhook_addresses, "system_resolver", lambda host, port: ["127.0.0.1"])
    _key, secret = account_actions.create_api_key(alice.membership, "contract")
    # The requests go through the WSGI handler, not Django's test client: like the client, keep the
    # handler from closing the test's database connection at the end of each request (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"ids": seed_account(alice, bob), "headers": {"Authorization": f"Bearer {secret}"},
               "sent": Counter()}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# What the ids in a request body name, by the field's name without `_id`/`_ids`.
BODY_IDS = {"person": "person_id", "company": "company_id", "deal": "deal_id", "project": "project_id",
            "record": "record_id", "entry": "entry_id", "file": "file_id", "task": "task_id", "tag": "tag_id",
            "assignee": "user_id", "responsible": "user_id", "colleague": "user_id", "notify": "user_id"}


def _is_id(value: Any) -> bool:
    """A valid id: JSON Schema counts 3.0 as an integer too."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _real(value: Any, ids: dict[str, list[int]], turn: int) -> Any:
    """The body with every id field pointing at seeded rows: a valid request names rows that exist."""
    if isinstance(value, list):
        return [_real(item, ids, turn) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        base = key.removesuffix("_ids").removesuffix("_id")
        rows = ids.get(BODY_IDS.get(base, ""), []) if base != key else []
        if rows and _is_id(item):
            item = rows[turn % len(rows)]
        elif rows and isinstance(item, list) and all(_is_id(i) for i in item):
            # As many ids as were sent (a list's length may be what makes a request invalid).
            item = [rows[(turn + n) % len(rows)] for n in range(len(item))]
        out[key] = _real(item, ids, turn)
    return out


def use_real_ids(case: Any, contract: dict[str, Any]) -> None:
    """Every other request with a valid id in its path asks for a seeded row instead of a random
    number, which would almost always be a 404: so reading, changing and deleting real rows is
    checked too. A valid body names seeded rows wherever it names any (an unknown one is a 422)."""
    sent = contract["sent"]
    sent[case.operation.label] += 1
    turn = sent[case.operation.label]
    for name, value in case.path_parameters.items():
        rows = contract["ids"].get(name)
        # Valid ids only: a negative case's id beyond the largest one must stay as it is.
        if rows and _is_id(value) and turn % 2:
            case.path_parameters[name] = rows[turn // 2 % len(rows)]
    if isinstance(case.body, dict):  # valid ids only, so an invalid body stays invalid
        case.body = _real(case.body, contract["ids"], turn)
        ids = contract["ids"]
        if (not case.meta.generation.mode.is_negative and _is_id(case.body.get("record_id"))
                and case.body.get("entry_id") in ids["entry_id"]):
            # A file on a note and a record: the record the note belongs to (seeded side by side).
            case.body["record_id"] = ids["person_id"][ids["entry_id"].index(case.body["entry_id"])]


# Rules the code checks beyond what the document can say: there a request that fits the schema may
# still get a 422, but only at these fields; every other check applies to them as everywhere. What a
# pattern, a format, a length, an enum or `required` can say, the document says (e-mail addresses,
# phone numbers, amounts as text, months, names that are not blank, the file of an upload); what
# remains is a rule across fields or rows, on a file's contents, or one no JSON Schema can state.
BEYOND_THE_SCHEMA = {
    # What the file holds: a spreadsheet or vCard at all, a mapping that names the file's own columns,
    # a sheet the file has.
    "POST /api/v1/imports": {"file", "mapping", "sheet"},
    # A website is checked by Django's URL validator (host names and their length, international
    # names, IPv4 and IPv6 addresses, ports), which no pattern repeats exactly; custom fields are
    # keyed by the fields this account defined (rows, not the document).
    "POST /api/v1/people": {"websites", "custom_fields"},
    "PATCH /api/v1/people/{person_id}": {"websites", "custom_fields"},
    "POST /api/v1/companies": {"websites", "custom_fields"},
    "PATCH /api/v1/companies/{company_id}": {"websites", "custom_fields"},
    # A value sent as a JSON number may have two decimals at most: `multipleOf: 0.01` would say so,
    # but binary floating point makes validators refuse 1234.57 (it is not an exact multiple).
    "POST /api/v1/deals": {"value", "custom_fields"},
    "PATCH /api/v1/deals/{deal_id}": {"value", "custom_fields"},
    # A project's end on or after its start: two fields, and on PATCH one of them may be stored.
    "POST /api/v1/projects": {"end_date", "custom_fields"},
    "PATCH /api/v1/projects/{project_id}": {"end_date", "custom_fields"},
    # A note records what has happened: not later than now (the time of asking, not the text) and
    # not before 1900 (JSON Schema has no minimum for a date-time).
    "POST /api/v1/notes": {"happened_at"},
    # A custom field's name is unique among the account's fields of its kind (rows).
    "POST /api/v1/custom-fields": {"name"},
    # Nobody changes their own role, and the owner's role changes only by handing over ownership:
    # who asks and whom the path names together.
    "PATCH /api/v1/members/{membership_id}": {"role"},
    # The owner is not deactivated (the path names the owner: the request as a whole is refused), and
    # records go to an active colleague other than the one leaving (rows, and the path with the body).
    "POST /api/v1/members/{membership_id}/deactivate": {"", "hand_records_to"},
    # A file on a history entry and a record: the entry must belong to that record (rows). And a
    # multipart part without a file name is no file to Django, which the document cannot require;
    # nor has a multipart form a spelling for null (a null id arrives as the text "None").
    "POST /api/v1/files": {"record_id", "entry_id", "file"},
    # A form's fields name the account's custom fields; where it sends people back and which sites
    # may embed it are web addresses and origins as Django's URL validator reads them (see websites).
    "POST /api/v1/webforms": {"fields", "redirect_url", "allowed_origins"},
    "PATCH /api/v1/webforms/{webform_id}": {"fields", "redirect_url", "allowed_origins"},
    # A webhook's host must resolve to public addresses: DNS at the time of asking, not the text.
    "POST /api/v1/webhooks": {"url"},
    "PATCH /api/v1/webhooks/{webhook_id}": {"url"},
    # The address may not belong to someone in the team already (rows).
    "POST /api/v1/invitations": {"email"},
    # The photo must be an image (the file's contents).
    "POST /api/v1/people/{record_id}/photo": {"photo"},
    "POST /api/v1/companies/{record_id}/photo": {"photo"},
    # A tag is merged with other tags than itself (the path and the body together).
    "POST /api/v1/tags/{tag_id}/merge": {"tag_ids"},
    # People (companies) are merged with other live records of the account than themselves, and `keep`
    # names, per field, one of those records (rows, and the path and the body together).
    "POST /api/v1/people/{person_id}/merge": {"other_ids", "keep"},
    "POST /api/v1/companies/{company_id}/merge": {"other_ids", "keep"},
    # The forecast's last month may not come before its first (two fields).
    "GET /api/v1/deals/forecast": {"to"},
    # A view's filters are kept as a query string, which may grow past its limit once encoded.
    "POST /api/v1/views": {"query"},
    "PATCH /api/v1/views/{view_id}": {"query"},
}
# A bulk action: `ids` or `filter` (one of the two), an action the list offers (tasks have their own)
# and the arguments it needs, a colleague who is active in the account.
BEYOND_THE_SCHEMA.update({f"POST /api/v1/{resource}/bulk": {"ids", "action", "tags", "user_id", "days"}
                          for resource in ("people", "companies", "deals", "projects", "tasks")})


def check_content_refusal(case: Any, response: Any, fields: set[str]) -> None:
    """A 422 to a valid request only at the listed fields; "" stands for the body as a whole."""
    if response.status_code == 422 and not case.meta.generation.mode.is_negative:
        places = {tuple(error["loc"][:2]) for error in response.json()["detail"]}
        allowed = {(where, name) if name else (where,) for name in fields
                   for where in ("body", "query", "form")}
        assert places <= allowed, response.json()


@schema.parametrize()
# The account is filled once per operation; some bodies (a project's) take long to generate. No
# example database: every run tries exactly what the seed makes, never failures saved by an earlier one.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large], database=None)
def test_the_api_does_what_its_document_says(case, contract):
    use_real_ids(case, contract)
    fields = BEYOND_THE_SCHEMA.get(case.operation.label)
    excluded = [negative_data_rejection] if is_negative_in_name_only(case) else []
    if fields is None:
        case.call_and_validate(headers=contract["headers"], excluded_checks=excluded)
    else:
        response = case.call(headers=contract["headers"])
        case.validate_response(response, headers=contract["headers"],
                               excluded_checks=[positive_data_acceptance, *excluded])
        check_content_refusal(case, response, fields)


def is_negative_in_name_only(case: Any) -> bool:
    """A case of the negative mode that schemathesis could not make invalid: a form whose one field
    is a required file (a photo) has nothing to break that survives multipart, and schemathesis sends
    a valid form, still marked negative, whose description says it is a positive test case."""
    description = getattr(case.meta.phase.data, "description", None) or ""
    return case.meta.generation.mode.is_negative and description.lower().endswith("positive test case")



# The rules the contract run found broken, one by one.

def test_every_operation_lists_the_answers_any_route_can_give(client):
    document = client.get(f"{PREFIX}/openapi.json").json()
    operations = [op for methods in document["paths"].values() for op in methods.values()]
    assert len(operations) > 50
    for operation in operations:
        assert {"401", "403", "404", "422", "429"} <= set(operation["responses"]), operation["operationId"]
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def test_an_id_that_is_no_number_is_a_documented_422(api, alice):
    response = api(alice).get("/tasks/null,null")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "task_id"]


def test_a_body_that_is_not_an_object_is_refused_and_nothing_changes(api, alice):
    task = task_actions.create_task(alice.membership, {"title": "Anrufen"})
    client = api(alice)
    for body in ([None, None], 5, "text"):
        response = client.post(f"/tasks/{task.pk}/postpone", body)
        assert response.status_code == 422
        assert response.json()["detail"] == [{"loc": ["body"], "msg": "The request body must be a JSON object.",
                                              "type": "model_type"}]
    task.refresh_from_db()
    assert task.due_date is None


@pytest.mark.parametrize("due_time", ["00:00:00Z", "14:30+02:00", "25:00", "1430"])
def test_a_due_time_with_an_offset_or_no_time_at_all_is_a_422_not_a_server_error(api, alice, due_time):
    response = api(alice).post("/tasks", {"title": "Anrufen", "due_date": "2025-06-02", "due_time": due_time})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "due_time"]
    assert not Task.objects.filter(account=alice.account).exists()


def test_a_due_time_is_the_assignees_wall_clock_and_alone_means_today(api, alice):
    client = api(alice)
    timed = client.post("/tasks", {"title": "Anrufen", "due_date": "2025-06-02", "due_time": "14:30"}).json()
    assert (timed["due_date"], timed["due_time"]) == ("2025-06-02", "14:30:00")
    alone = client.post("/tasks", {"title": "Anrufen", "due_time": "09:00"})
    assert alone.status_code == 201
    assert alone.json()["due_date"] == str(timezone.localdate())
    changed = client.patch(f"/tasks/{timed['id']}", {"type": None, "title": ""})
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["type"]) == ("Task", "task")


@pytest.mark.parametrize("value", ["0.5", "0", "1700000000"])
def test_a_number_is_no_date_in_a_filter(api, alice, value):
    client = api(alice)
    for path, name in [("/people", "updated_since"), ("/tasks", "due_to"), ("/files", "created_from"),
                       ("/emails", "since"), ("/tasks", "updated_since")]:
        response = client.get(path, {name: value})
        assert response.status_code == 422, (path, name)
        assert response.json()["detail"][0]["loc"] == ["query", name]


@pytest.mark.parametrize("path, body, field", [
    ("/people", {"last_name": " "}, "last_name"), ("/companies", {"name": ""}, "name"),
    ("/deals", {"name": "\t"}, "name"), ("/projects", {"name": ""}, "name"),
    ("/custom-fields", {"kind": "person", "name": " ", "type": "text"}, "name"),
    ("/people", {"last_name": "Mül\x00ler"}, "last_name"), ("/people", {"last_name": "A", "tags": [" "]}, "tags"),
])
def test_blank_names_and_nul_characters_are_refused_as_the_document_says(api, alice, path, body, field):
    response = api(alice).post(path, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", field]
    document = api(alice).get("/openapi.json").json()["components"]["schemas"]
    assert document["PersonCreate"]["properties"]["last_name"]["minLength"] == 1
    assert "\\x00" in document["PersonCreate"]["properties"]["last_name"]["pattern"]


def test_an_item_of_a_list_must_be_an_object(api, alice):
    response = api(alice).post("/people", {"last_name": "Adler", "addresses": [None, 5]})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "addresses", 0], ["body", "addresses", 1]]
    response = api(alice).post("/people", {"last_name": "Adler", "positions": [{"company_id": 1, "is_former": 0}]})
    assert response.status_code == 422


def test_a_currency_is_an_iso_code_in_the_document_and_in_the_code(api, alice):
    client = api(alice)
    assert client.post("/deals", {"name": "Relaunch", "currency": "000"}).status_code == 422
    assert client.get("/deals/forecast", {"currency": "000"}).status_code == 422
    assert client.post("/deals", {"name": "Relaunch", "currency": "CHF"}).json()["currency"] == "CHF"
    document = client.get("/openapi.json").json()["components"]["schemas"]["DealCreate"]["properties"]
    assert "CHF" in document["currency"]["anyOf"][0]["enum"]


def test_a_comment_names_exactly_one_target_as_the_document_says(api, alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    note = history_actions.add_note(alice.membership, [person.record], "Erstes Gespräch")
    task = task_actions.create_task(alice.membership, {"title": "Anrufen"})
    client = api(alice)
    assert client.post("/comments", {"body": "Gut", "entry_id": note.pk, "task_id": task.pk}).status_code == 422
    assert client.post("/comments", {"body": "Gut", "entry_id": note.pk, "task_id": None}).status_code == 201
    schema = client.get("/openapi.json").json()["components"]["schemas"]["CommentCreate"]
    assert [branch["required"] for branch in schema["oneOf"]] == [["entry_id"], ["task_id"], ["file_id"]]


def test_comment_filters_combine_and_without_any_list_what_you_may_see(api, alice, carol):
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    note = history_actions.add_note(alice.membership, [person.record], "Offen")
    secret = history_actions.add_note(alice.membership, [person.record], "Vertraulich", confidential=True)
    history_actions.add_comment(alice.membership, "Zum Offenen", entry=note)
    history_actions.add_comment(alice.membership, "Zum Vertraulichen", entry=secret)
    task = task_actions.create_task(alice.membership, {"title": "Anrufen"})
    assert [c["body"] for c in api(alice).get("/comments").json()["items"]] == ["Zum Offenen", "Zum Vertraulichen"]
    assert [c["body"] for c in api(carol).get("/comments").json()["items"]] == ["Zum Offenen"]
    assert api(alice).get("/comments", {"entry_id": note.pk, "task_id": task.pk}).json()["items"] == []
    assert api(carol).get("/comments", {"entry_id": secret.pk}).status_code == 404


def test_a_note_needs_a_record_as_the_document_says(api, alice):
    response = api(alice).post("/notes", {"body": "Ohne Datensatz"})
    assert response.status_code == 422
    schema = api(alice).get("/openapi.json").json()["components"]["schemas"]["NoteCreate"]
    assert {tuple(branch["required"]) for branch in schema["anyOf"]} == {
        ("person_ids",), ("company_ids",), ("deal_ids",), ("project_ids",)}


def test_every_list_takes_perpage_as_well_as_per_page(api, alice):
    for name in ("Adler", "Berger", "Clausen"):
        contact_actions.create_person(alice.membership, {"last_name": name})
    client = api(alice)
    page = client.get("/people", {"perpage": 2}).json()
    assert (page["per_page"], len(page["items"]), page["has_next"]) == (2, 2, True)
    assert client.get("/people", {"perpage": 2, "per_page": 3}).json()["per_page"] == 3
    assert client.get("/tasks", {"perpage": 251}).status_code == 422
    assert client.get("/people", {"per_page": 251}).status_code == 422


def test_tasks_filter_by_updated_since_and_sort_by_the_last_change(api, alice):
    first = task_actions.create_task(alice.membership, {"title": "Erste"})
    second = task_actions.create_task(alice.membership, {"title": "Zweite", "due_date": dt.date(2025, 1, 1)})
    task_actions.update_task(first, alice.membership, {"description": "geändert"})
    client = api(alice)
    assert [t["id"] for t in client.get("/tasks").json()["items"]] == [second.pk, first.pk]
    assert [t["id"] for t in client.get("/tasks", {"order": "-updated_at"}).json()["items"]] == [first.pk, second.pk]
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert client.get("/tasks", {"updated_since": later}).json()["items"] == []


def _documented_verifier() -> Any:
    """The verification function exactly as docs/api.md prints it."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", guide, flags=re.DOTALL)
    [code] = [block for block in blocks if "def verify_kontor_signature" in block]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - our own documentation, checked to work as printed
    return namespace["verify_kontor_signature"]


def test_the_documented_recipe_verifies_what_kontor_signs_and_nothing_else():
    verify = _documented_verifier()
    secret, body, now = "whsec-test-1", b'{"id": 1, "event": "deal.won"}', int(time.time())
    # The documented formula: hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret.
    digest = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    assert verify(secret, f"t={now},v1={digest}", body)
    # ... which is what the worker sends.
    assert webhook_sending.signature(secret, body, now) == f"t={now},v1={digest}"
    assert not verify("another secret", f"t={now},v1={digest}", body)
    assert not verify(secret, f"t={now},v1={digest}", body + b" ")
    assert not verify(secret, webhook_sending.signature(secret, body, now - 3600), body)
    assert not verify(secret, "garbage", body)


def test_an_import_whose_columns_leave_a_required_field_unmapped_is_a_422_not_a_server_error(api, alice):
    client = api(alice)
    upload = SimpleUploadedFile("firmen.xlsx", xlsx([["Anna", "Adler"]], header=["Vorname", "Nachname"]))
    response = client.client.post(f"{PREFIX}/imports", {"file": upload, "kind": "companies"}, headers=client.headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "mapping"]
    assert not Import.objects.exists()


def test_a_body_of_null_is_no_object_and_changes_nothing(api, alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    client = api(alice)
    for method, path in (("post", "/tasks"), ("patch", f"/people/{person.pk}"), ("patch", "/settings/profile")):
        response = getattr(client.client, method)(f"{PREFIX}{path}", "null", content_type="application/json",
                                                  headers=client.headers)
        assert response.status_code == 422, path
        assert response.json()["detail"][0]["loc"] == ["body"]
    assert not Task.objects.filter(account=alice.account).exists()
    # A PATCH of nothing sends an empty object (or no body at all) and changes nothing.
    assert client.patch(f"/people/{person.pk}", {}).status_code == 200


def test_a_probability_is_a_number_not_false(api, alice):
    response = api(alice).post("/deals", {"name": "Relaunch", "probability": False})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "probability"]
    assert api(alice).post("/deals", {"name": "Relaunch", "probability": 0}).json()["probability"] == 0


def test_choices_of_yes_or_no_take_true_and_false_not_numbers(api, alice):
    client = api(alice)
    response = client.patch("/settings/notifications", {"email": {"entry": 0}})
    assert response.status_code == 422
    assert client.patch("/settings/calendar", {"include_team": 1}).status_code == 422
    assert client.patch("/settings/calendar", {"include_team": True}).json()["include_team"] is True


def test_winning_takes_no_body_or_an_object_but_not_null(api, alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    client = api(alice)
    response = client.client.post(f"{PREFIX}/deals/{deal.pk}/win", "null", content_type="application/json",
                                  headers=client.headers)
    assert response.status_code == 422
    assert client.client.post(f"{PREFIX}/deals/{deal.pk}/win", "", content_type="application/json",
                              headers=client.headers).status_code == 200
    schema = client.get("/openapi.json").json()["paths"]["/api/v1/deals/{deal_id}/win"]["post"]["requestBody"]
    assert "null" not in str(schema)
