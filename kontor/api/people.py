"""/api/v1/people: list, export, create, read, change, delete (to the trash) and the history of a
person. These are the standard routes of every record kind (record_routes.py), added one by one at the
end of this module; what is a person's own is here: the schemas, a person's JSON and the write of
the sent fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router
from pydantic import BaseModel, StrictBool

from kontor.accounts.models import Membership
from kontor.api import exports
from kontor.api.contact_records import (
    RECORD_COLUMNS,
    ContactRecordOut,
    contacts_out,
    grouped,
    record_row,
    write_contact,
)
from kontor.api.custom_fields import CustomFieldsIn
from kontor.api.errors import InvalidInput, field_error
from kontor.api.lists import Page, RecordFilters
from kontor.api.record_routes import RecordRoutes, selected, version_field
from kontor.api.schemas import (
    ContactLists,
    Date,
    Id,
    Item,
    Name,
    Omittable,
    OptionalEmail,
    RecordFields,
    Text,
)
from kontor.contacts import actions
from kontor.contacts.actions import PERSON_FIELDS, AssistantData, DateData, PositionData
from kontor.contacts.models import Assistant, ImportantDate, Person, Position, person_name
from kontor.contacts.queries import filter_people
from kontor.lib.prepared import prepared
from kontor.records.access import access_company, access_person
from kontor.records.filters import CustomFilter
from kontor.records.models import Kind

router = Router(tags=["People"])

Salutation = Literal["", "ms", "mr", "mx"]
Gender = Literal["", "female", "male", "diverse"]


class PositionIn(Item):
    company_id: Id
    job_title: Text = Field("", max_length=150)
    department: Text = Field("", max_length=150)
    is_primary: StrictBool = Field(False, description="The job shown with the name; one current job always is.")
    is_former: StrictBool = False


class PositionOut(BaseModel):  # made from dicts only: see ContactRecordOut
    company_id: int
    company_name: str
    job_title: str
    department: str
    is_primary: bool
    is_former: bool


class AssistantSchema(Item):
    name: Name = Field(max_length=150)
    email: OptionalEmail = Field("", max_length=254)
    phone: Text = Field("", max_length=60)


class AssistantOut(BaseModel):  # made from dicts only: see ContactRecordOut
    name: str
    email: str
    phone: str


class ImportantDateSchema(Item):
    label: Text = Field(min_length=1, max_length=100, description="The occasion, e.g. “Wedding anniversary”.")
    date: Date


class PersonFields(ContactLists, RecordFields, CustomFieldsIn):
    salutation: Salutation | None = None
    title: Text | None = Field(None, max_length=60, description="Academic title, e.g. “Dr.”")
    first_name: Text | None = Field(None, max_length=100)
    last_name: Omittable[Name] = Field(None, max_length=100)
    gender: Gender | None = None
    language: Text | None = Field(None, max_length=35)
    background: Text | None = Field(None, description="“About this person”: free text.")
    birthday: Date | None = None
    positions: list[PositionIn] | None = Field(None, description="Replaces the person's jobs.")
    assistants: list[AssistantSchema] | None = None
    important_dates: list[ImportantDateSchema] | None = None


class PersonCreate(PersonFields):
    last_name: Name = Field(max_length=100)


class PersonUpdate(PersonFields):
    version: Id | None = version_field("person")


class PersonOut(ContactRecordOut):
    """A person: what every person and company has (ContactRecordOut), then the person's own."""

    salutation: str
    title: str
    first_name: str
    last_name: str
    gender: str
    language: str
    background: str
    birthday: dt.date | None
    positions: list[PositionOut]
    assistants: list[AssistantOut]
    important_dates: list[ImportantDateSchema]


class PersonPage(Page):
    items: list[PersonOut]


class PeopleFilters(RecordFilters):
    company_id: Id | None = Field(None, description="Only people who work or worked at this company.")


# A job as a person's JSON shows it, in the order people_out reads its columns.
POSITION_COLUMNS = ("company_id", "company_name", "job_title", "department", "is_primary", "is_former")


def with_api_data(people: QuerySet[Person]) -> QuerySet[Person]:
    """People with the record their JSON shows; person_out reads the rest."""
    return people.select_related("record").only(*PERSON_FIELDS, *RECORD_COLUMNS)


# A person as people_out reads them: the id, the person's own fields, then the record's columns.
_ROW = ("pk", *PERSON_FIELDS, *RECORD_COLUMNS)
_RECORD_START = 1 + len(PERSON_FIELDS)


def page_rows(people: QuerySet[Person]) -> QuerySet[Person, tuple[Any, ...]]:
    """A list page's people as plain rows for people_out: making a model of each person and of
    their record cost more than reading them (1 ms of a page of 50)."""
    return people.values_list(*_ROW)


