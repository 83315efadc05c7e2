"""One set of conventions on every list of the API: `page` and `per_page` (at most 250, `perpage` too),
`updated_since` and `order`; bad values are a 422 with `{"detail": ...}`.

The first test walks the OpenAPI document, so a list added later without them fails here. The others
make two items of each list through the real actions, move the first one's time a day back, and
check that `order` sorts both ways and `updated_since` leaves the older one out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.accounts.models import ApiKey, Invitation, Membership
from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.files import actions as file_actions
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from kontor.history.models import Activity, Comment, Entry, EntryLink
from kontor.mail import inbox
from kontor.mail.models import InboundMail
from kontor.notifications.models import Notification
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions
from kontor.records import saved_views
from kontor.records.custom_fields import create_custom_field
from kontor.records.models import CustomField, Record, SavedView, Tag
from kontor.transfer.models import Import
from kontor.webforms.models import WebForm
from kontor.webhooks import actions as webhook_actions
from kontor.webhooks import addresses as webhook_addresses
from kontor.webhooks.models import Delivery, Subscription
from tests.api.test_imports import _post as post_import
from tests.mail.arrivals import arrive

# Search answers by relevance (records by kind, then texts newest first, straight from the full-text
# index); `order` and `updated_since` have no meaning there. Every other list takes them.
NOT_A_RESOURCE_LIST = {"/api/v1/search"}

DAY_AGO = dt.timedelta(days=1)


def _list_operations(document: dict) -> list[tuple[str, dict, dict]]:
    """Every GET whose answer holds a list of items, with the answer's schema."""
    schemas = document["components"]["schemas"]
    found = []
    for path, methods in document["paths"].items():
        operation = methods.get("get")
        answer = operation and operation["responses"]["200"].get("content", {}).get("application/json")
        if not answer:
            continue
        schema = answer["schema"]
        schema = schemas[schema["$ref"].split("/")[-1]] if "$ref" in schema else schema
        if "items" in schema.get("properties", {}):
            found.append((path, operation, schema))
    return found


def test_every_list_in_the_document_takes_the_same_paging_filter_and_order(api, alice):
    document = api(alice).get("/openapi.json").json()
    operations = _list_operations(document)
    assert len(operations) > 25
    for path, operation, schema in operations:
        assert {"page", "per_page", "has_next"} <= set(schema["properties"]), path
        if path in NOT_A_RESOURCE_LIST:
            continue
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert {"page", "per_page", "perpage", "updated_since", "order"} <= set(parameters), path
        assert parameters["per_page"]["schema"]["maximum"] == 250, path
        assert parameters["updated_since"]["schema"]["anyOf"][0]["format"] == "date-time", path
        assert len(parameters["order"]["schema"]["enum"]) >= 2, path
        assert "422" in operation["responses"], path


def backdate(model: type[Model], pk: int, *fields: str) -> None:
    """The row as if written a day ago (through an update: no action writes the past)."""
    model.objects.filter(pk=pk).update(**dict.fromkeys(fields, timezone.now() - DAY_AGO))  # type: ignore[attr-defined]


@dataclass
class Made:
    path: str
    older: Any
    newer: Any
    key: str = "id"


def _history(kind: str) -> Callable[[Any], Made]:
    def make(alice: Any) -> Made:
        by = alice.membership
        record = {"person": lambda: contact_actions.create_person(by, {"last_name": "Adler"}).record,
                  "company": lambda: contact_actions.create_company(by, {"name": "Adler AG"}).record,
                  "deal": lambda: deal_actions.create_deal(by, {"name": "Relaunch"}).record,
                  "project": lambda: project_actions.create_project(by, {"name": "Relaunch"}).record}[kind]()
        older, newer = (history_actions.add_note(by, [record], text) for text in ("Erstes", "Zweites"))
        backdate(Entry, older.pk, "happened_at", "created_at", "updated_at")
        EntryLink.objects.filter(entry=older).update(happened_at=timezone.now() - DAY_AGO)
        resource = {"person": "people", "company": "companies", "deal": "deals", "project": "projects"}[kind]
        return Made(f"/{resource}/{record.pk}/history", older.pk, newer.pk)
    return make


def _files(alice: Any) -> Made:
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    older, newer = (file_actions.upload_file(alice.membership, SimpleUploadedFile(name, b"%PDF-1.4\n"),
                                             record=person.record) for name in ("a.pdf", "b.pdf"))
    backdate(Attachment, older.pk, "created_at")
    return Made("/files", older.pk, newer.pk)


def _note(alice: Any) -> Entry:
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    return history_actions.add_note(alice.membership, [person.record], "Erstes Gespräch")


def _comments(alice: Any) -> Made:
    note = _note(alice)
    older, newer = (history_actions.add_comment(alice.membership, text, entry=note) for text in ("Eins", "Zwei"))
    backdate(Comment, older.pk, "created_at")
    return Made("/comments", older.pk, newer.pk)


