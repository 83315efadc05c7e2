"""A task's title uses the width of its card on a desktop: the buttons of an open task appear over
the row's end while it is hovered, instead of keeping half of every row empty."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kontor.contacts import actions as contact_actions
from kontor.tasks import actions as task_actions
from tests.browser.login import anna_account, log_in

TITLE = "Angebot für die Erweiterung der Lagerhalle mit dem Einkauf und der Geschäftsführung abstimmen"

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in_with_a_task(page: Page) -> int:
    owner = anna_account("de")
    person = contact_actions.create_person(owner, {"first_name": "Jürgen", "last_name": "Krause"})
    task_actions.create_task(owner, {"title": TITLE}, record=person.record)
    log_in(page)
    return person.pk


def _share_of_the_row(page: Page) -> float:
    task = page.locator("[data-testid=task]").first
    return task.evaluate("row => row.querySelector('.task-body').getBoundingClientRect().width"
                         " / row.getBoundingClientRect().width")


@pytest.mark.parametrize("where", ["tasks", "record"])
def test_a_long_task_title_uses_the_cards_width(page: Page, where: str):
    person_id = _log_in_with_a_task(page)

    page.goto("/tasks/" if where == "tasks" else f"/people/{person_id}/")

    expect(page.locator("[data-testid=task-title]").first).to_have_text(TITLE)
    assert _share_of_the_row(page) > 0.85


def test_the_buttons_appear_over_the_row_when_it_is_hovered_and_work(page: Page):
    _log_in_with_a_task(page)
    page.goto("/tasks/")

    page.locator("[data-testid=task]").first.hover()
    expect(page.locator("[data-testid=task-done]").first).to_be_visible()
    page.locator("[data-testid=task-done]").first.click()

    expect(page.locator("[data-testid=task-reopen]").first).to_be_visible()
