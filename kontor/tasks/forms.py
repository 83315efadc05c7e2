"""Forms for tasks and the calendar settings. They carry the input; the rules (title, assignee, a
time needs a date) live in kontor/tasks/actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Membership
from kontor.tasks.models import TaskType


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    return "".join(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(value)}"'
                   for name, value in attrs.items() if value is not False)


class _WrittenHere(forms.Widget):
    """A widget that writes the HTML of Django's own widget templates (select.html, input.html,
    textarea.html; the renderer strips the ends) in Python: the task form is on every record page
    and in the Tasks area, and through the templates its six fields and their options took some
    10,000 calls a page."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: BaseRenderer | None = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        head = f'name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}'
        if isinstance(self, forms.Select):
            parts = [f"<select {head}>"]
            for group_name, options, _index in widget["optgroups"]:
                if group_name:
                    parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
                parts.extend(f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                             f'{conditional_escape(option["label"])}</option>\n' for option in options)
                if group_name:
                    parts.append("\n  </optgroup>")
            parts.append("\n</select>")
            return SafeString("".join(parts))
        if isinstance(self, forms.Textarea):
            return SafeString(f"<textarea {head}>\n{conditional_escape(widget['value'] or '')}</textarea>")
        value_attr = f' value="{conditional_escape(widget["value"])}"' if widget["value"] is not None else ""
        input_type, input_name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
        return SafeString(f'<input type="{input_type}" name="{input_name}"{value_attr}{_attrs(widget["attrs"])}>')


class _Select(_WrittenHere, forms.Select):
    pass


class _TextInput(_WrittenHere, forms.TextInput):
    pass


class _DateInput(_WrittenHere, forms.DateInput):
    pass


class _TimeInput(_WrittenHere, forms.TimeInput):
    pass


class _Textarea(_WrittenHere, forms.Textarea):
    pass


class _HiddenInput(_WrittenHere, forms.HiddenInput):
    pass


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=200,
                            widget=_TextInput(attrs={"placeholder": _("What is to be done?")}))
    type = forms.ChoiceField(label=_("Type"), choices=TaskType.choices, initial=TaskType.TASK, widget=_Select)
    due_date = forms.DateField(label=_("Due date"), required=False,
                               widget=_DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    due_time = forms.TimeField(label=_("Time"), required=False,
                               help_text=_("Leave empty for any time that day."),
                               widget=_TimeInput(attrs={"type": "time"}, format="%H:%M"))
    assignee = forms.TypedChoiceField(label=_("Assigned to"), coerce=int, widget=_Select)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=_Textarea(attrs={"rows": 3}))

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
    version = forms.IntegerField(widget=_HiddenInput, required=False)


class CalendarScopeForm(forms.Form):
    include_team = forms.BooleanField(label=_("Include the whole team's tasks"), required=False)
