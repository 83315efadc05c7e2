"""A new team's first steps, clicked through in a real Chromium: setting up Kontor, logging in,
creating a person, adding a phone number and tags, filtering, writing a note, and switching the
language. The browser asks for German first, as most of Kontor's users' browsers do."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kontor.accounts.models import Membership
from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Person
from tests.browser.login import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _set_up(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup/$"))
    page.fill("#id_company", "Müller & Söhne GmbH")
    page.fill("#id_name", "Anna Adler")
    page.fill("#id_email", "anna@example.com")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("nav.mainnav")).to_be_visible()


def _log_out(page: Page) -> None:
    page.locator("details.usermenu summary").click()
    page.locator("form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def _log_in(page: Page) -> None:
    log_in(page)


def test_setup_creates_the_account_and_its_german_speaking_owner(page: Page):
    _set_up(page)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    owner = Membership.objects.get()
    assert (owner.role, owner.account.name, owner.user.language) == ("owner", "Müller & Söhne GmbH", "de")
    _log_out(page)
    _log_in(page)
    expect(page.locator("nav.mainnav a[href='/people/']")).to_have_text("Personen")


def test_a_person_with_a_phone_tags_and_a_note(page: Page):
    _set_up(page)

    page.goto("/people/new/")
    page.fill("#id_last_name", "Müller")
    page.locator("form.record-form button[type=submit]").first.click()
    expect(page.locator("h1")).to_contain_text("Müller")
    person = Person.objects.get(last_name="Müller")
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))

    page.goto(f"/people/{person.pk}/edit/")
    page.select_option("#id_details-0-kind", "phone")
    page.fill("#id_details-0-value", "+49 171 2345678")
    page.locator("form.record-form button[type=submit]").first.click()
    expect(page.locator("a[href^='tel:']")).to_contain_text("+49 171 2345678")

    for tag in ("Kunde", "VIP"):
        page.locator("form.tag-add input[name=name]").fill(tag)
        page.locator("form.tag-add button[type=submit]").click()
        expect(page.locator(".tags").first).to_contain_text(tag)

    # The note appears in the history at once, without the page being loaded again.
    # The tag widget settles after its last swap (its suggestions reload); only then the note.
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__notReloaded = true")
    note_field = page.locator("form.notebox textarea[name=body]")
    note_field.fill("Angebot für die Vertragsverlängerung besprochen.")
    expect(note_field).to_have_value("Angebot für die Vertragsverlängerung besprochen.")
    page.locator("form.notebox button[type=submit]").click()
    expect(page.locator(f"#timeline-{person.pk}")).to_contain_text("Vertragsverlängerung")
    expect(page.locator("textarea[name=body]")).to_have_value("")
    assert page.evaluate("window.__notReloaded") is True


def test_the_people_list_filters_by_two_tags_at_once(page: Page):
    _set_up(page)
    owner = Membership.objects.get()
    contact_actions.create_person(owner, {"last_name": "Müller"}, tags=["Kunde", "VIP"])
    contact_actions.create_person(owner, {"last_name": "Schmidt"}, tags=["Kunde"])
    contact_actions.create_person(owner, {"last_name": "Weber"}, tags=["VIP"])

    page.goto("/people/")
    results = page.locator("#results")
    expect(results).to_contain_text("Schmidt")
    counts = page.locator(".tagfilter li")
    expect(counts).to_have_text(["Kunde2", "VIP2"])
    page.locator(".tagfilter input[value='Kunde']").check()
    expect(results).not_to_contain_text("Weber")
    # The side column then counts the listed people's tags: 2 customers, one of them a VIP.
    expect(counts).to_have_text(["Kunde2", "VIP1"])
    page.locator(".tagfilter input[value='VIP']").check()
    expect(results).not_to_contain_text("Schmidt")
    expect(results).to_contain_text("Müller")
    expect(counts).to_have_text(["Kunde1", "VIP1"])
    expect(page).to_have_url(re.compile(r"tag=Kunde.*tag=VIP"))
    page.reload()
    expect(counts).to_have_text(["Kunde1", "VIP1"])
    expect(page).to_have_url(re.compile(r"tag=Kunde.*tag=VIP"))


def test_switching_the_language_to_english_and_back(page: Page):
    _set_up(page)
    people_link = page.locator("nav.mainnav a[href='/people/']")
    expect(people_link).to_have_text("Personen")

    page.goto("/accounts/settings/")
    page.select_option("#id_language", "en")
    page.locator("form[action='/accounts/settings/'] button[type=submit]").click()
    expect(people_link).to_have_text("People")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto("/accounts/settings/")
    page.select_option("#id_language", "de")
    page.locator("form[action='/accounts/settings/'] button[type=submit]").click()
    expect(people_link).to_have_text("Personen")


def test_the_person_page_fits_a_phone(phone_page: Page, live_server):
    owner_page = phone_page
    _set_up(owner_page)
    owner = Membership.objects.get()
    name = {"first_name": "Maximiliane", "last_name": "Schwarzenberger-Hohenlohe"}
    person = contact_actions.create_person(owner, name, tags=["Kunde", "Newsletter", "Weihnachtskarte"])
    owner_page.goto(f"/people/{person.pk}/")
    expect(owner_page.locator("h1")).to_contain_text("Schwarzenberger")
    assert owner_page.evaluate("document.documentElement.scrollWidth") <= 375
