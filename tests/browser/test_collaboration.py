"""Two colleagues in two browsers: Anna writes a note on a person Ben follows; Ben sees the bell
count rise, opens the note from his notifications and answers with a comment, which Anna then
finds under her bell."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kontor.accounts import actions as account_actions
from kontor.accounts.roles import Role
from kontor.contacts import actions as contact_actions
from kontor.history.models import Comment, Entry
from kontor.records import actions as record_actions
from tests.browser.login import PASSWORD, anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Page, email: str) -> None:
    log_in(page, email)


def test_a_note_reaches_a_follower_who_answers_with_a_comment(contexts):
    anna_membership = anna_account()
    ben_membership = account_actions.add_user(anna_membership.account, "ben@example.com", PASSWORD, "Ben Berger",
                                              Role.MEMBER, language="en")
    person = contact_actions.create_person(anna_membership, {"first_name": "Jonas", "last_name": "Weber"})
    record_actions.watch(person.record, ben_membership.user)

    anna, ben = (context.new_page() for context in contexts)
    _log_in(anna, "anna@example.com")
    _log_in(ben, "ben@example.com")
    expect(ben.locator("#notification-bell")).to_be_visible()
    expect(ben.locator("[data-testid=bell-count]")).to_have_count(0)

    anna.goto(f"/people/{person.pk}/")
    notebox = anna.locator(f"#notebox-{person.pk}")
    expect(notebox.get_by_label("Ben Berger")).to_be_checked()
    notebox.locator("textarea[name=body]").fill("Jonas wants the offer by Friday.")
    notebox.locator("button[type=submit]").click()
    expect(anna.locator(".timeline .entry").first).to_contain_text("Jonas wants the offer by Friday.")

    ben.reload()
    expect(ben.locator("[data-testid=bell-count]")).to_have_text("1")
    ben.locator("#notification-bell").click()
    expect(ben).to_have_url(re.compile(r"/notifications/$"))
    ben.get_by_role("link", name="Anna Adler wrote a note on Jonas Weber").click()
    entry = Entry.objects.get()
    expect(ben).to_have_url(re.compile(rf"/people/{person.pk}/#entry-{entry.pk}$"))
    note = ben.locator(f"#entry-{entry.pk}")
    expect(note).to_contain_text("Jonas wants the offer by Friday.")
    expect(ben.locator("[data-testid=bell-count]")).to_have_count(0)  # opening it read it

    note.locator(".comment-open").click()
    note.locator("textarea[name=body]").fill("I'll send it on Thursday.")
    note.get_by_role("button", name="Send comment").click()
    expect(note.locator(".comment")).to_contain_text("I'll send it on Thursday.")
    assert Comment.objects.get().author == ben_membership.user

    anna.reload()
    expect(anna.locator("[data-testid=bell-count]")).to_have_text("1")
    anna.locator("#notification-bell").click()
    expect(anna.get_by_role("link", name="Ben Berger commented on Jonas Weber")).to_be_visible()
