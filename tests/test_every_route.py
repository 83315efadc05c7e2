"""Walks every page URL and every API route, so that each route added later is covered without
anyone remembering to: the outsider gets 404 for the first account's objects, exactly as for a
missing object, and an anonymous visitor is sent to the login (pages) or gets 401 (API)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kontor.accounts import actions as account_actions
from kontor.accounts.models import ActiveSession
from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.mail import inbox as mail_inbox
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions
from kontor.records import saved_views
from kontor.records.custom_fields import create_custom_field
from kontor.records.models import BulkJob
from kontor.tasks import actions as task_actions
from kontor.transfer import actions as import_actions
from kontor.webforms import actions as webform_actions
from kontor.webhooks import actions as webhook_actions
from tests.conftest import PASSWORD
from tests.mail.arrivals import arrive

# Pages anyone may open without logging in.
PUBLIC_PAGES = {
    "setup", "accounts:login", "accounts:password_reset", "accounts:password_reset_done",
    "accounts:password_reset_confirm", "accounts:password_reset_complete", "accounts:invitation",
    "accounts:unsubscribe",
    "notifications:unsubscribe",  # opened from a mail by its signed token; tests/notifications check forgeries
    "calendar:feed",  # opened by its secret token alone; tests/tasks/test_feed.py checks wrong tokens
    # A website's contact form, found by its unguessable token; tests/webforms/test_public.py checks the rest.
    "webforms_public:form", "webforms_public:embed", "webforms_public:started",
}
# API routes anyone may read: the schema and its browsable docs.
PUBLIC_API = {"api:openapi-json", "api:openapi-view"}


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield prefix + str(entry.pattern), name


def all_routes() -> list[tuple[str, str]]:
    routes = [(p, n) for p, n in _walk(get_resolver().url_patterns) if not p.startswith("static")]
    return sorted(set(routes))


@pytest.fixture
def alices_things(alice, bob):
    """One object of every kind in Alice's account, by the URL keyword that names it."""
    company = contact_actions.create_company(alice.membership, {"name": "Müller GmbH"})
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Kunde"])
    entry = history_actions.add_note(alice.membership, [person.record], "Erstes Gespräch")
    key, _secret = account_actions.create_api_key(alice.membership, "script")
    invitation = account_actions.invite(alice.membership, "neu@example.com", "Neu", "member")
    tag = person.record.tags.get()
    task = task_actions.create_task(alice.membership, {"title": "Anrufen"}, record=person.record)
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"}, stage="won", people=[person])
    project = project_actions.create_project_from_deal(deal, alice.membership)
    attachment = file_actions.upload_file(alice.membership, SimpleUploadedFile("Angebot.pdf", b"%PDF-1.4\n"),
                                          record=person.record, entry=entry)
    record_actions.trash_record(company.record, alice.membership)
    comment = history_actions.add_comment(alice.membership, "Gute Idee", entry=entry)
    history_actions.add_note(bob.membership, [person.record], "Rückruf vereinbart")  # Alice follows: notified
    notification = alice.user.notifications.get()
    waiting = arrive(alice)  # matches nobody: waits in the inbox
    email = mail_inbox.file_from_inbox(arrive(alice, subject="Abgelegt"), [person.record], alice.membership)
    webform = webform_actions.create_webform(alice.membership, webform_actions.WebFormData(
        name="Kontakt", fields=[{"key": "last_name", "required": True}]))
    imported = import_actions.upload_import(alice.membership, b"Vorname;Nachname\nAnna;Adler\n", "kontakte.csv")
    field = create_custom_field(alice.membership, "person", "Kundennummer", "text")
    webhook, _secret = webhook_actions.create_subscription(alice.membership, "https://93.184.216.34/hook", ["*"])
    [delivery] = webhook_actions.emit(alice.account, "person.updated", person)  # waits: sent after a commit
    browser = Client()  # a real login: Alice's session appears in her list of sessions
    browser.post("/accounts/login/", {"username": "alice@example.com", "password": PASSWORD})
    browser.get("/")
    session = ActiveSession.objects.get(user=alice.user)
    saved_view = saved_views.save_view(alice.membership, "person", "Kunden", "tag=Kunde", shared=True)
    bulk_job = BulkJob.objects.create(account=alice.account, created_by=alice.user, kind="person", action="follow",
                                      object_ids=[person.pk], total=1)
    return {
        "view_id": saved_view.pk, "job_id": bulk_job.pk,
        "field_id": field.pk,
        "comment_id": comment.pk, "notification_id": notification.pk,
        "inbox_id": waiting.pk, "email_id": email.pk,
        "person_id": person.pk, "company_id": company.pk, "record_id": person.pk, "entry_id": entry.pk,
        "note_id": entry.pk, "tag_id": tag.pk, "key_id": key.pk, "api_key_id": key.pk,
        "membership_id": bob.membership.pk, "user_id": bob.user.pk, "invitation_id": invitation.pk,
        "token": invitation.token, "uidb64": "x", "task_id": task.pk,
        "feed_token": task_actions.calendar_feed_for(alice.membership).token,
        "deal_id": deal.pk, "project_id": project.pk, "file_id": attachment.pk, "import_id": imported.pk,
        "webform_id": webform.pk, "form_token": webform.token,
        "webhook_id": webhook.pk, "delivery_id": delivery.pk,
        "session_id": session.pk,
    }