def _notifications(alice: Any) -> Made:
    bob = account_actions.add_user(alice.account, "bob@example.com", None, "Bob Berger", "power", language="en")
    note = _note(alice)
    for text in ("Eins", "Zwei"):
        history_actions.add_comment(bob, text, entry=note, notify=[alice.user.pk])
    older, newer = Notification.objects.filter(recipient=alice.user).order_by("pk")
    backdate(Notification, older.pk, "created_at")
    return Made("/notifications", older.pk, newer.pk)


def _emails(alice: Any) -> Made:
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    older, newer = (inbox.file_from_inbox(arrive(alice, subject=subject), [person.record], alice.membership)
                    for subject in ("Eins", "Zwei"))
    backdate(Entry, older.pk, "happened_at", "created_at", "updated_at")
    return Made("/emails", older.pk, newer.pk)


def _inbox(alice: Any) -> Made:
    older, newer = (arrive(alice, subject=subject) for subject in ("Eins", "Zwei"))
    backdate(InboundMail, older.pk, "received_at")
    return Made("/inbox", older.pk, newer.pk)


def _imports(alice: Any, api: Any) -> Made:
    client = api(alice)
    older, newer = (post_import(client, name=name).json()["id"] for name in ("erste.xlsx", "zweite.xlsx"))
    backdate(Import, older, "created_at")
    return Made("/imports", older, newer)


def _subscriptions(alice: Any) -> tuple[Subscription, Subscription]:
    older, newer = (webhook_actions.create_subscription(alice.membership, f"https://hooks.example/{n}",
                                                        ["person.created"])[0] for n in (1, 2))
    return older, newer


def _webhooks(alice: Any) -> Made:
    older, newer = _subscriptions(alice)
    backdate(Subscription, older.pk, "created_at", "updated_at")
    return Made("/webhooks", older.pk, newer.pk)


def _deliveries(alice: Any) -> Made:
    subscription, _other = _subscriptions(alice)
    for name in ("Adler", "Berger"):
        contact_actions.create_person(alice.membership, {"last_name": name})
    older, newer = Delivery.objects.filter(subscription=subscription).order_by("pk")
    backdate(Delivery, older.pk, "created_at")
    return Made(f"/webhooks/{subscription.pk}/deliveries", older.pk, newer.pk)


def _following(alice: Any) -> Made:
    older, newer = (contact_actions.create_person(alice.membership, {"last_name": n}) for n in ("Adler", "Berger"))
    backdate(Record, older.pk, "updated_at")
    return Made("/following", older.pk, newer.pk)


def _trash(alice: Any) -> Made:
    older, newer = (contact_actions.create_person(alice.membership, {"last_name": n}) for n in ("Adler", "Berger"))
    for person in (older, newer):
        record_actions.trash_record(person.record, alice.membership)
    backdate(Record, older.pk, "deleted_at")
    return Made("/trash", older.pk, newer.pk)


def _activity(alice: Any) -> Made:
    people = [contact_actions.create_person(alice.membership, {"last_name": n}) for n in ("Adler", "Berger")]
    older, newer = (Activity.objects.filter(record=person.record).get() for person in people)
    backdate(Activity, older.pk, "created_at")
    return Made("/activity", older.pk, newer.pk)


def _colleagues(alice: Any) -> tuple[Membership, Membership]:
    older, newer = (account_actions.add_user(alice.account, f"{name.lower()}@example.com", None, name, "member",
                                             language="en") for name in ("Bob", "Carol"))
    backdate(Membership, older.pk, "created_at")
    return older, newer


def _members(alice: Any) -> Made:
    older, newer = _colleagues(alice)
    return Made("/members", older.pk, newer.pk)


def _users(alice: Any) -> Made:
    older, newer = _colleagues(alice)
    return Made("/users", older.user_id, newer.user_id)


def _invitations(alice: Any) -> Made:
    older, newer = (account_actions.invite(alice.membership, f"{name}@example.com", name, "member")
                    for name in ("bob", "carol"))
    backdate(Invitation, older.pk, "sent_at")
    return Made("/invitations", older.pk, newer.pk)


def _keys(alice: Any) -> Made:
    older, newer = (account_actions.create_api_key(alice.membership, name)[0] for name in ("Skript", "Export"))
    backdate(ApiKey, older.pk, "created_at")
    return Made("/keys", older.pk, newer.pk)


def _tags(alice: Any) -> Made:
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde", "Messe"])
    older, newer = Tag.objects.filter(account=alice.account).order_by("name")
    backdate(Tag, older.pk, "created_at")
    return Made("/tags", older.pk, newer.pk)


def _webforms(alice: Any, api: Any) -> Made:
    client = api(alice)
    older, newer = (client.post("/webforms", {"name": name}).json()["id"] for name in ("Kontakt", "Anfrage"))
    backdate(WebForm, older, "created_at", "updated_at")
    return Made("/webforms", older, newer)


def _custom_fields(alice: Any) -> Made:
    older, newer = (create_custom_field(alice.membership, "person", name, "text") for name in ("Quelle", "Branche"))
    backdate(CustomField, older.pk, "created_at")
    return Made("/custom-fields", older.pk, newer.pk)


