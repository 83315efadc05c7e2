"""/api/v1/companies: list, create, read, change, delete (to the trash) and the history of a company.

A company's people are its positions; they are written on the person (`positions`), so that a
job has one place where it is changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema, Status

from kontor.accounts.models import Membership
from kontor.api import details, exports
from kontor.api.auth import membership
from kontor.api.custom_fields import CustomFieldsIn, saved_with_values, values_out
from kontor.api.errors import ErrorOut, InvalidInputOut, StaleOut, locating
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
    Id,
    Name,
    PhoneOut,
    RecordFields,
    Text,
    sent_fields,
)
from kontor.contacts import actions
from kontor.contacts.actions import COMPANY_FIELDS, Details
from kontor.contacts.models import Company, Position
from kontor.contacts.queries import filter_companies
from kontor.records.access import access_company
from kontor.records.actions import trash_record
from kontor.records.custom_fields import values_prefetch
from kontor.records.filters import CustomFilter
from kontor.records.models import Kind

router = Router(tags=["Companies"])


class CompanyFields(ContactLists, RecordFields, CustomFieldsIn):
    name: Name = Field(None, max_length=200)  # type: ignore[assignment]
    background: Text | None = Field(None, description="“About this company”: free text.")


class CompanyCreate(CompanyFields):
    name: Name = Field(max_length=200)


class CompanyUpdate(CompanyFields):
    version: Id | None = Field(None, description="The version the change started from; if the company "
                                                  "changed since, the update fails with 409.")


class EmployeeOut(Schema):
    person_id: int
    person_name: str
    job_title: str
    department: str
    is_primary: bool
    is_former: bool


class CompanyOut(Schema):
    id: int
    name: str
    background: str
    tags: list[str]
    emails: list[ContactDetailOut]
    phones: list[PhoneOut]
    websites: list[ContactDetailOut]
    messengers: list[ContactDetailOut]
    addresses: list[Address]
    people: list[EmployeeOut] = Field(description="Who works (or worked, `is_former`) there.")
    responsible_id: int | None
    version: int
    custom_fields: dict[str, Any] = Field(description="Filled custom fields by key (see /custom-fields).")
    created_at: dt.datetime
    updated_at: dt.datetime


class CompanyPage(Page):
    items: list[CompanyOut]


COMPANY_DATA = (
    values_prefetch(),
    "record__tags", "record__contact_details", "record__addresses",
    Prefetch("positions", queryset=Position.objects.filter(person__record__deleted_at__isnull=True)
             .select_related("person").order_by("is_former", "person__sort_name", "pk")),
)


def with_api_data(companies: QuerySet[Company]) -> QuerySet[Company]:
    """Everything a company's JSON shows, in a fixed number of queries whatever the page size."""
    return companies.select_related("record").prefetch_related(*COMPANY_DATA)


def company_out(company: Company) -> dict[str, Any]:
    record = company.record
    return {
        "id": company.pk, "name": company.name, "background": company.background,
        "tags": [tag.name for tag in record.tags.all()],
        **details.contact_out(record),
        "addresses": details.addresses_out(record),
        "people": [{"person_id": p.person_id, "person_name": p.person.full_name, "job_title": p.job_title,
                    "department": p.department, "is_primary": p.is_primary, "is_former": p.is_former}
                   for p in company.positions.all()],
        "responsible_id": record.responsible_id, "version": record.version,
        "custom_fields": values_out(record),
        "created_at": record.created_at, "updated_at": record.updated_at,
    }


def _load(by: Membership, company_id: int) -> Company:
    company = access_company(by, company_id)
    prefetch_related_objects([company], *COMPANY_DATA)
    return company


def _write(by: Membership, data: dict[str, Any], company: Company | None) -> Company:
    """Creates the company (company=None) or changes it, from the request's fields."""
    fields = {name: data[name] for name in COMPANY_FIELDS if name in data}
    contact, contact_places = details.contact_in(data, company.record if company else None)
    addresses, address_places = details.addresses_in(data)
    lists = Details(contact=contact, addresses=addresses)
    tags, responsible = details.tags_in(data), details.responsible_in(by, data)
    with locating({**contact_places, **address_places}):
        if company is None:
            return actions.create_company(by, fields, lists, tags=tags or (), responsible=responsible or None)
        return actions.update_company(company, by, fields, version=data.get("version"), details=lists,
                                      tags=tags, responsible=responsible)


