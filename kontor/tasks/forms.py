"""Forms for tasks and the calendar settings. They carry the input; the rules (title, assignee, a
time needs a date) live in kontor/tasks/actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Membership
from kontor.lib import widgets
from kontor.tasks.models import TaskType


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=200,
                            widget=widgets.TextInput(attrs={"placeholder": _("What is to be done?")}))
    type = forms.ChoiceField(label=_("Type"), choices=TaskType.choices, initial=TaskType.TASK, widget=widgets.Select)
    due_date = forms.DateField(label=_("Due date"), required=False,
                               widget=widgets.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    due_time = forms.TimeField(label=_("Time"), required=False,
                               help_text=_("Leave empty for any time that day."),
                               widget=widgets.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    assignee = forms.TypedChoiceField(label=_("Assigned to"), coerce=int, widget=widgets.Select)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=widgets.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, colleagues: list[Membership], prefix_id: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.TypedChoiceField)
        assignee.choices = [(member.user.pk, member.user.name or member.user.email) for member in colleagues]
        if prefix_id:
            # Several task forms can share a page (one per record section, one per inline edit).
            self.auto_id = f"id_{prefix_id}_%s"

    def task_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("title", "type", "due_date", "due_time", "description")}


class TaskEditForm(TaskForm):
    version = forms.IntegerField(widget=widgets.HiddenInput, required=False)


class CalendarScopeForm(forms.Form):
    include_team = forms.BooleanField(label=_("Include the whole team's tasks"), required=False)
