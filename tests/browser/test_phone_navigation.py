"""The main menu on a 375 px wide phone: every one of the eight areas can be seen and tapped, the
first ones in the bar, the others behind "More", and the bar never scrolls sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)

AREAS = ["/", "/people/", "/companies/", "/deals/", "/projects/", "/tasks/", "/files/", "/inbox/"]


def _log_in(page: Page) -> None:
    anna_account("de")
    log_in(page)


def _visible_link(page: Page, path: str):  # noqa: ANN202 - a Playwright Locator
    """The link to the area that a person sees, opening "More" when it sits behind it."""
    selector = f"nav.mainnav a[href='{path}']:visible, a#inbox-shortcut[href='{path}']:visible"
    links = page.locator(selector)
    if links.count() == 0:
        page.locator("details.nav-more summary").click()
        links = page.locator(selector)
    expect(links).to_have_count(1)
    return links.first


def test_every_area_is_visible_and_tappable_on_a_phone(phone_page: Page):
    _log_in(phone_page)

    for path in AREAS:
        phone_page.goto("/")
        # The bell's fetch after loading swaps the inbox link in anew (with its count): measure after it.
        phone_page.wait_for_load_state("networkidle")
        link = _visible_link(phone_page, path)
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, (path, box)
        link.click()
        expect(phone_page).to_have_url(re.compile(rf"{re.escape(path)}$"))
        # The current area's link is bold: the bar still fits.
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, path


def test_the_phone_menu_does_not_scroll_sideways_and_shows_where_one_is(phone_page: Page):
    _log_in(phone_page)
    phone_page.goto("/tasks/")

    overflow = phone_page.locator("nav.mainnav").evaluate("nav => nav.scrollWidth - nav.clientWidth")
    assert overflow <= 0
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(phone_page.locator("details.nav-more summary")).to_be_visible()
    expect(phone_page.locator("details.nav-more summary")).to_have_class(re.compile("is-current"))


def test_the_desktop_menu_shows_every_area_in_the_bar_without_more(page: Page):
    _log_in(page)

    for path in AREAS[:-1]:
        expect(page.locator(f"nav.mainnav > a[href='{path}']")).to_be_visible()
    expect(page.locator("details.nav-more")).to_be_hidden()
