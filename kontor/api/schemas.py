"""Schemas and types that several routers share: ids, text, contact details, list envelopes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, TypeVar

from django.utils.translation import gettext, gettext_noop
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ModelWrapValidatorHandler,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kontor.contacts.validation import PLAIN_EMAIL

# Ids (and versions) travel into SQL; anything beyond a 64-bit integer would make the database
# driver raise.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters in text and would refuse the query with an error.
    if "\x00" in value:
        raise ValueError("Text must not contain NUL characters.")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("This field cannot be blank.")
    return value


# The document says what the validators enforce, so that a client (and the contract test) knows
# before sending: no NUL anywhere, and a name has at least one character that is not a space.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"

# Every string the API accepts; limit lengths with Field(max_length=...) where it is declared.
Text = Annotated[str, AfterValidator(_no_nul), Field(json_schema_extra={"pattern": NO_NUL})]
# A required name or body: text that is not empty and not only spaces.
Name = Annotated[str, AfterValidator(_no_nul), AfterValidator(_not_blank),
                 Field(json_schema_extra={"pattern": NOT_BLANK, "minLength": 1})]

# A tag's name as it is stored: its spaces collapsed, at most 60 characters.
TagName = Annotated[str, AfterValidator(_no_nul), AfterValidator(_not_blank),
                    Field(max_length=60, json_schema_extra={"pattern": NOT_BLANK, "minLength": 1})]

T = TypeVar("T")

# A field a request may leave out but not send as null: a PATCH's `name: Omittable[Name] = Field(None)`, a
# multipart form's `file: File[Omittable[UploadedFile]] = None`. Pydantic, ninja and the document see the
# type alone, so null is refused and the document does not offer it; in Python the value is None when the
# field was left out, and that is what the type checker is told.
if TYPE_CHECKING:
    Omittable: TypeAlias = T | None
else:
    class Omittable:
        def __class_getitem__(cls, item: Any) -> Any:
            return item

_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _iso_only(value: Any) -> Any:
    """Dates and times come as ISO 8601 text. Pydantic would also read a number as seconds since
    1970, which the document does not allow (`?updated_since=0.5` is a mistake, not 1970)."""
    if isinstance(value, bool | int | float | Decimal) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("Use ISO 8601 text, like 2025-06-02 or 2025-06-02T14:30:00+02:00.")
    return value


def _wall_clock(value: Any) -> Any:
    """A time of day on the user's clock carries no UTC offset (it is meant in the assignee's time zone)."""
    value = _iso_only(value)
    if isinstance(value, str) and not WALL_TIME.fullmatch(value):
        raise ValueError("Use a time of day like 14:30 or 14:30:00, without a UTC offset.")
    return value


WALL_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?")

Date = Annotated[dt.date, BeforeValidator(_iso_only)]
DateTime = Annotated[dt.datetime, BeforeValidator(_iso_only)]
# Declared as a pattern rather than `format: time`, which RFC 3339 defines with a UTC offset.
WallTime = Annotated[dt.time, BeforeValidator(_wall_clock), WithJsonSchema(
    {"type": "string", "pattern": f"^{WALL_TIME.pattern}$", "examples": ["14:30"]})]


class Item(Schema):
    """An object inside a request body (an address in `addresses`). Ninja's schemas read any value
    by its attributes, so `null` or `5` in a list would pass as an item of defaults; an item must be
    an object, as the document says."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        if values is None or isinstance(values, str | int | float | bool | list):
            raise ValueError("Send an object here.")
        return handler(DjangoGetter(values, cls, info.context))


Label = Literal["work", "private", "other"]
PhoneType = Literal["phone", "mobile", "fax"]
AddressLabel = Literal["work", "private", "invoice", "delivery", "other"]


