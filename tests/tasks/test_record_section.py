"""The "Tasks & appointments" section on person and company pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kontor.accounts.queries import active_colleagues
from kontor.lib.stamped import STAND_IN
from kontor.tasks import sections
from kontor.tasks.forms import TaskForm
from kontor.tasks.models import TaskType

from .conftest import make_task


def test_the_person_page_shows_its_open_tasks_with_mine_underlined_and_overdue_red(alice, bob, anna):
    today = timezone.localdate()
    make_task(alice, "Mine and late", record=anna.record, due_date=today - dt.timedelta(days=1))
    make_task(bob, "Bob's", record=anna.record, assignee=bob, due_date=today + dt.timedelta(days=2))
    make_task(alice, "Elsewhere", due_date=today)
    page = alice.client.get(reverse("people:detail", args=[anna.pk])).content.decode()
    section = page[page.index('data-testid="record-tasks"'):page.index('class="columns record-columns"')]
    assert "Tasks & appointments" in section
    assert "Mine and late" in section and "Bob&#x27;s" in section and "Elsewhere" not in section
    classes = {title: set(names.split()) for names, title in re.findall(
        r'<li class="([^"]*)".*?data-testid="task-title">([^<]*)<', section, re.DOTALL)}
    assert classes["Mine and late"] == {"task", "is-overdue", "is-mine"}
    assert classes["Bob&#x27;s"] == {"task"}
    assert 'data-testid="task-new"' in section and f'name="record" value="{anna.pk}"' in section


def test_the_company_page_has_the_section_too(alice, company):
    make_task(alice, "Send the contract", record=company.record, type=TaskType.EMAIL)
    page = alice.client.get(reverse("companies:detail", args=[company.pk])).content.decode()
    assert 'data-testid="record-tasks"' in page and "Send the contract" in page


def test_a_task_made_on_the_page_shows_there_and_in_the_tasks_area(alice, anna):
    alice.client.post(reverse("tasks:create"), {"record": anna.pk, "title": "Ask for references", "type": "task",
                                                "due_date": str(timezone.localdate()), "assignee": alice.user.pk})
    assert "Ask for references" in alice.client.get(reverse("people:detail", args=[anna.pk])).content.decode()
    assert "Ask for references" in alice.client.get(reverse("tasks:list")).content.decode()


def test_the_section_adds_two_queries_however_many_tasks(alice, bob, anna, django_assert_num_queries):
    url = reverse("people:detail", args=[anna.pk])
    alice.client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without_tasks:
        alice.client.get(url)
    for number in range(25):
        make_task(alice if number % 2 else bob, f"Task {number}", record=anna.record,
                  assignee=bob if number % 3 else None, due_date=timezone.localdate())
    with django_assert_num_queries(len(without_tasks)):
        response = alice.client.get(url)
    assert response.content.decode().count('data-testid="task"') == 25


@pytest.mark.parametrize("name", ['Bob <b>"B"</b> & 100 %', f"Bob {STAND_IN}"])
def test_the_empty_form_s_fields_are_the_form_rendered_for_the_record(alice, bob, anna, company, name):
    bob.user.name = name
    bob.user.save()
    colleagues = active_colleagues(alice.account)
    for record in (anna.record, company.record, anna.record):
        form = TaskForm(colleagues=colleagues, prefix_id=f"record{record.pk}", initial={"assignee": alice.user.pk})
        expected = render_to_string("tasks/_task_fields.html", {"task_form": form})
        assert sections.blank_fields(colleagues, alice.membership, record) == expected
    assert f'id="id_record{anna.pk}_title"' in expected and "Bob " in expected


def test_the_empty_form_shows_a_colleague_s_new_name(alice, bob, anna):
    url = reverse("people:detail", args=[anna.pk])
    assert "Bob Berger" in alice.client.get(url).content.decode()
    bob.user.name = "Robert Berger"
    bob.user.save()
    page = alice.client.get(url).content.decode()
    assert "Robert Berger" in page and "Bob Berger" not in page


def test_the_tasks_area_s_empty_form_is_the_form_rendered_for_each_colleague(alice, bob):
    colleagues = active_colleagues(alice.account)
    for persona in (alice, bob, alice):
        form = TaskForm(colleagues=colleagues, prefix_id="new", initial={"assignee": persona.user.pk})
        expected = render_to_string("tasks/_task_fields.html", {"task_form": form})
        assert sections.area_fields(colleagues, persona.membership) == expected
        page = persona.client.get(reverse("tasks:list")).content.decode()
        assert expected in page and f'<option value="{persona.user.pk}" selected>' in page
