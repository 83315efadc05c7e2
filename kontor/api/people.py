"""/api/v1/people: list, create, read, change, delete (to the trash) and the history of a person."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from kontor.accounts.models import Membership
from kontor.api import details, exports
from kontor.api.auth import membership
from kontor.api.custom_fields import CustomFieldsIn, saved_with_values, values_out
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, StaleOut, field_error, locating
from kontor.api.lists import (
    Page,
    RecordFilters,
    changed_since,
    custom_conditions,
    envelope,
    page_of,
    tag_names,
)
from kontor.api.notes import HistoryParams, NotePage, history_page
from kontor.api.schemas import (
    Address,
    ContactDetailOut,
    ContactLists,
    Date,
    Id,
    Item,
    Name,
    OptionalEmail,
    PhoneOut,
    RecordFields,
    Text,
    sent_fields,
)
from kontor.contacts import actions
from kontor.contacts.actions import PERSON_FIELDS, AssistantData, DateData, Details, PositionData
from kontor.contacts.models import Person, Position
from kontor.contacts.queries import filter_people
from kontor.records.access import access_company, access_person
from kontor.records.actions import trash_record
from kontor.records.custom_fields import values_prefetch
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
    last_name: Name = Field(None, max_length=100)  # type: ignore[assignment]
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
    version: Id | None = Field(None, description="The version the change started from; if the person "
                                                  "changed since, the update fails with 409.")


class PersonOut(Schema):
    id: int
    name: str = Field(description="Title, first and last name, as shown in lists.")
    salutation: str
    title: str
    first_name: str
    last_name: str
    gender: str
    language: str
    background: str
    birthday: dt.date | None
    tags: list[str]
    emails: list[ContactDetailOut]
    phones: list[PhoneOut]
    websites: list[ContactDetailOut]
    messengers: list[ContactDetailOut]
    addresses: list[Address]
    positions: list[PositionOut]
    assistants: list[AssistantOut]
    important_dates: list[ImportantDateSchema]
    responsible_id: int | None
    version: int
    custom_fields: dict[str, Any] = Field(description="Filled custom fields by key (see /custom-fields).")
    created_at: dt.datetime
    updated_at: dt.datetime


class PersonPage(Page):
    items: list[PersonOut]


class PeopleFilters(RecordFilters):
    company_id: Id | None = Field(None, description="Only people who work or worked at this company.")


PERSON_DATA = (
    values_prefetch(),
    "record__tags", "record__contact_details", "record__addresses", "assistants", "important_dates",
    Prefetch("positions", queryset=Position.objects.filter(company__record__deleted_at__isnull=True)
             .select_related("company")),
)


def with_api_data(people: QuerySet[Person]) -> QuerySet[Person]:
    """Everything a person's JSON shows, in a fixed number of queries whatever the page size."""
    return people.select_related("record").prefetch_related(*PERSON_DATA)