def _views(alice: Any) -> Made:
    older, newer = (saved_views.save_view(alice.membership, "person", name, "tag=Kunde") for name in ("A", "B"))
    backdate(SavedView, older.pk, "created_at", "updated_at")
    return Made("/views", older.pk, newer.pk)


# The list, how to make two of its items, and the order whose ascending and descending forms it takes.
LISTS: dict[str, tuple[Callable[..., Made], str]] = {
    "person history": (_history("person"), "happened_at"),
    "company history": (_history("company"), "happened_at"),
    "deal history": (_history("deal"), "happened_at"),
    "project history": (_history("project"), "happened_at"),
    "files": (_files, "created_at"),
    "comments": (_comments, "created_at"),
    "notifications": (_notifications, "created_at"),
    "emails": (_emails, "date"),
    "inbox": (_inbox, "received_at"),
    "imports": (_imports, "created_at"),
    "webhooks": (_webhooks, "updated_at"),
    "deliveries": (_deliveries, "created_at"),
    "following": (_following, "updated_at"),
    "trash": (_trash, "deleted_at"),
    "activity": (_activity, "created_at"),
    "members": (_members, "created_at"),
    "users": (_users, "created_at"),
    "invitations": (_invitations, "sent_at"),
    "keys": (_keys, "created_at"),
    "tags": (_tags, "created_at"),
    "webforms": (_webforms, "updated_at"),
    "custom fields": (_custom_fields, "created_at"),
    "saved views": (_views, "updated_at"),
}


@pytest.fixture
def webhooks_here(settings, monkeypatch) -> None:
    """Webhook hosts resolve without DNS (the tests reach no network)."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setattr(webhook_addresses, "system_resolver", lambda host, port: ["127.0.0.1"])


def _make(name: str, alice: Any, api: Any) -> Made:
    make, _order = LISTS[name]
    return make(alice, api) if make in (_imports, _webforms) else make(alice)


def _ids(client: Any, made: Made, **params: Any) -> list[Any]:
    response = client.get(made.path, {"per_page": 250, **params})
    assert response.status_code == 200, response.content
    return [item[made.key] for item in response.json()["items"] if item[made.key] in (made.older, made.newer)]


@pytest.mark.parametrize("name", LISTS)
def test_order_sorts_both_ways_and_updated_since_leaves_out_the_older(api, alice, webhooks_here, name):
    made = _make(name, alice, api)
    client = api(alice)
    column = LISTS[name][1]
    assert _ids(client, made, order=column) == [made.older, made.newer]
    assert _ids(client, made, order=f"-{column}") == [made.newer, made.older]
    since = (timezone.now() - DAY_AGO / 2).isoformat()
    assert _ids(client, made, updated_since=since) == [made.newer]
    assert _ids(client, made, updated_since=since, order=column) == [made.newer]


@pytest.mark.parametrize("name", LISTS)
def test_paging_takes_per_page_or_perpage(api, alice, webhooks_here, name):
    made = _make(name, alice, api)
    client = api(alice)
    column = LISTS[name][1]
    first = client.get(made.path, {"order": f"-{column}", "per_page": 1}).json()
    assert (first["page"], first["per_page"], len(first["items"])) == (1, 1, 1)
    assert first["has_next"] is True
    second = client.get(made.path, {"order": f"-{column}", "perpage": 1, "page": 2}).json()
    assert (second["page"], second["per_page"], len(second["items"])) == (2, 1, 1)
    assert second["items"][0][made.key] != first["items"][0][made.key]


BAD_VALUES: list[dict[str, Any]] = [{"order": "sideways"}, {"updated_since": "gestern"}, {"updated_since": "0.5"},
                                    {"per_page": 251}, {"perpage": 0}, {"page": 0}, {"page": "zwei"}]


@pytest.mark.parametrize("name", LISTS)
def test_bad_paging_order_or_time_is_a_422_that_says_where(api, alice, webhooks_here, name):
    made = _make(name, alice, api)
    client = api(alice)
    for params in BAD_VALUES:
        response = client.get(made.path, params)
        assert response.status_code == 422, (params, response.content)
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", *list(params)], params


def test_an_outsider_lists_nothing_of_alice_with_any_order(api, alice, oscar, webhooks_here):
    made = _make("comments", alice, api)
    assert api(oscar).get(made.path, {"order": "-created_at"}).json()["items"] == []
    assert api(oscar).get("/files", {"order": "name"}).json()["items"] == []


def test_a_list_with_order_and_updated_since_costs_a_fixed_number_of_queries(api, alice, webhooks_here,
                                                                              django_assert_max_num_queries):
    for name in ("Adler", "Berger", "Clausen"):
        contact_actions.create_person(alice.membership, {"last_name": name})
    client = api(alice)
    since = (timezone.now() - DAY_AGO).isoformat()
    # The key's check, its use and rate counter, then the page: the same as without order or filter.
    with django_assert_max_num_queries(8):
        assert len(client.get("/activity", {"order": "created_at", "updated_since": since}).json()["items"]) == 3
    with django_assert_max_num_queries(8):
        assert len(client.get("/following", {"order": "-updated_at", "updated_since": since}).json()["items"]) == 3
