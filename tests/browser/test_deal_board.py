"""The deals overview, its pipeline board and the deal form, clicked through in Chromium: the list
within the first screen with the figures folded, a deal dragged from 50 % to won (and moved with the
keyboard), the board on a phone as horizontally scrolling columns; a new deal with the company's
people and a titled contact ticked on the first save, and a form's errors summed up at its top."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kontor.accounts import actions as account_actions
from kontor.accounts.models import Membership
from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import Details, PositionData
from kontor.deals import actions as deal_actions
from kontor.deals.models import Deal
from tests.browser.login import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _owner() -> Membership:
    return account_actions.create_account("Müller & Söhne GmbH", "anna@example.com", PASSWORD,
                                          owner_name="Anna Adler", language="en", time_zone="Europe/Berlin")


def _log_in(page: Page) -> None:
    log_in(page)
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


def test_a_deal_is_dragged_from_fifty_percent_to_won_on_the_board(page: Page):
    owner = _owner()
    deal = deal_actions.create_deal(owner, {"name": "Hallendach", "value": "8000"}, stage="50")
    deal_actions.create_deal(owner, {"name": "Carport", "value": "2000"}, stage="50")
    _log_in(page)
    page.goto("/deals/")
    page.locator("[data-testid=deal-view-switch] a", has_text="Board").click()
    expect(page).to_have_url(re.compile(r"/deals/board/"))
    fifty = page.locator("[data-testid=board-column][data-stage='50']")
    won = page.locator("[data-testid=board-column][data-stage='won']")
    expect(fifty.locator("[data-testid=board-sum]")).to_contain_text("€10,000.00")
    card = fifty.locator("[data-testid=board-card]", has_text="Hallendach")
    card.drag_to(won)
    expect(page.locator("[data-testid=board-notice]")).to_contain_text("“Hallendach” is now at won.")
    expect(won.locator("[data-testid=board-card]", has_text="Hallendach")).to_be_visible()
    expect(fifty.locator("[data-testid=board-sum]")).to_contain_text("€2,000.00")
    expect(won.locator("[data-testid=board-sum]")).to_contain_text("€8,000.00")
    deal.refresh_from_db()
    assert deal.is_won and deal.closed_at is not None


def test_a_card_is_moved_with_the_keyboard_alone(page: Page):
    owner = _owner()
    deal = deal_actions.create_deal(owner, {"name": "Hallendach", "value": "8000"}, stage="25")
    _log_in(page)
    page.goto("/deals/board/")
    select = page.get_by_label("New state of “Hallendach”")
    select.focus()
    select.select_option("75")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    seventy_five = page.locator("[data-testid=board-column][data-stage='75']")
    expect(seventy_five.locator("[data-testid=board-card]", has_text="Hallendach")).to_be_visible()
    expect(page.get_by_label("New state of “Hallendach”")).to_be_focused()
    assert Deal.objects.get(pk=deal.pk).probability == 75


def test_on_a_phone_the_board_scrolls_sideways_column_by_column(phone_page: Page):
    owner = _owner()
    deal_actions.create_deal(owner, {"name": "Hallendach", "value": "8000"}, stage="lost")
    _log_in(phone_page)
    phone_page.goto("/deals/board/")
    first_card = phone_page.locator("[data-testid=board-card]").first
    expect(phone_page.get_by_label("Name contains")).to_be_hidden()  # the filters are folded away
    expect(phone_page.locator("[data-testid=board-column]").first).to_be_in_viewport()
    phone_page.locator(".board-filter-box > summary").click()
    expect(phone_page.get_by_label("Name contains")).to_be_visible()
    assert first_card.count() == 1
    board = phone_page.locator(".board")
    scroll_width, client_width = board.evaluate("node => [node.scrollWidth, node.clientWidth]")
    assert scroll_width > client_width * 4  # six columns side by side, one screen wide each
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375  # the page itself stays put
    lost = phone_page.locator("[data-testid=board-column][data-stage='lost']")
    lost.scroll_into_view_if_needed()
    expect(lost.locator("[data-testid=board-card]", has_text="Hallendach")).to_be_in_viewport()


def test_a_new_deal_takes_the_companys_people_and_a_titled_contact_found_by_name(page: Page):
    owner = _owner()
    firm = contact_actions.create_company(owner, {"name": "Weber Holzbau GmbH"})
    works = contact_actions.create_company(owner, {"name": "Schraubenwerk Süd AG"})
    for first, last in (("Eva", "Weber"), ("Karl", "Weber")):
        contact_actions.create_person(owner, {"first_name": first, "last_name": last},
                                      Details(positions=[PositionData(firm, "")]))
    juergen = contact_actions.create_person(
        owner, {"title": "Dr.", "first_name": "Jürgen", "last_name": "Mueller-Lüdenscheidt"},
        Details(positions=[PositionData(works, "Einkaufsleiter")]))
    _log_in(page)
    page.goto("/deals/new/")
    page.fill("[name=name]", "Hallendach 2027")
    page.fill("[name=company_name]", "Weber Holzbau GmbH")
    offered = page.locator("[data-testid=people-choices]")
    offered.get_by_label("Eva Weber").check()
    offered.get_by_label("Karl Weber").check()
    page.get_by_label("Find a contact person").fill("Jürgen")
    offered.get_by_label("Dr. Jürgen Mueller-Lüdenscheidt (Schraubenwerk Süd AG)").check()
    expect(offered.get_by_label("Eva Weber")).to_be_checked()  # the search kept the ticks
    page.get_by_role("button", name="Create deal").click()
    expect(page.locator("h1")).to_have_text("Hallendach 2027")
    deal = Deal.objects.get(name="Hallendach 2027")
    assert sorted(p.last_name for p in deal.people.all()) == ["Mueller-Lüdenscheidt", "Weber", "Weber"]
    assert juergen in deal.people.all()


def test_a_form_that_cannot_be_saved_says_why_at_its_top(page: Page):
    _owner()
    _log_in(page)
    page.goto("/deals/new/")
    page.fill("[name=name]", "Hallendach")
    page.get_by_label("Find a contact person").fill("Niemand")
    page.get_by_role("button", name="Create deal").click()
    summary = page.locator("[data-testid=error-summary]")
    expect(summary).to_contain_text("Nobody called “Niemand” was found.")
    expect(summary).to_be_in_viewport()
    summary.get_by_role("link", name="Find a contact person").click()
    expect(page.get_by_label("Find a contact person")).to_be_focused()
    assert not Deal.objects.exists()


def test_a_pdf_uploaded_to_a_deal_is_on_the_project_made_from_it(page: Page):
    owner = _owner()
    deal = deal_actions.create_deal(owner, {"name": "Hallendach", "value": "8000"}, stage="75")
    _log_in(page)
    page.goto(f"/deals/{deal.pk}/")
    files = page.locator("[data-testid=record-files]")
    files.locator("input[type=file]").set_input_files(
        {"name": "Angebot.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    expect(files.locator("[data-testid=file]").filter(has_text="Angebot.pdf")).to_be_visible()
    page.locator("[data-testid=state-bar] button[value=won]").click()
    page.get_by_role("button", name="Create a project from this deal").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/"))
    expect(page.locator("[data-testid=record-files] [data-testid=file]").filter(has_text="Angebot.pdf")).to_be_visible()
