"""The Tasks area's filters apply at once, like every other list's: choosing a type or a state
shows the matching tasks without a click on a button. The button is there only without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kontor.tasks import actions as task_actions
from tests.browser.login import anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _owner_with_tasks():
    owner = anna_account("de")
    task_actions.create_task(owner, {"title": "Angebot nachfassen", "type": "call"})
    task_actions.create_task(owner, {"title": "Messe vorbereiten", "type": "preparation"})
    return owner


def _log_in(page: Page) -> None:
    log_in(page)


def test_choosing_a_task_type_filters_at_once_without_a_button(page: Page):
    _owner_with_tasks()
    _log_in(page)
    page.goto("/tasks/")
    filters = page.locator("[data-testid=task-filters]")
    expect(filters.get_by_role("button")).to_have_count(0)  # no "Anzeigen" to click
    tasks = page.locator("#task-results [data-testid=task]")
    expect(tasks).to_have_count(2)

    filters.locator("select[name=type]").select_option("call")
    expect(tasks).to_have_count(1)
    expect(tasks.first).to_contain_text("Angebot nachfassen")
    expect(page).to_have_url(re.compile(r"/tasks/\?.*type=call"))  # the address keeps the filter

    filters.locator("select[name=state]").select_option("done")
    expect(page.locator("#task-results")).to_contain_text("Hier gibt es noch keine erledigten Aufgaben.")


def test_without_javascript_the_filter_has_its_button(browser, live_server):
    _owner_with_tasks()
    context = browser.new_context(base_url=live_server.url, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page)
        page.goto("/tasks/")
        filters = page.locator("[data-testid=task-filters]")
        filters.locator("select[name=type]").select_option("preparation")
        filters.get_by_role("button", name="Anzeigen").click()
        expect(page.locator("#task-results [data-testid=task]")).to_have_count(1)
        expect(page.locator("#task-results")).to_contain_text("Messe vorbereiten")
    finally:
        context.close()
