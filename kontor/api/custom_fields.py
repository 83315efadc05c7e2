"""/api/v1/custom-fields: the account's own fields on people, companies, deals and projects; and
how the record routes read and write their values (`custom_fields` in a record's JSON).

    GET  /api/v1/custom-fields?kind=person
    POST /api/v1/custom-fields {"kind": "person", "name": "Kundennummer", "type": "text"}
    PATCH /api/v1/people/7 {"custom_fields": {"kundennummer": "K-4711", "vip": null}}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, errors_from_django, field_error
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id, Name, Omittable, Text
from kontor.records import custom_fields
from kontor.records.access import access_custom_field
from kontor.records.models import CustomField, CustomValue, FieldType, Record

router = Router(tags=["Custom fields"])

KindName = Literal["person", "company", "deal", "project"]
TypeName = Literal["text", "long_text", "select", "number", "date", "url", "boolean"]


class OnRecord(Protocol):
    """What a record route writes: a person, company, deal or project, each resting on its Record."""

    @property
    def record(self) -> Record: ...


R = TypeVar("R", bound=OnRecord)


class CustomFieldOut(Schema):
    id: int
    key: str = Field(description="Made from the name at creation; stays when the field is renamed. "
                                 "Record JSON and list filters (`custom.<key>`) use it.")
    kind: KindName
    name: str
    type: TypeName
    options: list[str] = Field(description="The choices of a `select` field.")
    help: str
    position: int


class CustomFieldPage(Page):
    items: list[CustomFieldOut]


class CustomFieldCreate(Schema):
    kind: KindName
    name: Name = Field(max_length=60)
    type: TypeName
    options: list[Text] = Field([], description="The choices of a `select` field, in their order.")
    help: Text = Field("", max_length=200)


class CustomFieldUpdate(Schema):
    name: Omittable[Name] = Field(None, max_length=60)
    options: list[Text] | None = Field(None, description="Replaces the choices; values of a removed choice "
                                                         "are removed.")
    help: Text | None = Field(None, max_length=200)
    position: int | None = Field(None, ge=1, le=1000, description="Moves the field to this place (from 1).")


class CustomFieldFilters(ListParams):
    kind: KindName | None = None
    updated_since: DateTime | None = Field(None, description="Only fields created at or after this time "
                                           "(ISO 8601).")
    order: Literal["position", "created_at", "-created_at"] = Field(
        "position", description="`position` (by kind, in the order the forms show them), `created_at` (oldest "
                                "first) or `-created_at`.")


class CustomFieldsIn(Schema):
    custom_fields: dict[str, Any] | None = Field(
        None, description="Values by field key (see /custom-fields): text, a number, an ISO date, true/false, "
                          "or one of a select's choices. Only the keys sent change; null clears one.")


def field_out(field: CustomField) -> dict[str, Any]:
    return {"id": field.pk, "key": field.key, "kind": field.kind, "name": field.name, "type": field.type,
            "options": field.options, "help": field.help, "position": field.position}


def _located(error: ValidationError) -> InvalidInput:
    return InvalidInput(errors_from_django(error, lambda key: ["body", key]))


# -- definitions --------------------------------------------------------------------------------------

@router.get("", response={200: CustomFieldPage, 422: InvalidInputOut}, summary="List custom fields",
            description="The account's fields, by kind and in their order (unless `order` says otherwise); "
                        "`kind` gives one kind's only.")
def list_custom_fields(request: HttpRequest, filters: Query[CustomFieldFilters]) -> dict:
    fields = changed_since(CustomField.objects.filter(account=membership(request).account), filters, "created_at")
    if filters.kind:
        fields = fields.filter(kind=filters.kind)
    if filters.order == "position":
        fields = fields.order_by("kind", "position", "pk")
    else:
        fields = in_order(fields, filters.order)
    rows, has_next = page_of(fields, filters)
    return envelope([field_out(field) for field in rows], filters, has_next)


@router.post("", response={201: CustomFieldOut, 403: ErrorOut, 422: InvalidInputOut},
             summary="Create a custom field", description="Owners and admins only.")
def create_custom_field(request: HttpRequest, payload: CustomFieldCreate) -> Status:
    try:
        field = custom_fields.create_custom_field(membership(request), payload.kind, payload.name, payload.type,
                                                  options=payload.options, help=payload.help)
    except ValidationError as error:
        raise _located(error) from None
    return Status(201, field_out(field))


@router.get("/{field_id}", response={200: CustomFieldOut, 404: ErrorOut}, summary="Read a custom field")
def read_custom_field(request: HttpRequest, field_id: Id) -> dict:
    return field_out(access_custom_field(membership(request), field_id))


@router.patch("/{field_id}", response={200: CustomFieldOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
              summary="Change a custom field",
              description="Owners and admins only. The key and the type stay as they are.")
def update_custom_field(request: HttpRequest, field_id: Id, payload: CustomFieldUpdate) -> dict:
    by = membership(request)
    field = access_custom_field(by, field_id)
    if payload.options is not None and field.type != FieldType.SELECT:
        raise InvalidInput([field_error(["body", "options"], "Only a select field has choices.")])
    try:
        with transaction.atomic():
            custom_fields.update_custom_field(field, by, name=payload.name, options=payload.options,
                                              help=payload.help)
            if payload.position is not None:
                custom_fields.move_custom_field(field, by, payload.position - _place(field))
    except ValidationError as error:
        raise _located(error) from None
    field.refresh_from_db()
    return field_out(field)


def _place(field: CustomField) -> int:
    ids = [f.pk for f in custom_fields.fields_of(field.account, field.kind)]
    return ids.index(field.pk) + 1


@router.delete("/{field_id}", response={204: None, 403: ErrorOut, 404: ErrorOut},
               summary="Delete a custom field", description="Owners and admins only. Its values go with it.")
def delete_custom_field(request: HttpRequest, field_id: Id) -> Status:
    by = membership(request)
    custom_fields.delete_custom_field(access_custom_field(by, field_id), by)
    return Status(204, None)


# -- values on the record routes ------------------------------------------------------------------------

def values_out(record: Any) -> dict[str, Any]:
    """The record's filled custom fields by key, as JSON; reads `custom_value_list` when the list
    prefetched it (custom_fields.values_prefetch)."""
    rows = getattr(record, "custom_value_list", None)
    if rows is None:
        rows = list(CustomValue.objects.filter(record=record).select_related("field"))
    return {row.field.key: custom_fields.json_value(row.field, custom_fields.value_of(row.field, row))
            for row in sorted(rows, key=lambda row: (row.field.position, row.field.pk))}


def values_in(by: Membership, kind: str, data: dict[str, Any]) -> dict[CustomField, Any]:
    """The sent `custom_fields`, cleaned; 422 naming each key that is unknown or whose value does not
    fit (an outsider's key is as unknown as a made-up one)."""
    raw = data.get("custom_fields")
    if not raw:
        return {}
    try:
        return custom_fields.clean_values(by.account, kind, raw)
    except ValidationError as error:
        raise InvalidInput(errors_from_django(error, lambda key: ["body", "custom_fields", key])) from None


def saved_with_values(by: Membership, kind: str, data: dict[str, Any], write: Callable[[], R], *,
                      is_new: bool) -> R:
    """Runs a record route's write and stores the sent custom values in the same transaction,
    after the write's version check; bad values are refused before anything is written."""
    values = values_in(by, kind, data)
    with transaction.atomic():
        saved = write()
        if values:
            custom_fields.set_custom_values(saved.record, by, values, log=not is_new)
    return saved
