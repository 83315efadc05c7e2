"""Two-factor login clicked through in a real Chromium: switching it on with the QR code's key,
logging in again with a code the test computes like an authenticator app, and a recovery code
that works once and is refused the second time."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from kontor.accounts import actions as account_actions
from tests.browser.login import PASSWORD

EMAIL = "anna@example.com"

pytestmark = pytest.mark.django_db(transaction=True)


def _password_step(page: Page) -> None:
    """The login form's first step only: the second asks for the code."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()


def _code_step(page: Page, code: str) -> None:
    expect(page).to_have_url(re.compile(r"/two-factor/login/$"))
    page.fill("input[name=code]", code)
    page.locator("form button[type=submit]").click()


def _log_out(page: Page) -> None:
    page.locator("details.usermenu summary").click()
    page.locator("form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_two_factor_login_with_an_app_code_and_a_recovery_code_that_works_once(page: Page):
    account_actions.create_account("Müller & Söhne GmbH", EMAIL, PASSWORD, owner_name="Anna Adler", language="en")
    _password_step(page)
    expect(page.locator("nav.mainnav")).to_be_visible()

    # Switch it on from the settings, as the QR code's key says.
    page.goto("/accounts/settings/")
    page.locator("#two-factor a").click()
    page.get_by_role("button", name="Set up two-factor login").click()
    expect(page.locator(".twofactor-qr svg")).to_be_visible()
    secret = page.locator("#twofactor-secret").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)
    page.fill("input[name=code]", app.now())
    page.get_by_role("button", name="Switch on").click()
    recovery_codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(recovery_codes) == 10
    _log_out(page)

    # The password alone no longer logs in: the code of the next 30 seconds does (the current
    # one was used to switch on, and a code is never accepted twice).
    _password_step(page)
    _code_step(page, app.at(time.time() + 30))
    expect(page.locator("nav.mainnav")).to_be_visible()
    _log_out(page)

    # A recovery code works once ...
    _password_step(page)
    _code_step(page, recovery_codes[0])
    expect(page.locator("nav.mainnav")).to_be_visible()
    expect(page.locator(".message-warning")).to_contain_text("9 are left")
    _log_out(page)

    # ... and is refused the second time.
    _password_step(page)
    _code_step(page, recovery_codes[0])
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/two-factor/login/$"))
    expect(page.locator("nav.mainnav")).to_have_count(0)
