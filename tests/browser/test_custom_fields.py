"""An owner adds a custom field, drags it to the top, a colleague fills it in on a person's form,
and the people list filters by it and shows it as a column; clicked through in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kontor.contacts import actions as contact_actions
from kontor.records import custom_fields
from kontor.records.models import FieldType, Kind
from tests.browser.login import anna_account, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_custom_field_from_the_settings_to_a_filtered_list(page: Page):
    owner = anna_account()
    custom_fields.create_custom_field(owner, Kind.PERSON, "Branche", FieldType.TEXT)
    meier = contact_actions.create_person(owner, {"last_name": "Meier"})
    contact_actions.create_person(owner, {"last_name": "Schulz"})
    log_in(page)

    page.goto("/settings/custom-fields/?kind=person")
    page.fill("[name=name]", "Kundennummer")
    page.locator("main form button[type=submit]", has_text="Add field").click()
    items = page.locator("[data-field-id]")
    expect(items).to_have_count(2)
    items.nth(1).drag_to(items.nth(0))
    expect(items.nth(0)).to_contain_text("Kundennummer")
    page.wait_for_load_state("networkidle")
    assert [f.name for f in custom_fields.fields_of(owner.account, Kind.PERSON)] == ["Kundennummer", "Branche"]
    page.locator("#field-" + str(custom_fields.fields_of(owner.account, Kind.PERSON)[1].pk)).get_by_role(
        "button", name=re.compile("Move Branche up")).click()
    assert [f.name for f in custom_fields.fields_of(owner.account, Kind.PERSON)] == ["Branche", "Kundennummer"]

    page.goto(f"/people/{meier.pk}/edit/")
    page.fill("[name=custom_kundennummer]", "K-4711")
    page.locator("main form.record-form button[type=submit]").first.click()
    expect(page.locator(".custom-fields-card")).to_contain_text("K-4711")

    page.goto("/people/?column=kundennummer")
    page.locator("summary", has_text="Kundennummer").click()
    page.fill("[name='custom.kundennummer.contains']", "4711")
    expect(page.locator(".contact-rows .list-item")).to_have_count(1)
    expect(page.locator(".contact-rows")).to_contain_text("Kundennummer: K-4711")
    expect(page).to_have_url(re.compile(r"custom\.kundennummer\.contains=4711"))
