"""Logging in as the browser tests do: through the login form, as a person would."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from kontor.accounts import actions as account_actions
from kontor.accounts.models import Membership

PASSWORD = "Kontor-Test-2026!"
OWNER = "anna@example.com"


def anna_account(language: str = "en") -> Membership:
    """Anna Adler's new account, Müller & Söhne GmbH, with her as its owner."""
    return account_actions.create_account("Müller & Söhne GmbH", OWNER, PASSWORD, owner_name="Anna Adler",
                                          language=language)


def log_in(page: Page, email: str = OWNER) -> None:
    """Logs in through the form and waits until Kontor's menu shows."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("nav.mainnav")).to_be_visible()
