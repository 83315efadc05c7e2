"""What people and companies share in the API beside the standard routes of every record
(record_routes.py): the contact lists (e-mails, phones, websites, messengers) and the addresses,
in their JSON and in their write from the sent fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ninja import Field, Schema

from kontor.accounts.models import Membership
from kontor.api import details
from kontor.api.errors import locating
from kontor.api.record_routes import record_out
from kontor.api.schemas import Address, ContactDetailOut, PhoneOut
from kontor.contacts.actions import Details
from kontor.contacts.models import Company, Person
from kontor.records.custom_fields import values_prefetch
from kontor.records.models import Record

C = TypeVar("C", Person, Company)

# What a person's or company's JSON shows of its record; each kind prefetches its own lists beside.
CONTACT_DATA = (values_prefetch(), "record__tags", "record__contact_details", "record__addresses")



class ContactRecordOut(Schema):
    """What the JSON of every person and company holds, in this order; each kind's own fields follow."""

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

def contact_out(record: Record) -> dict[str, Any]:
    """The part of a person's or company's JSON that its record holds."""
    return {**record_out(record), **details.contact_out(record), "addresses": details.addresses_out(record)}


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
