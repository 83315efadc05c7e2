"""Template helpers for custom fields: the card on record pages and the list column."""

from __future__ import annotations

from typing import Any

from django import template

from kontor.lib.urls import id_url
from kontor.records import custom_field_forms, custom_fields
from kontor.records.models import KIND_URL_NAMESPACE, CustomField, Kind, Record

register = template.Library()


@register.inclusion_tag("records/_custom_fields_card.html")
def custom_fields_card(record: Record) -> dict[str, Any]:
    """`{% custom_fields_card record %}`: the record's custom fields, shown when its kind has any.
    One query: the kind's fields with the record's values."""
    rows = custom_fields.card(record)
    return {"record": record, "rows": rows, "is_empty": not any(row["shown"] for row in rows),
            "edit_url": id_url(f"{KIND_URL_NAMESPACE[Kind(record.kind)]}:edit", record.pk)}


@register.simple_tag
def custom_value(record: Record, field: CustomField) -> str:
    """`{% custom_value obj.record field %}`: one field's value shown in a list row (the values
    are prefetched into `custom_value_list`)."""
    return custom_fields.shown_value(field, custom_fields.values_by_key(record).get(field.key))


@register.inclusion_tag("records/_custom_fields_form.html")
def custom_fields_inputs(form: Any, field_template: str = "contacts/_field.html") -> dict[str, Any]:
    """`{% custom_fields_inputs form %}`: the custom fields' inputs of a record form, if any."""
    return {"inputs": custom_field_forms.custom_inputs(form), "field_template": field_template}
