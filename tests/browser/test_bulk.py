"""Select three people on the list and tag them at once; save the filtered list as a view; the
bulk bar on a phone. Clicked through in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kontor.contacts import actions as contact_actions
from kontor.records import queries as record_queries
from kontor.records.models import SavedView
from tests.browser.login import anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Page):
    owner = anna_account()
    log_in(page)
    return owner


def _tags(owner) -> dict[str, int]:
    return {tag.name: tag.count for tag in record_queries.tag_counts(owner.account, "person")}  # type: ignore[attr-defined]


def test_select_three_people_and_tag_them(page: Page):
    owner = _log_in(page)
    for last in ("Adler", "Berger", "Clausen", "Dorn"):
        contact_actions.create_person(owner, {"last_name": last})
    page.goto("/people/")
    rows = page.locator(".contact-row")
    expect(rows).to_have_count(4)
    for number in range(3):
        rows.nth(number).locator("[data-bulk-pick]").check()
    # Ticking rows does not reload the list (the filter form around them listens to every input).
    expect(page.locator("[data-bulk-pick]:checked")).to_have_count(3)
    page.select_option("#bulk-action", "add_tags")
    expect(page.locator("#bulk-user")).to_be_hidden()
    page.fill("#bulk-tags", "Messe 2027")
    page.get_by_test_id("bulk-apply").click()
    expect(page.locator(".messages, .message").first).to_contain_text("3 people")
    assert _tags(owner) == {"Messe 2027": 3}
    # The side column counts the tagged people, and follows a filter.
    expect(page.locator(".tagfilter")).to_contain_text("Messe 2027")
    page.fill("#list-q", "dorn")
    expect(page.locator(".contact-row")).to_have_count(1)
    expect(page.locator(".tagfilter .count").first).to_have_text("0")


def test_all_on_the_page_then_save_the_filter_as_a_view(page: Page):
    owner = _log_in(page)
    for last in ("Müller", "Mueller", "Weber"):
        contact_actions.create_person(owner, {"last_name": last})
    page.goto("/people/?q=mueller")
    expect(page.locator(".contact-row")).to_have_count(2)
    page.locator("[data-bulk-all]").check()
    expect(page.locator("[data-bulk-pick]:checked")).to_have_count(2)
    page.select_option("#bulk-action", "follow")
    page.get_by_test_id("bulk-apply").click()
    expect(page.locator(".messages, .message").first).to_contain_text("2 people")
    page.fill("#view-name-person", "Müllers")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("saved-views")).to_contain_text("Müllers")
    assert SavedView.objects.get().query == "q=mueller"


def test_the_bulk_bar_fits_a_phone(phone_page: Page):
    owner = _log_in(phone_page)
    contact_actions.create_person(owner, {"last_name": "Adler"})
    phone_page.goto("/people/")
    expect(phone_page.locator("[data-bulk-bar]")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
