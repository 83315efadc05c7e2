"""Custom fields in the record forms: any record form gets one input per custom field of its kind,
each validated by `custom_fields.clean_value` so that its message stands next to its input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from kontor.accounts.models import Account, Membership
from kontor.records import custom_fields
from kontor.records.models import CustomField, FieldType, Record

PREFIX = "custom_"


class CustomValueField(forms.Field):
    """One custom field's input; `clean` gives the typed value (None for empty)."""

    def __init__(self, definition: CustomField, **kwargs: Any) -> None:
        self.definition = definition
        super().__init__(label=definition.name, help_text=definition.help, required=False,
                         widget=_widget(definition), **kwargs)
        # Where the conflict list of a stale save looks up what a choice reads as ("Yes", not "True").
        self.choices = list(getattr(self.widget, "choices", []))

    def as_input(self, value: Any) -> Any:
        """A typed value written as this input sends it."""
        return _initial(self.definition, value)

    def clean(self, value: Any) -> Any:
        try:
            return custom_fields.clean_value(self.definition, value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


def _widget(field: CustomField) -> forms.Widget:
    if field.type == FieldType.LONG_TEXT:
        return forms.Textarea(attrs={"rows": 4})
    if field.type == FieldType.SELECT:
        return forms.Select(choices=[("", "—"), *((option, option) for option in field.options)])
    if field.type == FieldType.BOOLEAN:
        return forms.Select(choices=[("", "—"), ("True", gettext_lazy("Yes")), ("False", gettext_lazy("No"))])
    if field.type == FieldType.NUMBER:
        return forms.NumberInput(attrs={"step": "any"})
    if field.type == FieldType.DATE:
        return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if field.type == FieldType.URL:
        return forms.URLInput(attrs={"maxlength": custom_fields.MAX_TEXT})
    return forms.TextInput(attrs={"maxlength": custom_fields.MAX_TEXT})


def _initial(field: CustomField, value: Any) -> Any:
    if value is None:
        return None
    if field.type == FieldType.BOOLEAN:
        return str(bool(value))
    if field.type == FieldType.NUMBER:
        return format(Decimal(value).normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def initial_values(record: Record) -> dict[str, Any]:
    """The record's values as a form's initial data (`custom_<key>`), written as the inputs send
    them back, so that the stale-save check compares like with like."""
    fields = custom_fields.fields_of_account_id(record.account_id, record.kind)
    stored = custom_fields.values_by_key(record)
    return {PREFIX + field.key: _initial(field, stored.get(field.key)) for field in fields}


def add_custom_fields(form: forms.Form, account: Account, kind: str, record: Record | None = None) -> None:
    """Adds the kind's custom fields to `form` (as `custom_<key>`), filled from the record if
    given (else from the form's initial data)."""
    stored = custom_fields.values_by_key(record) if record is not None else None
    for field in custom_fields.fields_of(account, kind):
        name = PREFIX + field.key
        form.fields[name] = CustomValueField(field)
        if stored is not None:
            form.initial[name] = _initial(field, stored.get(field.key))


def custom_value_fields(form: forms.BaseForm) -> dict[str, CustomValueField]:
    """The custom fields `add_custom_fields` put on the form, by input name, in their order."""
    return {name: field for name, field in form.fields.items() if isinstance(field, CustomValueField)}


def custom_inputs(form: forms.Form) -> list[forms.BoundField]:
    return [form[name] for name in custom_value_fields(form)]


def save_custom_fields(form: forms.Form, record: Record, by: Membership, *, is_new: bool) -> None:
    """Writes the form's custom values onto the record. Call it inside the transaction of the
    record's own save, after the action (which checked the version)."""
    values = {field.definition: form.cleaned_data.get(name) for name, field in custom_value_fields(form).items()}
    if values:
        custom_fields.set_custom_values(record, by, values, log=not is_new)