def _fill(pattern: str, ids: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(2)
        if name not in ids:
            raise AssertionError(f"Route {pattern!r} has a parameter {name!r} that this test does not know: "
                                 "add an object of that kind to alices_things.")
        return str(ids[name])

    url = re.sub(r"<(?:(\w+):)?(\w+)>", value, pattern)
    url = re.sub(r"\{(?:(\w+):)?(\w+)\}", value, url)
    return "/" + url.lstrip("^").rstrip("$")


def _has_ids(pattern: str) -> bool:
    return bool(re.search(r"<[^>]+>|\{[^}]+\}", pattern))


def test_every_page_with_an_id_is_a_404_for_the_outsider(alices_things, oscar):
    checked = 0
    for pattern, name in all_routes():
        if pattern.startswith("api/") or not _has_ids(pattern) or name in PUBLIC_PAGES:
            continue
        url = _fill(pattern, alices_things)
        for method in ("get", "post"):
            response = getattr(oscar.client, method)(url)
            assert response.status_code in (404, 405), f"{method.upper()} {url} ({name}) gave {response.status_code}"
        checked += 1
    assert checked >= 10


def test_every_page_sends_an_anonymous_visitor_to_the_login(alices_things, client):
    checked = 0
    for pattern, name in all_routes():
        if pattern.startswith("api/") or name in PUBLIC_PAGES:
            continue
        url = _fill(pattern, alices_things)
        response = client.get(url)
        assert response.status_code in (302, 405), f"GET {url} ({name}) gave {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), f"{url} redirects to {response['Location']}"
        checked += 1
    assert checked >= 10


def _api_client_headers(persona) -> dict[str, str]:
    _key, secret = account_actions.create_api_key(persona.membership, "walk")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_every_api_route_with_an_id_is_a_404_for_the_outsider(alices_things, oscar, client):
    headers = _api_client_headers(oscar)
    missing = {name: 999_999_999 for name in alices_things}
    checked = 0
    for pattern, name in all_routes():
        if not pattern.startswith("api/") or not _has_ids(pattern) or name in PUBLIC_API:
            continue
        for method in ("get", "post", "patch", "put", "delete"):
            url = _fill(pattern, alices_things)
            response = getattr(client, method)(url, data={}, content_type="application/json", **headers)
            if response.status_code == 405:
                continue
            assert response.status_code == 404, f"{method.upper()} {url} gave {response.status_code}"
            missing_response = getattr(client, method)(_fill(pattern, missing), data={},
                                                       content_type="application/json", **headers)
            assert missing_response.json() == response.json(), f"{url}: the 404 tells more than a missing id"
            checked += 1
    assert checked >= 5


def test_every_api_route_answers_401_without_a_key(alices_things, client, settings):
    settings.API_BAD_KEY_LIMIT = 10_000  # the wrong-key budget per client: tests/api/test_rate_limits.py
    checked = 0
    for pattern, name in all_routes():
        if not pattern.startswith("api/") or name in PUBLIC_API:
            continue
        url = _fill(pattern, alices_things)
        for method in ("get", "post", "patch", "put", "delete"):
            response = getattr(client, method)(url, data={}, content_type="application/json")
            assert response.status_code in (401, 405), f"{method.upper()} {url} gave {response.status_code}"
            checked += 1 if response.status_code == 401 else 0
        response = client.get(url, HTTP_AUTHORIZATION="Bearer kontor_wrong")
        assert response.status_code in (401, 405)
    assert checked >= 5
