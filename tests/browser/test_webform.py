"""A visitor of the company's website fills in the hosted contact form; a colleague the form
notifies sees the enquiry under the bell and opens the new person with the message in their history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kontor.accounts import actions as account_actions
from kontor.accounts.roles import Role
from kontor.contacts.models import Person
from kontor.webforms import actions as webform_actions
from tests.browser.login import PASSWORD, anna_account

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitors_enquiry_reaches_the_colleague_as_a_new_person_with_the_message(contexts, settings):
    settings.WEBFORM_MIN_SECONDS = 0  # the time token's minimum is tested elsewhere; a robot types fast
    anna = anna_account()
    ben = account_actions.add_user(anna.account, "ben@example.com", PASSWORD, "Ben Berger", Role.MEMBER,
                                   language="en")
    webform = webform_actions.create_webform(anna, webform_actions.WebFormData(
        name="Kontakt", language="en", tags=["Website"], responsible_id=anna.user.pk, notify_ids=[ben.user.pk],
        fields=[{"key": "first_name"}, {"key": "last_name", "required": True}, {"key": "email", "required": True},
                {"key": "company"}, {"key": "message", "required": True}],
        thank_you_text="Thank you, we will call you back today."))

    visitor_context, colleague_context = contexts
    visitor = visitor_context.new_page()
    visitor.goto(webform.public_path())
    honeypot = visitor.locator("input[name=homepage]")
    assert honeypot.bounding_box()["x"] < -1000  # off-screen for people, still there for robots
    visitor.get_by_label("First name").fill("Jonas")
    visitor.get_by_label("Last name").fill("Weber")
    visitor.get_by_label("E-mail").fill("not-an-address")
    visitor.get_by_label("Message").fill("Please send me an offer for the roof.")
    visitor.get_by_role("button", name="Send").click()
    expect(visitor.locator(".errorlist")).to_contain_text("is not a valid e-mail address")
    expect(visitor.get_by_label("Message")).to_have_value("Please send me an offer for the roof.")
    visitor.get_by_label("E-mail").fill("jonas@weber.example")
    visitor.get_by_label("Company").fill("Weber Dachbau")
    visitor.get_by_role("button", name="Send").click()
    expect(visitor.get_by_role("status")).to_contain_text("Thank you, we will call you back today.")
    assert not visitor_context.cookies()

    person = Person.objects.get()
    colleague = colleague_context.new_page()
    colleague.goto("/accounts/login/")
    colleague.fill("input[name=username]", "ben@example.com")
    colleague.fill("input[name=password]", PASSWORD)
    colleague.locator("form button[type=submit]").click()
    expect(colleague.locator("[data-testid=bell-count]")).to_have_text("1")
    colleague.locator("#notification-bell").click()
    colleague.get_by_role("link", name="New enquiry from the website: Jonas Weber (Kontakt)").click()
    expect(colleague).to_have_url(re.compile(rf"/people/{person.pk}/#entry-\d+$"))
    expect(colleague.locator("h1")).to_contain_text("Jonas Weber")
    expect(colleague.locator(".timeline")).to_contain_text("Please send me an offer for the roof.")
    expect(colleague.locator(".timeline")).to_contain_text("web form “Kontakt”")
    expect(colleague.get_by_text("Weber Dachbau").first).to_be_visible()
