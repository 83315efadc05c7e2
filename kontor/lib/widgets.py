"""Form widgets that write their HTML in Python.

They write what Django's own widget templates write (select.html, input.html, textarea.html; the
renderer strips the ends) without a template per field and per option: the task form is on every
record page and in the Tasks area, and through the templates its six fields and their options
took some 10,000 calls a page; the time-zone menu of the settings, 600 options, took 13 ms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    return "".join(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(value)}"'
                   for name, value in attrs.items() if value is not False)


class WrittenHere(forms.Widget):
    """A widget that writes the HTML of Django's own widget templates in Python."""

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


class Select(WrittenHere, forms.Select):
    pass


class TextInput(WrittenHere, forms.TextInput):
    pass


class DateInput(WrittenHere, forms.DateInput):
    pass


class TimeInput(WrittenHere, forms.TimeInput):
    pass


class Textarea(WrittenHere, forms.Textarea):
    pass


class HiddenInput(WrittenHere, forms.HiddenInput):
    pass
