"""The task form's widgets write in Python what Django's widget templates would write."""

from __future__ import annotations

import copy

import pytest

from kontor.lib.widgets import WrittenHere
from kontor.tasks.forms import TaskEditForm


@pytest.mark.parametrize("data", [None, {"title": '<b>"Call" & more</b>', "type": "call", "due_date": "2026-12-24",
                                         "due_time": "09:30", "description": "a <b>\nb & c", "version": "3"},
                                  {"title": "", "type": "nonsense", "due_time": "25:00", "assignee": "x"}])
def test_the_task_form_writes_what_djangos_widget_templates_write(alice, bob, data):
    form = TaskEditForm(data, colleagues=[alice.membership, bob.membership], prefix_id="task7",
                        initial={"assignee": bob.user.pk, "title": "Start & go"})
    form.is_valid()
    for field in form:
        widget = field.field.widget
        assert isinstance(widget, WrittenHere)
        djangos = copy.copy(widget)
        djangos.__class__ = type(widget).__mro__[2]  # Select, TextInput, ... with their templates
        assert not isinstance(djangos, WrittenHere)
        assert str(field) == field.as_widget(djangos)
