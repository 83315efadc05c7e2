"""/api/v1/people: list, export, create, read, change, delete (to the trash) and the history of a
person. These are the standard routes of every record kind (record_routes.py), added one by one at the
end of this module; what is a person's own is here: the schemas, a person's JSON and the write of
the sent fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import StrictBool

from kontor.accounts.models import Membership
from kontor.api import exports
from kontor.api.contact_records import CONTACT_DATA, ContactRecordOut, contact_out, write_contact
from kontor.api.custom_fields import CustomFieldsIn
from kontor.api.errors import InvalidInput, field_error
from kontor.api.lists import Page, RecordFilters
from kontor.api.record_routes import ChangedName, RecordRoutes, selected, version_field
from kontor.api.schemas import (
    ContactLists,
    Date,
    Id,
    Item,
    Name,
    OptionalEmail,
    RecordFields,
    Text,
)
from kontor.contacts import actions
from kontor.contacts.actions import PERSON_FIELDS, AssistantData, DateData, PositionData
from kontor.contacts.models import Person, Position
from kontor.contacts.queries import filter_people
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


class PositionOut(Schema):
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


class AssistantOut(Schema):
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
    last_name: Annotated[ChangedName, Field(max_length=100)]
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


PERSON_DATA = (
    *CONTACT_DATA, "assistants", "important_dates",
    Prefetch("positions", queryset=Position.objects.filter(company__record__deleted_at__isnull=True)
             .select_related("company")),
)


def with_api_data(people: QuerySet[Person]) -> QuerySet[Person]:
    """Everything a person's JSON shows, in a fixed number of queries whatever the page size."""
    return people.select_related("record").prefetch_related(*PERSON_DATA)


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk, "name": person.full_name,
        **{name: getattr(person, name) for name in PERSON_FIELDS},
        **contact_out(person.record),
        "positions": [{"company_id": p.company_id, "company_name": p.company.name, "job_title": p.job_title,
                       "department": p.department, "is_primary": p.is_primary, "is_former": p.is_former}
                      for p in person.positions.all()],
        "assistants": [{"name": a.name, "email": a.email, "phone": a.phone} for a in person.assistants.all()],
        "important_dates": [{"label": d.label, "date": d.date} for d in person.important_dates.all()],
    }


def _load(by: Membership, person_id: int) -> Person:
    person = access_person(by, person_id)
    prefetch_related_objects([person], *PERSON_DATA)
    return person


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


PEOPLE = RecordRoutes(router, __name__, Kind.PERSON, "person", "people", access=access_person, load=_load,
                      out=person_out, out_schema=PersonOut, write=_write, filters=PeopleFilters, select=_filtered,
                      with_data=with_api_data)

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