# A page's own lists of people, a query each, compiled once per page length (kontor/lib/prepared.py).

@prepared
def _positions(ids: list[int]) -> QuerySet[Position, tuple[Any, ...]]:
    return (Position.objects.filter(person__record__pk__in=ids, company__record__deleted_at__isnull=True)
            .values_list("person_id", "company_id", "company__name", "job_title", "department", "is_primary",
                         "is_former"))


@prepared
def _assistants(ids: list[int]) -> QuerySet[Assistant, tuple[int, str, str, str]]:
    return Assistant.objects.filter(person__record__pk__in=ids).values_list("person_id", "name", "email", "phone")


@prepared
def _important_dates(ids: list[int]) -> QuerySet[ImportantDate, tuple[int, str, dt.date]]:
    return ImportantDate.objects.filter(person__record__pk__in=ids).values_list("person_id", "label", "date")


def people_out(rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The JSON of each person (as page_rows reads them), in a fixed number of queries whatever
    their number: their lists are read as plain rows too (see contacts_out)."""
    if not rows:
        return []
    ids = [row[0] for row in rows]
    contacts = contacts_out([(row[0], *row[_RECORD_START:]) for row in rows])
    positions, assistants, dates = grouped(_positions(ids)), grouped(_assistants(ids)), grouped(_important_dates(ids))
    people = []
    for row in rows:
        pk, own = row[0], dict(zip(PERSON_FIELDS, row[1:_RECORD_START], strict=True))
        people.append({
            "id": pk, "name": person_name(own["title"], own["first_name"], own["last_name"]),
            **contacts[pk], **own,
            "positions": [dict(zip(POSITION_COLUMNS, job, strict=True)) for job in positions[pk]],
            "assistants": [{"name": name, "email": email, "phone": phone} for name, email, phone in assistants[pk]],
            "important_dates": [{"label": label, "date": date} for label, date in dates[pk]],
        })
    return people


def person_out(person: Person) -> dict[str, Any]:
    """The JSON of one person read as a model (with_api_data)."""
    own = tuple(getattr(person, name) for name in PERSON_FIELDS)
    return people_out([(person.pk, *own, *record_row(person.record)[1:])])[0]


def _positions_in(by: Membership, data: dict[str, Any]) -> list[PositionData] | None:
    if "positions" not in data:
        return None
    positions, errors = [], []
    for index, item in enumerate(data["positions"] or []):
        try:
            company = access_company(by, item["company_id"])
        except Http404:
            errors.append(field_error(["body", "positions", index, "company_id"],
                                      _("There is no company with this id in your account.")))
            continue
        positions.append(PositionData(company, job_title=item["job_title"], department=item["department"],
                                      is_primary=item["is_primary"], is_former=item["is_former"]))
    if errors:
        raise InvalidInput(errors)
    return positions


def _write(by: Membership, data: dict[str, Any], person: Person | None) -> Person:
    """Creates the person (person=None) or changes it, from the request's fields."""
    assistants, dates = data.get("assistants"), data.get("important_dates")
    return write_contact(
        by, data, person, PERSON_FIELDS, create=actions.create_person, update=actions.update_person,
        positions=_positions_in(by, data),
        assistants=None if "assistants" not in data else [AssistantData(**a) for a in assistants or []],
        dates=None if "important_dates" not in data else [DateData(**d) for d in dates or []])


def _filtered(by: Membership, filters: PeopleFilters, custom: list[CustomFilter]) -> QuerySet[Person] | None:
    """The people the filters select, sorted; None when a tag id names no tag (nothing matches)."""
    return selected(by, filters, lambda tags: filter_people(
        by.account, tags=tags, q=filters.q, responsible_id=filters.responsible_id, order=filters.order,
        company_id=filters.company_id, custom=custom))


PEOPLE = RecordRoutes(router, __name__, Kind.PERSON, "person", "people", access=access_person, load=access_person,
                      out=person_out, out_schema=PersonOut, write=_write, filters=PeopleFilters, select=_filtered,
                      with_data=page_rows, out_page=people_out)

PEOPLE.add_list(PersonPage)
PEOPLE.add_export(exports.ExportParams)
PEOPLE.add_create(PersonCreate, description=(
    "Only `last_name` is required. The creator is responsible unless `responsible_id` names a colleague, and "
    "follows the new person."))
PEOPLE.add_read()
PEOPLE.add_update(PersonUpdate, description=(
    "Changes only the fields that are sent. A list that is sent (`emails`, `phones`, `positions`, `tags`, ...) "
    "replaces the stored one. With `version`, a person changed by someone else meanwhile is not overwritten: the "
    "answer is 409 with the current version."))
PEOPLE.add_delete()
PEOPLE.add_history()