@router.get("", response={200: CompanyPage, 422: InvalidInputOut}, summary="List companies",
            description="Live companies of the account (not those in the trash), filtered and sorted.")
def list_companies(request: HttpRequest, filters: Query[RecordFilters]) -> dict:
    companies = _filtered(membership(request), filters, custom_conditions(request))
    if companies is None:
        return envelope([], filters, False)
    rows, has_next = page_of(with_api_data(companies), filters)
    return envelope([company_out(company) for company in rows], filters, has_next)


def _filtered(by: Membership, filters: RecordFilters, custom: list[CustomFilter]) -> QuerySet[Company] | None:
    """The companies the filters select, sorted; None when a tag id names no tag (nothing matches)."""
    tags = tag_names(by, filters)
    if tags is None:
        return None
    companies = filter_companies(by.account, tags=tags, q=filters.q, responsible_id=filters.responsible_id,
                                 order=filters.order, custom=custom)
    return changed_since(companies, filters)


@router.get("/export", response={200: None, 403: ErrorOut, 422: InvalidInputOut}, summary="Export companies",
            description=exports.DESCRIPTION)
def export_companies(request: HttpRequest, filters: Query[RecordFilters],
                     params: Query[exports.ExportParams]) -> HttpResponseBase:
    by = membership(request)
    return exports.export_list(by, Kind.COMPANY, _filtered(by, filters, custom_conditions(request)), params)


@router.post("", response={201: CompanyOut, 422: InvalidInputOut}, summary="Create a company",
             description="Only `name` is required. The creator is responsible unless `responsible_id` names "
                         "a colleague, and follows the new company.")
def create_company(request: HttpRequest, payload: CompanyCreate) -> Status:
    by = membership(request)
    data = sent_fields(payload)
    company = saved_with_values(by, Kind.COMPANY, data, lambda: _write(by, data, None), is_new=True)
    return Status(201, company_out(_load(by, company.pk)))


@router.get("/{company_id}", response={200: CompanyOut, 404: ErrorOut}, summary="Read a company")
def read_company(request: HttpRequest, company_id: Id) -> dict:
    return company_out(_load(membership(request), company_id))


@router.patch("/{company_id}", response={200: CompanyOut, 404: ErrorOut, 409: StaleOut, 422: InvalidInputOut},
              summary="Change a company",
              description="Changes only the fields that are sent. A list that is sent (`emails`, `phones`, "
                          "`addresses`, `tags`, ...) replaces the stored one. With `version`, a company "
                          "changed by someone else meanwhile is not overwritten: the answer is 409 with the "
                          "current version.")
def update_company(request: HttpRequest, company_id: Id, payload: CompanyUpdate) -> dict:
    by = membership(request)
    data, company = sent_fields(payload), access_company(by, company_id)
    saved_with_values(by, Kind.COMPANY, data, lambda: _write(by, data, company), is_new=False)
    return company_out(_load(by, company_id))


@router.delete("/{company_id}", response={204: None, 403: ErrorOut, 404: ErrorOut},
               summary="Move a company to the trash",
               description="The company can be restored from the trash for 30 days. Power users and above.")
def delete_company(request: HttpRequest, company_id: Id) -> Status:
    by = membership(request)
    trash_record(access_company(by, company_id).record, by)
    return Status(204, None)


@router.get("/{company_id}/history", response={200: NotePage, 404: ErrorOut, 422: InvalidInputOut},
            summary="A company's history",
            description="Notes, calls, meetings and e-mails, newest first unless `order` says "
                        "otherwise. Confidential entries only for "
                        "power users and above.")
def company_history(request: HttpRequest, company_id: Id, params: Query[HistoryParams]) -> dict:
    by = membership(request)
    return history_page(by, access_company(by, company_id).record, params)
