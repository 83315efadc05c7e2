"""Tasks on a person's page, clicked through in Chromium: create one that is already due, see it
in red, postpone it by a day and by a week, and mark it done."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kontor.contacts import actions as contact_actions
from kontor.history.models import Entry
from kontor.tasks import actions as task_actions
from kontor.tasks.models import Task
from tests.browser.login import anna_account, log_in

RED = "rgb(180, 35, 24)"  # --danger in app.css

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_on_a_person_page_turns_red_when_due_and_moves_with_one_click(page: Page):
    owner = anna_account()
    person = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber"})
    log_in(page)
    page.goto(f"/people/{person.pk}/")

    # Due the day before yesterday: overdue from the moment it exists, whatever the hour.
    due = timezone.localdate() - dt.timedelta(days=2)
    section = page.locator("[data-testid=record-tasks]")
    section.locator("[data-testid=task-new-open]").click()
    form = section.locator("form[data-testid=task-new]")
    form.locator("[name=title]").fill("Angebot nachfassen")
    form.locator("[name=type]").select_option("call")
    form.locator("[name=due_date]").fill(due.isoformat())
    form.locator("[data-testid=task-add]").click()

    task_row = section.locator("[data-testid=task]").filter(has_text="Angebot nachfassen")
    expect(task_row).to_have_class(re.compile(r"\bis-overdue\b"))
    expect(task_row.locator("[data-testid=task-due]")).to_have_css("color", RED)
    task = Task.objects.get(title="Angebot nachfassen")
    assert task.due_date == due and task.record_id == person.pk

    # +1 on an overdue task counts from today: tomorrow, no longer overdue.
    today = timezone.localdate()
    task_row.hover()
    task_row.locator("[data-testid=task-postpone-1]").click()
    expect(task_row.locator("[data-testid=task-due]")).to_have_attribute(
        "datetime", (today + dt.timedelta(days=1)).isoformat())
    expect(task_row).not_to_have_class(re.compile(r"\bis-overdue\b"))

    task_row.hover()
    task_row.locator("[data-testid=task-postpone-7]").click()
    expect(task_row.locator("[data-testid=task-due]")).to_have_attribute(
        "datetime", (today + dt.timedelta(days=8)).isoformat())

    task_row.hover()
    task_row.locator("[data-testid=task-done]").click()
    expect(section.locator("[data-testid=task]").filter(has_text="Angebot nachfassen")
           .locator("[data-testid=task-done]")).to_have_count(0)
    task.refresh_from_db()
    assert task.done_at is not None
    assert Entry.objects.filter(links__record_id=person.pk, subject="Angebot nachfassen").exists()
    expect(page.locator(f"#timeline-{person.pk}")).to_contain_text("Done: Angebot nachfassen")

    page.goto("/tasks/?state=done")
    expect(page.locator("main")).to_contain_text("Angebot nachfassen")


def test_without_javascript_the_buttons_of_a_row_send_the_pages_form(browser, live_server):
    """Every row's buttons belong to the page's one form (form="task-actions"); without JavaScript
    a click posts it to the button's own URL and comes back to the list."""
    owner = anna_account("de")
    task = task_actions.create_task(owner, {"title": "Angebot nachfassen",
                                            "due_date": timezone.localdate() - dt.timedelta(days=2)})
    context = browser.new_context(base_url=live_server.url, locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page)
        page.goto("/tasks/?user=all")
        row = page.locator("[data-testid=task]").filter(has_text="Angebot nachfassen")
        row.locator("[data-testid=task-postpone-7]").focus()  # the row's buttons show on focus
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/tasks/\?user=all$"))
        task.refresh_from_db()
        assert task.due_date == timezone.localdate() + dt.timedelta(days=7)

        row.locator("[data-testid=task-done]").focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/tasks/\?user=all$"))
        task.refresh_from_db()
        assert task.done_at is not None
        expect(page.locator("[data-testid=task]")).to_have_count(0)
    finally:
        context.close()
