"""A company's page shows its people's notes, marked with their names; one click on "Only the
company's own" hides them in place, another brings them back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import Details, PositionData
from kontor.history import actions as history_actions
from tests.browser.login import anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_company_history_filter_switches_between_its_people_and_its_own(contexts):
    owner = anna_account()
    acme = contact_actions.create_company(owner, {"name": "Acme GmbH"})
    claudia = contact_actions.create_person(owner, {"first_name": "Claudia", "last_name": "Becker"},
                                            Details(positions=[PositionData(acme, "Einkauf")]))
    history_actions.add_note(owner, [claudia.record], "Framework contract discussed")
    history_actions.add_note(owner, [acme.record], "New delivery address")
    page: Page = contexts[0].new_page()
    log_in(page)

    page.goto(f"/companies/{acme.pk}/")
    history = page.locator("#company-history")
    expect(history).to_contain_text("Framework contract discussed")
    expect(history.locator("a.entry-via")).to_have_text("Claudia Becker")

    history.get_by_role("link", name="Only the company's own").click()
    expect(page.locator("#company-history")).not_to_contain_text("Framework contract discussed")
    expect(page.locator("#company-history")).to_contain_text("New delivery address")

    page.locator("#company-history").get_by_role("link", name="With its people").click()
    expect(page.locator("#company-history")).to_contain_text("Framework contract discussed")
