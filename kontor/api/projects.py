"""/api/v1/projects: list, create, read, change, delete (to the trash), and a project's history,
which includes the history of the deal it came from."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema, Status

from kontor.accounts.models import Membership
from kontor.api import details, exports
from kontor.api.auth import membership
from kontor.api.custom_fields import CustomFieldsIn, saved_with_values, values_out
from kontor.api.deals import PLACES, colleagues_in, company_in, people_in
from kontor.api.errors import ErrorOut, InvalidInputOut, StaleOut, locating
from kontor.api.lists import (
    Page,
    RecordFilters,
    changed_since,
    custom_conditions,
    envelope,
    in_order,
    page_of,
    tag_names,
)
from kontor.api.notes import HistoryParams, NotePage, note_out
from kontor.api.schemas import Date, Id, Name, TagName, Text, sent_fields
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
    name: Name = Field(None, max_length=200)  # type: ignore[assignment]
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
    version: Id | None = Field(None, description="The version the change started from; if the project "
                                                 "changed since, the update fails with 409.")


class ProjectFilters(RecordFilters):
    status: StatusName | None = None
    company_id: Id | None = Field(None, description="Only projects with this company.")
    person_id: Id | None = Field(None, description="Only projects with this person.")
    date_from: Date | None = Field(None, description="Only projects running on or after this day.")
    date_to: Date | None = Field(None, description="Only projects that started on or before this day.")
    order: ORDERS = Field("name", description="name, start_date, -start_date, status or "  # type: ignore[assignment]
                                              "-updated_at")


PROJECT_DATA = (Prefetch("record__tags", Tag.objects.order_by("name")), "people", "colleagues",
                values_prefetch())


def with_api_data(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("record").prefetch_related(*PROJECT_DATA)


def project_out(project: Project) -> dict[str, Any]:
    record = project.record
    return {
        "id": project.pk, "name": project.name, "description": project.description, "status": project.status,
        "start_date": project.start_date, "end_date": project.end_date, "company_id": project.company_id,
        "person_ids": sorted(p.pk for p in project.people.all()),
        "colleague_ids": sorted(u.pk for u in project.colleagues.all()), "responsible_id": record.responsible_id,
        "deal_id": project.deal_id, "email_address": project.email_address,
        "tags": [tag.name for tag in record.tags.all()], "version": record.version,
        "custom_fields": values_out(record),
        "created_at": record.created_at, "updated_at": record.updated_at,
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


@router.get("", response={200: ProjectPage, 422: InvalidInputOut}, summary="List projects",
            description="Live projects of the account (not those in the trash), filtered and sorted.")
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> dict:
    projects = _filtered(membership(request), filters, custom_conditions(request))
    if projects is None:
        return envelope([], filters, False)
    rows, has_next = page_of(with_api_data(projects), filters)
    return envelope([project_out(project) for project in rows], filters, has_next)


def _filtered(by: Membership, filters: ProjectFilters, custom: list[CustomFilter]) -> QuerySet[Project] | None:
    """The projects the filters select, sorted; None when a tag id names no tag (nothing matches)."""
    tags = tag_names(by, filters)
    if tags is None:
        return None
    projects = filter_projects(by.account, tags=tags, q=filters.q, status=filters.status or "",
                               responsible_id=filters.responsible_id, company_id=filters.company_id,
                               person_id=filters.person_id, date_from=filters.date_from,
                               date_to=filters.date_to, order=filters.order, custom=custom)
    return changed_since(projects, filters)


@router.get("/export", response={200: None, 403: ErrorOut, 422: InvalidInputOut}, summary="Export projects",
            description=exports.DESCRIPTION)
def export_projects(request: HttpRequest, filters: Query[ProjectFilters],
                    params: Query[exports.TableExportParams]) -> HttpResponseBase:
    by = membership(request)
    return exports.export_list(by, Kind.PROJECT, _filtered(by, filters, custom_conditions(request)), params)


@router.post("", response={201: ProjectOut, 422: InvalidInputOut}, summary="Create a project",
             description="Only `name` is required; a new project is `starting` unless `status` says otherwise. "
                         "To continue a won deal as a project, use POST /deals/{id}/win with "
                         "`create_project`.")
def create_project(request: HttpRequest, payload: ProjectCreate) -> Status:
    by = membership(request)
    data = sent_fields(payload)
    project = saved_with_values(by, Kind.PROJECT, data, lambda: _write(by, data, None), is_new=True)
    return Status(201, project_out(_load(by, project.pk)))


@router.get("/{project_id}", response={200: ProjectOut, 404: ErrorOut}, summary="Read a project")
def read_project(request: HttpRequest, project_id: Id) -> dict:
    return project_out(_load(membership(request), project_id))


@router.patch("/{project_id}", response={200: ProjectOut, 404: ErrorOut, 409: StaleOut, 422: InvalidInputOut},
              summary="Change a project",
              description="Changes only the fields that are sent; `person_ids`, `colleague_ids` and `tags` "
                          "replace the stored lists. With `version`, a project changed meanwhile is not "
                          "overwritten (409).")
def update_project(request: HttpRequest, project_id: Id, payload: ProjectUpdate) -> dict:
    by = membership(request)
    data, project = sent_fields(payload), access_project(by, project_id)
    saved_with_values(by, Kind.PROJECT, data, lambda: _write(by, data, project), is_new=False)
    return project_out(_load(by, project_id))


@router.delete("/{project_id}", response={204: None, 403: ErrorOut, 404: ErrorOut},
               summary="Move a project to the trash",
               description="The project can be restored from the trash for 30 days. Power users and above.")
def delete_project(request: HttpRequest, project_id: Id) -> Status:
    by = membership(request)
    actions.delete_project(access_project(by, project_id), by)
    return Status(204, None)


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
