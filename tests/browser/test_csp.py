"""The main pages under the enforced Content-Security-Policy: no violation is reported in the
browser's console, the scripts run (htmx among them), and what used to need inline script or
eval still works: the company suggestions on the person form and the calendar address confirm."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Dialog, Page, expect

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.tasks import actions as task_actions
from kontor.webforms import actions as webform_actions
from tests.browser.login import anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _watch_console(page: Page) -> list[str]:
    """Every console error and every report of a blocked resource, as the page shows them."""
    reported: list[str] = []

    def report(text: str) -> None:
        # Swagger UI's bundle throws a YAMLException of its own on the API docs, with or without the policy.
        if not ("/api/v1/docs" in page.url and "YAMLException" in text):
            reported.append(f"{page.url}: {text}")

    def seen(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            report(message.text)

    def thrown(error: Exception) -> None:
        report(str(error))

    page.on("console", seen)
    page.on("pageerror", thrown)
    return reported


@pytest.fixture
def team():
    owner = anna_account()
    company = contact_actions.create_company(owner, {"name": "Weber Dachbau"})
    person = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber"}, tags=["Kunde"])
    deal = deal_actions.create_deal(owner, {"name": "Neues Dach"}, people=[person])
    task_actions.create_task(owner, {"title": "Anrufen"}, record=person.record)
    webform = webform_actions.create_webform(owner, webform_actions.WebFormData(
        name="Kontakt", language="en", fields=[{"key": "last_name", "required": True}]))
    return {"person": person, "company": company, "deal": deal, "webform": webform}


def _log_in(page: Page) -> None:
    log_in(page)
    expect(page.locator("#quicksearch")).to_be_visible()


def test_the_main_pages_report_no_policy_violation(page, team):
    reported = _watch_console(page)
    _log_in(page)
    for path in ("/", "/people/", team["person"].get_absolute_url(), "/companies/", team["deal"].get_absolute_url(),
                 "/deals/", "/tasks/", "/accounts/settings/", "/accounts/api-keys/",
                 f"/webforms/{team['webform'].pk}/", "/api/v1/docs"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert "Content Security Policy" not in str(reported), reported
    page.goto("/people/")
    assert page.evaluate("typeof window.htmx") == "object"  # the scripts from Kontor itself run
    page.locator("#quicksearch").fill("Web")  # an htmx request under the policy
    expect(page.locator("#quicksearch-results")).to_contain_text("Jonas Weber")
    page.goto(reverse("webforms_public:embed", args=[team["webform"].token]))
    expect(page.get_by_label("Last name")).to_be_visible()
    assert reported == []


def test_company_suggestions_on_the_person_form_work_without_eval(page, team):
    reported = _watch_console(page)
    _log_in(page)
    page.goto("/people/new/")
    field = page.locator("input[name$=company_name]").first
    field.click()
    with page.expect_response(lambda response: "/companies/names/" in response.url):
        field.press_sequentially("Web")
    expect(page.locator("#company-names option")).to_have_count(1)
    assert page.locator("#company-names option").first.get_attribute("value") == "Weber Dachbau"
    assert reported == []


def test_a_form_with_a_confirmation_asks_before_it_is_sent(page, team):
    reported = _watch_console(page)
    _log_in(page)
    page.goto("/tasks/")
    old_address = page.locator("#feed-https").input_value()
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_test_id("calendar-regenerate").click()  # dismissed: nothing is sent
    page.get_by_test_id("calendar-regenerate").click()
    expect(page.locator("#feed-https")).not_to_have_value(old_address)
    assert len(asked) == 2 and "Make a new address?" in asked[0]
    assert reported == []
