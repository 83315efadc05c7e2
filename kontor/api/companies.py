"""/api/v1/companies: list, export, create, read, change, delete (to the trash) and the history of a
company. These are the standard routes of every record kind (record_routes.py), added one by one at
the end of this module; what is a company's own is here.

A company's people are its positions; they are written on the person (`positions`), so that a
job has one place where it is changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Router
from pydantic import BaseModel

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
from kontor.api.lists import Page, RecordFilters
from kontor.api.record_routes import RecordRoutes, selected, version_field
from kontor.api.schemas import (
    ContactLists,
    Id,
    Name,
    Omittable,
    RecordFields,
    Text,
)
from kontor.contacts import actions
from kontor.contacts.actions import COMPANY_FIELDS
from kontor.contacts.models import Company, Position, person_name
from kontor.contacts.queries import filter_companies
from kontor.lib.prepared import prepared
from kontor.records.access import access_company
from kontor.records.filters import CustomFilter
from kontor.records.models import Kind

router = Router(tags=["Companies"])


class CompanyFields(ContactLists, RecordFields, CustomFieldsIn):
    name: Omittable[Name] = Field(None, max_length=200)
    background: Text | None = Field(None, description="“About this company”: free text.")


class CompanyCreate(CompanyFields):
    name: Name = Field(max_length=200)


class CompanyUpdate(CompanyFields):
    version: Id | None = version_field("company")


class EmployeeOut(BaseModel):  # made from dicts only: see ContactRecordOut
    person_id: int
    person_name: str
    job_title: str
    department: str
    is_primary: bool
    is_former: bool


class CompanyOut(ContactRecordOut):
    """A company: what every person and company has (ContactRecordOut), then the company's own."""

    background: str
    people: list[EmployeeOut] = Field(description="Who works (or worked, `is_former`) there.")


class CompanyPage(Page):
    items: list[CompanyOut]


def with_api_data(companies: QuerySet[Company]) -> QuerySet[Company]:
    """Companies with the record their JSON shows; companies_out reads the rest."""
    return companies.select_related("record").only(*COMPANY_FIELDS, *RECORD_COLUMNS)


@prepared  # compiled once per page length (kontor/lib/prepared.py), as contacts_out's lists are
def _employees(ids: list[int]) -> QuerySet[Position, tuple[Any, ...]]:
    """The companies' current and former people, the former last, then by name."""
    return (Position.objects.filter(company__record__pk__in=ids, person__record__deleted_at__isnull=True)
            .order_by("is_former", "person__sort_name", "pk")
            .values_list("company_id", "person_id", "person__title", "person__first_name", "person__last_name",
                         "job_title", "department", "is_primary", "is_former"))


def page_rows(companies: QuerySet[Company]) -> QuerySet[Company, tuple[Any, ...]]:
    """A list page's companies as plain rows for companies_out (as people.page_rows reads people):
    the id, the name and background, then the record's columns."""
    return companies.values_list("pk", "name", "background", *RECORD_COLUMNS)


def companies_out(rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The JSON of each company (as page_rows reads them), in a fixed number of queries whatever
    their number: their lists are read as plain rows too (see contacts_out)."""
    if not rows:
        return []
    contacts = contacts_out([(pk, *record) for pk, _name, _background, *record in rows])
    people = grouped(_employees([row[0] for row in rows]))
    return [{
        "id": pk, "name": name, **contacts[pk], "background": background,
        "people": [_employee(*row) for row in people[pk]],
    } for pk, name, background, *_record in rows]


def _employee(person_id: int, title: str, first_name: str, last_name: str, job_title: str, department: str,
              is_primary: bool, is_former: bool) -> dict[str, Any]:
    return {"person_id": person_id, "person_name": person_name(title, first_name, last_name),
            "job_title": job_title, "department": department, "is_primary": is_primary, "is_former": is_former}


def company_out(company: Company) -> dict[str, Any]:
    """The JSON of one company read as a model (with_api_data)."""
    return companies_out([(company.pk, company.name, company.background, *record_row(company.record)[1:])])[0]


def _write(by: Membership, data: dict[str, Any], company: Company | None) -> Company:
    """Creates the company (company=None) or changes it, from the request's fields."""
    return write_contact(by, data, company, COMPANY_FIELDS, create=actions.create_company,
                         update=actions.update_company)


def _filtered(by: Membership, filters: RecordFilters, custom: list[CustomFilter]) -> QuerySet[Company] | None:
    """The companies the filters select, sorted; None when a tag id names no tag (nothing matches)."""
    return selected(by, filters, lambda tags: filter_companies(
        by.account, tags=tags, q=filters.q, responsible_id=filters.responsible_id, order=filters.order,
        custom=custom))


COMPANIES = RecordRoutes(router, __name__, Kind.COMPANY, "company", "companies", access=access_company,
                         load=access_company, out=company_out, out_schema=CompanyOut, write=_write,
                         filters=RecordFilters, select=_filtered, with_data=page_rows, out_page=companies_out)

COMPANIES.add_list(CompanyPage)
COMPANIES.add_export(exports.ExportParams)
COMPANIES.add_create(CompanyCreate, description=(
    "Only `name` is required. The creator is responsible unless `responsible_id` names a colleague, and follows "
    "the new company."))
COMPANIES.add_read()
COMPANIES.add_update(CompanyUpdate, description=(
    "Changes only the fields that are sent. A list that is sent (`emails`, `phones`, `addresses`, `tags`, ...) "
    "replaces the stored one. With `version`, a company changed by someone else meanwhile is not overwritten: the "
    "answer is 409 with the current version."))
COMPANIES.add_delete()
COMPANIES.add_history()
