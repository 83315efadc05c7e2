"""The note field in Chromium: note, call or meeting with its time; @ suggests colleagues and the
keyboard alone picks one; the field grows as one writes; on a phone it is on the first screen of
every record page, with the contact card one tap away."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from playwright.sync_api import Page, expect

from kontor.accounts import actions as account_actions
from kontor.accounts.models import Membership
from kontor.accounts.roles import Role
from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.history.models import Entry
from kontor.notifications.models import Notification, NotificationType
from kontor.projects import actions as project_actions
from kontor.tasks import actions as task_actions
from tests.browser.login import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _team() -> Membership:
    owner = account_actions.create_account("Müller & Söhne GmbH", "anna@example.com", PASSWORD,
                                           owner_name="Anna Adler", language="de", time_zone="Europe/Berlin")
    account_actions.add_user(owner.account, "ben@example.com", PASSWORD, "Ben Berger", Role.POWER)
    account_actions.add_user(owner.account, "bea@example.com", PASSWORD, "Bea Brandt", Role.MEMBER)
    account_actions.add_user(owner.account, "carl@example.com", PASSWORD, "Carl Christ", Role.MEMBER)
    return owner


def _log_in(page: Page) -> None:
    log_in(page)


def test_typing_at_suggests_colleagues_and_the_keyboard_picks_one(page: Page):
    owner = _team()
    person = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber"})
    _log_in(page)
    page.goto(f"/people/{person.pk}/")
    field = page.locator(f"#note-body-{person.pk}")
    field.click()
    field.press_sequentially("Angebot geht raus, @b")
    options = page.locator(".mention-list [role=option]")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Bea Brandt")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    field.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    field.press("Enter")  # picks Ben, does not start a new line
    expect(page.locator(".mention-list")).to_have_count(0)
    expect(field).to_have_value("Angebot geht raus, @Ben Berger ")

    field.press_sequentially("und @")
    expect(options).to_have_count(3)
    field.press("Escape")  # closes the list and leaves the text alone
    expect(page.locator(".mention-list")).to_have_count(0)
    expect(field).to_have_value("Angebot geht raus, @Ben Berger und @")
    field.press_sequentially("ca")
    expect(options).to_have_count(1)
    field.press("Tab")
    expect(field).to_have_value("Angebot geht raus, @Ben Berger und @Carl Christ ")
    expect(field).to_be_focused()

    page.locator(f"#notebox-{person.pk} button[type=submit]").click()
    expect(page.locator(".timeline .entry").first).to_contain_text("@Ben Berger und @Carl Christ")
    told = Notification.objects.filter(type=NotificationType.MENTION).values_list("recipient__name", flat=True)
    assert sorted(told) == ["Ben Berger", "Carl Christ"]


def test_a_comment_field_suggests_colleagues_too(page: Page):
    owner = _team()
    person = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber"})
    entry = history_actions.add_note(owner, [person.record], "Erstes Gespräch")
    _log_in(page)
    page.goto(f"/people/{person.pk}/")
    page.locator(f"#entry-{entry.pk}").get_by_text("Kommentieren").click()
    field = page.locator(f"#comment-body-{entry.pk}")
    field.press_sequentially("@bea")
    expect(page.locator(".mention-list [role=option]")).to_have_count(1)
    field.press("Enter")
    expect(field).to_have_value("@Bea Brandt ")


def test_a_call_is_written_with_the_time_it_happened(page: Page):
    owner = _team()
    person = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber"})
    _log_in(page)
    page.goto(f"/people/{person.pk}/")
    notebox = page.locator(f"#notebox-{person.pk}")
    notebox.locator("textarea[name=body]").fill("Rückruf: er nimmt das Angebot an.")
    notebox.get_by_text("Anruf", exact=True).click()
    notebox.locator("input[name=happened_at]").fill("2026-11-30T09:15")
    notebox.locator("button[type=submit]").click()
    entry_line = page.locator(".timeline .entry").first
    expect(entry_line).to_contain_text("Rückruf: er nimmt das Angebot an.")
    expect(entry_line.locator(".entry-kind")).to_have_text("Anruf")
    entry = Entry.objects.get()
    assert (entry.kind, entry.happened_at) == ("call", dt.datetime(2026, 11, 30, 9, 15,
                                                                  tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")))
    expect(notebox.locator("input[name=kind][value=note]")).to_be_checked()  # a fresh field for the next


def test_the_note_field_is_generous_and_grows_as_one_writes(page: Page):
    owner = _team()
    person = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber"})
    _log_in(page)
    page.goto(f"/people/{person.pk}/")
    field = page.locator(f"#note-body-{person.pk}")
    empty = field.bounding_box()
    assert empty and empty["height"] >= 180  # a sheet, not a four-line slot
    field.fill("\n".join(f"Punkt {number}: besprochen" for number in range(20)))
    field.dispatch_event("input")
    grown = field.bounding_box()
    assert grown and grown["height"] > empty["height"] + 100
    assert field.evaluate("f => f.scrollHeight <= f.clientHeight + 2")  # all of it in view, no inner scrolling


def _busy_records(owner: Membership) -> list[str]:
    """A person, a company, a deal and a project with full side columns, tags and tasks: the pages
    where the note field used to sit screens down on a phone."""
    company = contact_actions.create_company(owner, {"name": "Weber Holzbau GmbH"}, Details(contact=[
        DetailData("phone", "+49 30 1234567"), DetailData("email", "info@weber.example")]))
    details = Details(contact=[DetailData("phone", "+49 30 1234567"), DetailData("mobile", "+49 171 2345678"),
                               DetailData("email", "jonas@weber.example")],
                      positions=[PositionData(company, "Einkaufsleiter", is_primary=True)])
    person = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber",
                                                   "background": "Kennt uns seit der Messe 2019. " * 8},
                                           details, tags=["Kunde", "Messe", "Holz"])
    for title in ("Angebot nachfassen", "Muster schicken", "Termin vereinbaren"):
        task_actions.create_task(owner, {"title": title}, record=person.record)
    for number in range(5):
        history_actions.add_note(owner, [person.record, company.record], f"Gespräch {number}")
    deal = deal_actions.create_deal(owner, {"name": "Dachstuhl Weber", "description": "Ein langes Projekt. " * 20},
                                    stage="won", people=[person])
    project = project_actions.create_project_from_deal(deal, owner)
    return [person.get_absolute_url(), company.get_absolute_url(), deal.get_absolute_url(),
            project.get_absolute_url()]


def test_on_a_phone_the_note_field_is_on_the_first_screen_of_every_record(phone_page: Page):
    owner = _team()
    urls = _busy_records(owner)
    _log_in(phone_page)
    height = 800  # the phone_page fixture's screen
    for url in urls:
        phone_page.goto(url)
        notebox = phone_page.locator("form.notebox")
        box = notebox.bounding_box()
        assert box and box["y"] + 120 < height, f"{url}: the note field starts at {box}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, f"{url}: the note field is wider than the phone"


def test_on_a_phone_the_contact_card_is_one_tap_away(phone_page: Page):
    owner = _team()
    person_url = _busy_records(owner)[0]
    _log_in(phone_page)
    phone_page.goto(person_url)
    card = phone_page.locator(".contact-card")
    expect(card).not_to_be_in_viewport()
    phone_page.locator(".record-jump").get_by_role("link", name="Kontaktdaten").click()
    expect(card).to_be_in_viewport()
    expect(card).to_contain_text("+49 171 2345678")
