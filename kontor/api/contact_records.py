"""What people and companies share in the API beside the standard routes of every record
(record_routes.py): the contact lists (e-mails, phones, websites, messengers) and the addresses,
in their JSON and in their write from the sent fields."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from ninja import Field
from pydantic import BaseModel

from kontor.accounts.models import Membership
from kontor.api import details
from kontor.api.errors import locating
from kontor.api.schemas import Address, ContactDetailOut, PhoneOut
from kontor.contacts.actions import Details
from kontor.contacts.models import Address as StoredAddress
from kontor.contacts.models import Company, ContactDetail, Person
from kontor.lib.prepared import prepared
from kontor.records import custom_fields
from kontor.records.custom_fields import json_value
from kontor.records.models import CustomField, CustomValue, Record
from kontor.records.queries import tag_names_of

C = TypeVar("C", Person, Company)

# What contacts_out reads of a person's or company's record (with_api_data loads only these), in
# the order of a RecordRow.
RECORD_COLUMNS = ("record__responsible_id", "record__version", "record__created_at", "record__updated_at")
# A record as contacts_out reads it: its id, then the RECORD_COLUMNS.
RecordRow = tuple[int, int | None, int, dt.datetime, dt.datetime]


class ContactRecordOut(BaseModel):
    """What the JSON of every person and company holds, in this order; each kind's own fields follow."""

    # A plain pydantic model, not a ninja Schema: a Schema reads each field of what it validates
    # through a getter meant for model instances, and these are made from dicts only (the out
    # functions below); on a list page that getter was most of the cost of the answer's check.

    id: int
    name: str = Field(description="As shown in lists: a person's title, first and last name; a company's name.")
    tags: list[str]
    emails: list[ContactDetailOut]
    phones: list[PhoneOut]
    websites: list[ContactDetailOut]
    messengers: list[ContactDetailOut]
    addresses: list[Address]
    responsible_id: int | None
    version: int
    custom_fields: dict[str, Any] = Field(description="Filled custom fields by key (see /custom-fields).")
    created_at: dt.datetime
    updated_at: dt.datetime


def grouped(rows: Iterable[tuple[Any, ...]]) -> defaultdict[int, list[tuple[Any, ...]]]:
    """Rows whose first column is an id, by that id, each row without it, in order."""
    by_id: defaultdict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_id[row[0]].append(row[1:])
    return by_id


# A page's lists, a query each whatever the number of records, compiled once per page length
# (kontor/lib/prepared.py): building their SQL cost more than running it. `record__pk__in` asks
# the same SQL as `record_id__in` without checking each id as a possible model instance.

@prepared
def _contact_details(ids: list[int]) -> QuerySet[ContactDetail, tuple[int, str, str, str]]:
    return ContactDetail.objects.filter(record__pk__in=ids).values_list("record_id", "kind", "label", "value")


@prepared
def _addresses(ids: list[int]) -> QuerySet[StoredAddress, tuple[Any, ...]]:
    return StoredAddress.objects.filter(record__pk__in=ids).values_list("record_id", "label", *details.ADDRESS_PARTS)


@prepared
def _custom_rows(ids: list[int]) -> QuerySet[CustomValue, dict[str, Any]]:
    return CustomValue.objects.filter(record__pk__in=ids).values(
        "record_id", "field_id", "field__key", "field__type", "field__position", *custom_fields.VALUE_COLUMNS.values(),
        "text_value")


def record_row(record: Record) -> RecordRow:
    """A record read as a model (a single person or company), as contacts_out reads it."""
    return record.pk, record.responsible_id, record.version, record.created_at, record.updated_at


def contacts_out(records: Sequence[RecordRow]) -> dict[int, dict[str, Any]]:
    """The part of each person's or company's JSON that its record holds, by record id.

    Lists are the hot path of the API, so the record's tags, contact details, addresses and custom
    values are read as plain rows, one query each whatever the number of records, in the order the
    models sort them (tags by name, details and addresses by position)."""
    ids = [row[0] for row in records]
    tags = grouped(tag_names_of(ids))
    contact = grouped(_contact_details(ids))
    addresses = grouped(_addresses(ids))
    custom = _custom_values(ids)
    return {pk: {
        "tags": [name for (name,) in tags[pk]], **details.contact_lists(contact[pk]),
        "addresses": [{"label": label, **dict(zip(details.ADDRESS_PARTS, parts, strict=True))}
                      for label, *parts in addresses[pk]],
        "responsible_id": responsible_id, "version": version, "custom_fields": custom[pk],
        "created_at": created_at, "updated_at": updated_at,
    } for pk, responsible_id, version, created_at, updated_at in records}


def _custom_values(ids: list[int]) -> defaultdict[int, dict[str, Any]]:
    """{record id: {key: value as JSON}} of the records' filled custom fields, in the fields' order
    (as api/custom_fields.values_out gives them)."""
    rows = sorted(_custom_rows(ids), key=lambda row: (row["field__position"], row["field_id"]))
    fields: dict[int, CustomField] = {}
    values: defaultdict[int, dict[str, Any]] = defaultdict(dict)
    for row in rows:
        field = fields.get(row["field_id"])
        if field is None:
            field = fields[row["field_id"]] = CustomField(pk=row["field_id"], type=row["field__type"])
        stored = row[custom_fields.value_column(field.type)]
        values[row["record_id"]][row["field__key"]] = json_value(field, stored)
    return values


def write_contact(by: Membership, data: dict[str, Any], contact: C | None, names: Iterable[str], *,
                  create: Callable[..., C], update: Callable[..., C], **lists: Any) -> C:
    """Creates the person or company (contact=None, with `create`) or changes it (with `update`) from
    the request's fields: its own `names`, its contact lists and addresses, tags and responsible;
    `lists` are the kind's own lists for `Details` (a person's positions, ...)."""
    fields = {name: data[name] for name in names if name in data}
    contact_details, contact_places = details.contact_in(data, contact.record if contact else None)
    addresses, address_places = details.addresses_in(data)
    all_lists = Details(contact=contact_details, addresses=addresses, **lists)
    tags, responsible = details.tags_in(data), details.responsible_in(by, data)
    with locating({**contact_places, **address_places}):
        if contact is None:
            return create(by, fields, all_lists, tags=tags or (), responsible=responsible or None)
        return update(contact, by, fields, version=data.get("version"), details=all_lists, tags=tags,
                      responsible=responsible)
