"""Schemas and types that several routers share: ids, text, contact details, list envelopes."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

# Ids (and versions) travel into SQL; anything beyond a 64-bit integer would make the database
# driver raise.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters in text and would refuse the query with an error.
    if "\x00" in value:
        raise ValueError("Text must not contain NUL characters.")
    return value


# Every string the API accepts; limit lengths with Field(max_length=...) where it is declared.
Text = Annotated[str, AfterValidator(_no_nul)]


Label = Literal["work", "private", "other"]
PhoneType = Literal["phone", "mobile", "fax"]
AddressLabel = Literal["work", "private", "invoice", "delivery", "other"]


class ContactDetail(Schema):
    label: Label = Field("work", description="work, private or other")
    value: Text = Field(max_length=300)


class Phone(ContactDetail):
    type: PhoneType = Field("phone", description="phone, mobile or fax")


class Address(Schema):
    label: AddressLabel = "work"
    street: Text = Field("", max_length=200)
    zip: Text = Field("", max_length=20, description="Postcode")
    city: Text = Field("", max_length=100)
    state: Text = Field("", max_length=100)
    country: Text = Field("", max_length=100)


class ContactLists(Schema):
    """The lists every person and company has. On writes, a list that is sent replaces the
    stored list; a list that is left out stays as it is."""

    emails: list[ContactDetail] | None = None
    phones: list[Phone] | None = Field(None, description="Phone, mobile and fax numbers; `type` tells which.")
    websites: list[ContactDetail] | None = None
    messengers: list[ContactDetail] | None = None
    addresses: list[Address] | None = None


class RecordFields(Schema):
    """What every person and company accepts beside its own fields."""

    tags: list[Text] | None = Field(None, description="Replaces the record's tags; new names are "
                                                         "created on first use.")
    responsible_id: Id | None = Field(None, description="User id of an active colleague (see /users).")


def sent_fields(payload: Schema) -> dict:
    """The top-level fields the client sent (with their nested defaults filled in): on a change,
    a field that is left out stays as it is."""
    return {name: value for name, value in payload.model_dump().items() if name in payload.model_fields_set}
