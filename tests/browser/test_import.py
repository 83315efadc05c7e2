"""An import clicked through in Chromium: upload an Excel list from the People list, change a
column's field, start it, watch it finish, see the people, undo it; the pages on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload, Page, expect

from kontor.contacts.models import Person
from tests.browser.login import anna_account, log_in
from tests.transfer.import_files import xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = [["Anna", "Adler", "anna@adler.de", "Adler GmbH", "Chefin", "0171 2345678", "Kunde"],
        ["Bernd", "Bauer", "bernd@bauer.de", "", "", "0221 998877", ""],
        ["Emil", "Ernst", "kein-mail", "", "", "", ""]]

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Page) -> None:
    anna_account()
    log_in(page)


def _upload(page: Page) -> None:
    page.goto("/people/")
    page.get_by_role("link", name="Import", exact=True).click()
    upload: FilePayload = {"name": "kontakte.xlsx", "mimeType": XLSX, "buffer": xlsx(ROWS)}
    page.set_input_files("#import-file", files=[upload])
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_test_id("import-counts")).to_have_text("2 new, 0 duplicates, 1 with errors")


def test_an_excel_list_is_imported_checked_and_undone(page: Page):
    _log_in(page)
    _upload(page)
    # The phone column is not wanted: the page checks again at once with the new mapping.
    page.select_option("select[data-heading=Telefon]", "")
    expect(page.locator("select[data-heading=Telefon]")).to_have_value("")
    page.get_by_test_id("start-import").click()

    expect(page.locator("#import-status")).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("import-summary")).to_contain_text("2 created")
    expect(page.locator(".import-errors")).to_contain_text("kein-mail")
    assert not Person.objects.filter(record__contact_details__kind="phone").exists()

    page.get_by_role("link", name="Show the people").click()
    expect(page.locator("#results")).to_contain_text("Adler")
    expect(page.locator("#results")).to_contain_text("Bauer")

    page.goto("/imports/")
    page.get_by_role("link", name="kontakte.xlsx").click()
    page.get_by_role("link", name="Undo import").click()
    expect(page.get_by_test_id("undo-summary")).to_contain_text("removes 2 people and 1 company.")
    page.get_by_role("button", name="Yes, undo the import").click()
    expect(page.locator("#import-status")).to_have_attribute("data-state", "undone")
    assert not Person.objects.exists()


def test_the_import_pages_fit_a_phone(phone_page: Page):
    page = phone_page
    _log_in(page)
    _upload(page)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the mapping page is {width} px wide"
    # The preview scrolls sideways instead of breaking its cells (the verdict's badge aside).
    broken = page.evaluate("""[...document.querySelectorAll('.import-preview td:not(:nth-child(2))')].filter(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size > 1;
    }).map(cell => cell.textContent)""")
    assert not broken, f"preview cells broken into several lines: {broken}"
    pages = {}
    page.get_by_test_id("start-import").click()
    expect(page.locator("#import-status")).to_have_attribute("data-state", "done")
    pages["outcome"] = page.url
    pages["list"] = "/imports/"
    pages["undo"] = page.url + "undo/"
    pages["upload"] = "/imports/new/"
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")  # the bell and the counters load after the page
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the {name} page is {width} px wide"
    # Fitting is not enough: no column may be squeezed into a word broken letter by letter.
    page.goto("/imports/")
    narrowest = page.evaluate("Math.min(...[...document.querySelectorAll('.import-list td')].map(c => c.clientWidth))")
    assert narrowest >= 100, f"a column of the imports list is only {narrowest} px wide"
    expect(page.locator(".card").first).not_to_contain_text("{#")
