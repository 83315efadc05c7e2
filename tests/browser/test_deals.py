"""A deal from a company's page to a project, clicked through in Chromium: created at 25 %, raised
to 75 %, won, turned into a project; the revenue chart moves its money as the deal moves."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.deals.models import Deal
from kontor.projects.models import Project
from tests.browser.login import PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _month_key(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def _chart_total(page: Page, month: str) -> str:
    page.goto("/deals/")
    column = page.locator(f"[data-testid=revenue-chart] .chart-column[data-month='{month}']")
    return column.get_attribute("data-total") or ""


def test_a_deal_moves_through_the_pipeline_into_a_project(page: Page):
    owner = account_actions.create_account("Müller & Söhne GmbH", "anna@example.com", PASSWORD,
                                           owner_name="Anna Adler", language="en", time_zone="Europe/Berlin")
    company = contact_actions.create_company(owner, {"name": "Weber Holzbau GmbH"})
    log_in(page)

    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Berlin"))
    target = (today.replace(day=1) + dt.timedelta(days=40)).replace(day=15)  # the middle of next month

    page.goto(f"/companies/{company.pk}/")
    page.locator("[data-testid=record-deals] a", has_text="New deal").click()
    page.fill("[name=name]", "Hallendach 2027")
    page.fill("[name=value]", "10000")
    page.select_option("[name=stage]", "25")
    page.fill("[name=target_date]", target.isoformat())
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_contain_text("Hallendach 2027")
    deal = Deal.objects.get(name="Hallendach 2027")
    assert deal.company_id == company.pk
    deal_url = page.url

    assert Decimal(_chart_total(page, _month_key(target))) == 2500

    page.goto(deal_url)
    page.locator("[data-testid=state-bar] button[value='75']").click()
    expect(page.locator("[data-testid=state-bar] button[value='75']")).to_have_attribute("aria-pressed", "true")
    assert Decimal(_chart_total(page, _month_key(target))) == 7500

    page.goto(deal_url)
    page.locator("[data-testid=state-bar] button[value='won']").click()
    offer = page.locator("[data-testid=project-offer]")
    expect(offer).to_be_visible()
    # Won money counts in full in the month it was won, and no longer in the target month.
    assert Decimal(_chart_total(page, _month_key(today))) == 10000
    assert Decimal(_chart_total(page, _month_key(target))) == 0

    page.goto(deal_url)
    page.locator("[data-testid=project-offer] button", has_text="Create a project").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Hallendach 2027")
    expect(page.locator("[data-testid=origin-deal]")).to_contain_text("Hallendach 2027")
    project = Project.objects.get()
    assert project.company_id == company.pk