def _matching(pattern: str, message: str) -> AfterValidator:
    """Checks text against the pattern the document prints, with Python's `re` as a client's JSON
    Schema validator does (pydantic's own patterns run on another regex engine). The message is the
    one the actions give for the same mistake (`%(value)s`: the text without its spaces)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.search(value):
            text = gettext(message) % {"value": value.strip()}
            raise PydanticCustomError("invalid", text.replace("{", "{{").replace("}", "}}"))
        return value
    return AfterValidator(check)


# What kontor/contacts/validation.py accepts, said as patterns, so that the document and the code
# agree to the character; the value is stored without the spaces around it. An e-mail address: a
# plain ASCII one (international domain names in their xn-- form); a phone number: digits, spaces
# and + ( ) - / . with at least one digit, and an extension (ext, x, Durchwahl, DW) at the end.
EMAIL = rf"^\s*{PLAIN_EMAIL.pattern}\s*$"
_PHONE_CHAR = r"[0-9+()\-/.\s]"
_EXTENSION = r"(?:[eE][xX][tT]\.?|[xX]|[dD][uU][rR][cC][hH][wW][aA][hH][lL]|[dD][wW])\s*[0-9]+"
PHONE = rf"^\s*(?:{_PHONE_CHAR}*[0-9]{_PHONE_CHAR}*(?:{_EXTENSION})?|{_PHONE_CHAR}*{_EXTENSION})\s*$"
NOT_EMAIL = gettext_noop("“%(value)s” is not a valid e-mail address.")
NOT_PHONE = gettext_noop("“%(value)s” is not a valid phone number.")
NOT_BLANK_MESSAGE = gettext_noop("Please enter a value.")

Email = Annotated[str, _matching(EMAIL, NOT_EMAIL), Field(json_schema_extra={"pattern": EMAIL})]
# An assistant's address may be left empty.
OptionalEmail = Annotated[str, _matching(f"^\\s*$|{EMAIL}", NOT_EMAIL),
                          Field(json_schema_extra={"pattern": f"^\\s*$|{EMAIL}"})]
PhoneNumber = Annotated[str, _matching(PHONE, NOT_PHONE), Field(json_schema_extra={"pattern": PHONE})]
DetailText = Annotated[str, _matching(NOT_BLANK, NOT_BLANK_MESSAGE), Field(json_schema_extra={"pattern": NOT_BLANK})]


class ContactDetail(Item):
    """A website or a messenger: any text (a website's form is checked beyond the document)."""

    label: Label = Field("work", description="work, private or other")
    value: DetailText = Field(max_length=300)


class ContactDetailOut(BaseModel):
    """A contact detail as stored (and as the pages may have taken it)."""

    # A plain pydantic model, as the lists' ContactRecordOut is: made from dicts only, and a list
    # page checks one or more for every row.

    label: str = Field(description="work, private or other")
    value: str


class PhoneOut(ContactDetailOut):
    type: str = Field(description="phone, mobile or fax")


class EmailDetail(ContactDetail):
    value: Email = Field(max_length=300)


class Phone(ContactDetail):
    value: PhoneNumber = Field(max_length=300)
    type: PhoneType = Field("phone", description="phone, mobile or fax")


class Address(Item):
    label: AddressLabel = "work"
    street: Text = Field("", max_length=200)
    zip: Text = Field("", max_length=20, description="Postcode")
    city: Text = Field("", max_length=100)
    state: Text = Field("", max_length=100)
    country: Text = Field("", max_length=100)


class ContactLists(Schema):
    """The lists every person and company has. On writes, a list that is sent replaces the
    stored list; a list that is left out stays as it is."""

    emails: list[EmailDetail] | None = None
    phones: list[Phone] | None = Field(None, description="Phone, mobile and fax numbers; `type` tells which.")
    websites: list[ContactDetail] | None = None
    messengers: list[ContactDetail] | None = None
    addresses: list[Address] | None = None


class RecordFields(Schema):
    """What every person and company accepts beside its own fields."""

    tags: list[TagName] | None = Field(None, description="Replaces the record's tags; new names are "
                                                         "created on first use.")
    responsible_id: Id | None = Field(None, description="User id of an active colleague (see /users).")


def sent_fields(payload: Schema) -> dict:
    """The top-level fields the client sent (with their nested defaults filled in): on a change,
    a field that is left out stays as it is."""
    return {name: value for name, value in payload.model_dump().items() if name in payload.model_fields_set}
