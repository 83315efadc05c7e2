"""The lists on a 375 px wide phone: the first rows sit within the first screen, below a side
column that keeps its tags but not its explanations, and the bulk actions show once a row is ticked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kontor.accounts.models import Membership
from kontor.contacts import actions as contact_actions
from kontor.tasks import actions as task_actions
from tests.browser.login import anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Page) -> Membership:
    membership = anna_account("de")
    log_in(page)
    return membership


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"]


def test_the_people_list_shows_its_first_person_within_the_first_screen(phone_page: Page):
    membership = _log_in(phone_page)
    for index, tag in enumerate(["Kunde", "Lead", "Lieferant", "Partner", "Presse", "VIP", "Newsletter"]):
        contact_actions.create_person(membership, {"last_name": f"Becker {index}"}, tags=[tag])

    phone_page.goto("/people/")

    expect(phone_page.get_by_role("link", name="Becker 0")).to_be_visible()
    assert _top(phone_page, "a.name") < 800
    # No saved view yet: the explanation of saved views waits for a wider screen.
    expect(phone_page.locator(".saved-views-card")).to_be_hidden()
    expect(phone_page.locator(".filter-side")).to_contain_text("Kunde")


def test_the_bulk_actions_show_on_a_phone_once_a_task_is_ticked(phone_page: Page):
    membership = _log_in(phone_page)
    task_actions.create_task(membership, {"title": "Angebot nachfassen"})
    phone_page.goto("/tasks/")
    actions = phone_page.locator(".bulk-bar .bulk-controls")
    expect(actions).to_be_hidden()

    phone_page.locator(".bulk-pick").first.click()

    expect(actions).to_be_visible()
    expect(phone_page.get_by_test_id("bulk-apply")).to_be_visible()
