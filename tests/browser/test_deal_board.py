"""The deals overview and its pipeline board, clicked through in Chromium: the list within the first
screen with the figures folded, a deal dragged from 50 % to won (and moved with the keyboard), the
board on a phone as horizontally scrolling columns."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kontor.accounts import actions as account_actions
from kontor.accounts.models import Membership
from kontor.deals import actions as deal_actions
from kontor.deals.models import Deal

PASSWORD = "Kontor-Test-2026!"

pytestmark = pytest.mark.django_db(transaction=True)


def _owner() -> Membership:
    return account_actions.create_account("Müller & Söhne GmbH", "anna@example.com", PASSWORD,
                                          owner_name="Anna Adler", language="en", time_zone="Europe/Berlin")


def _log_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "anna@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator(".topbar")).to_be_visible()


def test_the_overview_shows_the_deal_list_within_the_first_screen(page: Page):
    owner = _owner()
    for number in range(3):
        deal_actions.create_deal(owner, {"name": f"Wartung {number}", "value": "1000"}, stage="50")
    _log_in(page)
    page.goto("/deals/")
    expect(page.locator("[data-testid=revenue-chart] svg")).to_be_visible()
    expect(page.locator("[data-testid=chart-table]")).to_be_hidden()
    first_row = page.locator("[data-testid=deal-row]").first
    box = first_row.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900, box
    page.locator(".chart-figures summary").click()
    expect(page.locator("[data-testid=chart-table]")).to_be_visible()
