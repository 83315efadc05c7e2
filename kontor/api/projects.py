"""/api/v1/projects: list, export, create, read, change and delete (to the trash), the standard
routes of every record kind (record_routes.py), added one by one at the end of this module; and the
project's own history, which includes the history of the deal it came from."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kontor.accounts.models import Membership
from kontor.api import details, exports
from kontor.api.auth import membership
from kontor.api.custom_fields import CustomFieldsIn
from kontor.api.deals import PLACES, colleagues_in, company_in, people_in
from kontor.api.errors import ErrorOut, InvalidInputOut, locating
from kontor.api.lists import Page, RecordFilters, changed_since, envelope, in_order, page_of
from kontor.api.notes import HistoryParams, NotePage, note_out
from kontor.api.record_routes import RecordRoutes, record_out, selected, version_field
from kontor.api.schemas import Date, Id, Name, Omittable, TagName, Text
from kontor.deals.actions import KEEP
from kontor.projects import actions
from kontor.projects.models import Project
from kontor.projects.queries import filter_projects, project_entries
from kontor.records.access import access_project
from kontor.records.custom_fields import values_prefetch
from kontor.records.filters import CustomFilter
from kontor.records.models import Kind, Tag

router = Router(tags=["Projects"])

StatusName = Literal["starting", "open", "closed"]
ORDERS = Literal["name", "start_date", "-start_date", "status", "-updated_at"]


class ProjectOut(Schema):
    id: int
    name: str
    description: str
    status: str = Field(description="starting, open or closed")
    start_date: dt.date | None
    end_date: dt.date | None
    company_id: int | None
    person_ids: list[int]
    colleague_ids: list[int]
    responsible_id: int | None
    deal_id: int | None = Field(description="The deal the project came from.")
    email_address: str = Field(description="The project's own e-mail address.")
    tags: list[str]
    version: int
    custom_fields: dict[str, Any] = Field(description="Filled custom fields by key (see /custom-fields).")
    created_at: dt.datetime
    updated_at: dt.datetime


class ProjectPage(Page):
    items: list[ProjectOut]


class ProjectFields(CustomFieldsIn):
    name: Omittable[Name] = Field(None, max_length=200)
    description: Text | None = Field(None, max_length=100_000)
    status: StatusName | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    company_id: Id | None = None
    person_ids: list[Id] | None = Field(None, max_length=500, description="The people; replaces them.")
    colleague_ids: list[Id] | None = Field(None, max_length=500, description="User ids of colleagues involved.")
    tags: list[TagName] | None = Field(None, description="Replaces the project's tags; new names are created.")
    responsible_id: Id | None = Field(None, description="User id of an active colleague (see /users).")


class ProjectCreate(ProjectFields):
    name: Name = Field(max_length=200)


class ProjectUpdate(ProjectFields):
    version: Id | None = version_field("project")


class ProjectFilters(RecordFilters):
    status: StatusName | None = None
    company_id: Id | None = Field(None, description="Only projects with this company.")
    person_id: Id | None = Field(None, description="Only projects with this person.")
    date_from: Date | None = Field(None, description="Only projects running on or after this day.")
    date_to: Date | None = Field(None, description="Only projects that started on or before this day.")
    # RecordFilters (lists.py) types `order` as the two sorts of people and companies; mypy refuses a
    # subclass that widens it. A typing that fits every list belongs in lists.py, not in this router.
    order: ORDERS = Field("name", description="name, start_date, -start_date, status or "  # type: ignore[assignment]
                                              "-updated_at")


PROJECT_DATA = (Prefetch("record__tags", Tag.objects.order_by("name")), "people", "colleagues",
                values_prefetch())


def with_api_data(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("record").prefetch_related(*PROJECT_DATA)


def project_out(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk, "name": project.name, "description": project.description, "status": project.status,
        "start_date": project.start_date, "end_date": project.end_date, "company_id": project.company_id,
        "person_ids": sorted(p.pk for p in project.people.all()),
        "colleague_ids": sorted(u.pk for u in project.colleagues.all()), "deal_id": project.deal_id,
        "email_address": project.email_address, **record_out(project.record),
    }


def _load(by: Membership, project_id: int) -> Project:
    project = access_project(by, project_id)
    prefetch_related_objects([project], *PROJECT_DATA)
    return project


def _write(by: Membership, data: dict[str, Any], project: Project | None) -> Project:
    fields = {name: data[name] for name in actions.PROJECT_FIELDS
              if name in data and (data[name] is not None or name.endswith("_date"))}
    if project is not None and "description" in data:
        fields["description"] = data["description"] or ""
    company = company_in(by, data) if "company_id" in data else KEEP
    people, colleagues = people_in(by, data), colleagues_in(by, data)
    tags, responsible = details.tags_in(data), details.responsible_in(by, data)
    with locating(PLACES):
        if project is None:
            return actions.create_project(
                by, fields, company=None if company is KEEP else company, people=people or [],
                colleagues=colleagues or [], tags=tags or (), responsible=responsible or None)
        return actions.update_project(
            project, by, fields, version=data.get("version"), company=company, people=people,
            colleagues=colleagues, tags=tags, responsible=KEEP if responsible is False else responsible)


def _filtered(by: Membership, filters: ProjectFilters, custom: list[CustomFilter]) -> QuerySet[Project] | None:
    """The projects the filters select, sorted; None when a tag id names no tag (nothing matches)."""
    return selected(by, filters, lambda tags: filter_projects(
        by.account, tags=tags, q=filters.q, status=filters.status or "", responsible_id=filters.responsible_id,
        company_id=filters.company_id, person_id=filters.person_id, date_from=filters.date_from,
        date_to=filters.date_to, order=filters.order, custom=custom))


PROJECTS = RecordRoutes(router, __name__, Kind.PROJECT, "project", "projects", access=access_project, load=_load,
                        out=project_out, out_schema=ProjectOut, write=_write, filters=ProjectFilters,
                        select=_filtered, with_data=with_api_data)

PROJECTS.add_list(ProjectPage)
PROJECTS.add_export(exports.TableExportParams)
PROJECTS.add_create(ProjectCreate, description=(
    "Only `name` is required; a new project is `starting` unless `status` says otherwise. To continue a won deal as "
    "a project, use POST /deals/{id}/win with `create_project`."))
PROJECTS.add_read()
PROJECTS.add_update(ProjectUpdate, description=(
    "Changes only the fields that are sent; `person_ids`, `colleague_ids` and `tags` replace the stored lists. "
    "With `version`, a project changed meanwhile is not overwritten (409)."))
PROJECTS.add_delete(trash=actions.delete_project)


@router.get("/{project_id}/history", response={200: NotePage, 404: ErrorOut, 422: InvalidInputOut},
            summary="A project's history",
            description="The project's notes, calls, meetings and e-mails together with those of the deal it "
                        "came from, newest first unless `order` says otherwise, each once. Confidential entries only "
                        "for power users and up.")
def project_history(request: HttpRequest, project_id: Id, params: Query[HistoryParams]) -> dict:
    by = membership(request)
    entries = changed_since(project_entries(access_project(by, project_id), by), params, "updated_at")
    rows, has_next = page_of(in_order(entries, params.order), params)
    return envelope([note_out(entry) for entry in rows], params, has_next)
