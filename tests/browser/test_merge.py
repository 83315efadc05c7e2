"""An owner finds two people who are one on the "Possible duplicates" page, compares them side by
side, keeps one spelling of the name and merges them; then undoes the merge. Clicked through in
Chromium, on the desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details
from kontor.contacts.models import Person
from kontor.history import actions as history_actions
from kontor.records.models import Record
from tests.browser.login import anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _owner_with_twins():
    owner = anna_account()
    kept = contact_actions.create_person(owner, {"first_name": "Jürgen", "last_name": "Weiß"},
                                         Details(contact=[DetailData("email", "j.weiss@example.com")]))
    other = contact_actions.create_person(owner, {"first_name": "Juergen", "last_name": "Weiss"},
                                          Details(contact=[DetailData("phone", "0221 123456")]))
    history_actions.add_note(owner, [other.record], "Met him at the fair")
    return owner, kept, other


def _log_in(page: Page) -> None:
    log_in(page)


def test_merge_two_people_from_the_duplicates_page_and_undo_it(page: Page):
    _owner, kept, other = _owner_with_twins()
    _log_in(page)
    page.goto("/people/")
    page.get_by_role("link", name="Possible duplicates").click()
    group = page.locator(".duplicate-group")
    expect(group).to_have_count(1)
    expect(group).to_contain_text("Jürgen Weiß")
    expect(group).to_contain_text("Juergen Weiss")
    group.get_by_role("link", name="Compare and merge").click()

    page.locator(f"input[name=keep-last_name][value='{other.pk}']").check()
    page.get_by_role("button", name="Merge", exact=True).click()

    expect(page.locator("h1")).to_have_text("Jürgen Weiss")
    expect(page.locator(".record-history")).to_contain_text("Met him at the fair")
    expect(page.locator("main")).to_contain_text("0221 123456")
    assert Record.objects.get(pk=other.pk).merged_into_id == kept.pk
    page.goto(f"/people/{other.pk}/")
    assert page.url.endswith(f"/people/{kept.pk}/")

    page.get_by_role("button", name="Undo merge").click()
    expect(page.locator("main")).to_contain_text("The merge has been undone")
    expect(page.locator("h1")).to_have_text("Jürgen Weiß")
    assert Record.objects.get(pk=other.pk).deleted_at is None
    assert Person.objects.get(pk=kept.pk).last_name == "Weiß"


def test_merge_with_from_a_persons_page_on_a_phone(phone_page: Page):
    page = phone_page
    _owner, kept, other = _owner_with_twins()
    _log_in(page)
    page.goto(f"/people/{kept.pk}/")
    page.get_by_role("link", name="Merge with…").click()
    page.fill("#merge-q", "Weiss")
    page.locator("#merge-results").get_by_role("link", name="Compare").first.click()
    expect(page.locator(".merge-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.locator("h1")).to_have_text("Jürgen Weiß")
    assert Record.objects.get(pk=other.pk).merged_into_id == kept.pk