def person_out(person: Person) -> dict[str, Any]:
    record = person.record
    return {
        "id": person.pk, "name": person.full_name,
        **{name: getattr(person, name) for name in PERSON_FIELDS},
        "tags": [tag.name for tag in record.tags.all()],
        **details.contact_out(record),
        "addresses": details.addresses_out(record),
        "positions": [{"company_id": p.company_id, "company_name": p.company.name, "job_title": p.job_title,
                       "department": p.department, "is_primary": p.is_primary, "is_former": p.is_former}
                      for p in person.positions.all()],
        "assistants": [{"name": a.name, "email": a.email, "phone": a.phone} for a in person.assistants.all()],
        "important_dates": [{"label": d.label, "date": d.date} for d in person.important_dates.all()],
        "responsible_id": record.responsible_id, "version": record.version,
        "custom_fields": values_out(record),
        "created_at": record.created_at, "updated_at": record.updated_at,
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
    fields = {name: data[name] for name in PERSON_FIELDS if name in data}
    contact, contact_places = details.contact_in(data, person.record if person else None)
    addresses, address_places = details.addresses_in(data)
    assistants, dates = data.get("assistants"), data.get("important_dates")
    lists = Details(
        contact=contact, addresses=addresses, positions=_positions_in(by, data),
        assistants=None if "assistants" not in data else [AssistantData(**a) for a in assistants or []],
        dates=None if "important_dates" not in data else [DateData(**d) for d in dates or []],
    )
    tags, responsible = details.tags_in(data), details.responsible_in(by, data)
    with locating({**contact_places, **address_places}):
        if person is None:
            return actions.create_person(by, fields, lists, tags=tags or (), responsible=responsible or None)
        return actions.update_person(person, by, fields, version=data.get("version"), details=lists,
                                     tags=tags, responsible=responsible)


def _filtered(by: Membership, filters: PeopleFilters, custom: list[CustomFilter]) -> QuerySet[Person] | None:
    """The people the filters select, sorted; None when a tag id names no tag (nothing matches)."""
    tags = tag_names(by, filters)
    if tags is None:
        return None
    people = filter_people(by.account, tags=tags, q=filters.q, responsible_id=filters.responsible_id,
                           order=filters.order, company_id=filters.company_id, custom=custom)
    return changed_since(people, filters)


@router.get("", response={200: PersonPage, 422: InvalidInputOut}, summary="List people",
            description="Live people of the account (not those in the trash), filtered and sorted.")
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> dict:
    people = _filtered(membership(request), filters, custom_conditions(request))
    if people is None:
        return envelope([], filters, False)
    rows, has_next = page_of(with_api_data(people), filters)
    return envelope([person_out(person) for person in rows], filters, has_next)


@router.get("/export", response={200: None, 403: ErrorOut, 422: InvalidInputOut}, summary="Export people",
            description=exports.DESCRIPTION)
def export_people(request: HttpRequest, filters: Query[PeopleFilters],
                  params: Query[exports.ExportParams]) -> HttpResponseBase:
    by = membership(request)
    return exports.export_list(by, Kind.PERSON, _filtered(by, filters, custom_conditions(request)), params)


@router.post("", response={201: PersonOut, 422: InvalidInputOut}, summary="Create a person",
             description="Only `last_name` is required. The creator is responsible unless `responsible_id` "
                         "names a colleague, and follows the new person.")
def create_person(request: HttpRequest, payload: PersonCreate) -> Status:
    by = membership(request)
    data = sent_fields(payload)
    person = saved_with_values(by, Kind.PERSON, data, lambda: _write(by, data, None), is_new=True)
    return Status(201, person_out(_load(by, person.pk)))


@router.get("/{person_id}", response={200: PersonOut, 404: ErrorOut}, summary="Read a person")
def read_person(request: HttpRequest, person_id: Id) -> dict:
    return person_out(_load(membership(request), person_id))


@router.patch("/{person_id}", response={200: PersonOut, 404: ErrorOut, 409: StaleOut, 422: InvalidInputOut},
              summary="Change a person",
              description="Changes only the fields that are sent. A list that is sent (`emails`, `phones`, "
                          "`positions`, `tags`, ...) replaces the stored one. With `version`, a person "
                          "changed by someone else meanwhile is not overwritten: the answer is 409 with the "
                          "current version.")
def update_person(request: HttpRequest, person_id: Id, payload: PersonUpdate) -> dict:
    by = membership(request)
    data, person = sent_fields(payload), access_person(by, person_id)
    saved_with_values(by, Kind.PERSON, data, lambda: _write(by, data, person), is_new=False)
    return person_out(_load(by, person_id))


@router.delete("/{person_id}", response={204: None, 403: ErrorOut, 404: ErrorOut},
               summary="Move a person to the trash",
               description="The person can be restored from the trash for 30 days. Power users and above.")
def delete_person(request: HttpRequest, person_id: Id) -> Status:
    by = membership(request)
    trash_record(access_person(by, person_id).record, by)
    return Status(204, None)


@router.get("/{person_id}/history", response={200: NotePage, 404: ErrorOut, 422: InvalidInputOut},
            summary="A person's history",
            description="Notes, calls, meetings and e-mails, newest first unless `order` says "
                        "otherwise. Confidential entries only for "
                        "power users and above.")
def person_history(request: HttpRequest, person_id: Id, params: Query[HistoryParams]) -> dict:
    by = membership(request)
    return history_page(by, access_person(by, person_id).record, params)
