"""The routes every kind of record has in the API, written once: list, export, create, read, change
(with `version`), delete (to the trash) and history.

A kind's router module describes the kind in a `RecordRoutes` and adds each standard route with one
call, in the order the paths must be matched (`/export` before `/{person_id}`); what is its own (a
deal's forecast, win and lose; a project's history, which takes in its deal's) it writes itself.

The routes keep the operation ids and URL names the routers' own functions gave them before
(`kontor_api_people_list_people`, `list_people`, ...), since clients generated from the OpenAPI
document call them by these names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.params import functions as param_functions
from pydantic import BaseModel

from kontor.accounts.models import Membership
from kontor.api import exports
from kontor.api.auth import membership
from kontor.api.custom_fields import saved_with_values, values_out
from kontor.api.errors import ErrorOut, InvalidInputOut, StaleOut
from kontor.api.lists import Page, RecordFilters, changed_since, custom_conditions, envelope, page_of, tag_names
from kontor.api.notes import HistoryParams, NotePage, history_page
from kontor.api.schemas import MAX_ID, sent_fields
from kontor.contacts.models import Company, Person
from kontor.deals.models import Deal
from kontor.projects.models import Project
from kontor.records.actions import trash_record
from kontor.records.filters import CustomFilter
from kontor.records.models import Record

R = TypeVar("R", Person, Company, Deal, Project)
F = TypeVar("F", bound=RecordFilters)



def version_field(noun: str) -> Any:
    """The `version` of a change's schema (PersonUpdate, ...), for `noun`s."""
    return Field(None, description=f"The version the change started from; if the {noun} changed since, the "
                                   "update fails with 409.")


HISTORY = ("Notes, calls, meetings and e-mails, newest first unless `order` says otherwise. Confidential "
           "entries only for power users and above.")


def record_out(record: Record) -> dict[str, Any]:
    """The part of every kind's JSON that its record holds."""
    return {"tags": [tag.name for tag in record.tags.all()], "responsible_id": record.responsible_id,
            "version": record.version, "custom_fields": values_out(record), "created_at": record.created_at,
            "updated_at": record.updated_at}


def selected(by: Membership, filters: RecordFilters, query: Callable[[list[str]], QuerySet[R]]) -> QuerySet[R] | None:
    """What `query` selects with the filters' tag names, changed since `updated_since`; None when a
    tag id names no tag (nothing matches)."""
    tags = tag_names(by, filters)
    return None if tags is None else changed_since(query(tags), filters)


def _query(schema: type[Schema]) -> Any:
    """`Query[schema]`, for a schema that is known only when the route is added."""
    return Annotated[schema, param_functions.Query()]


def _trash(record: Person | Company | Deal | Project, by: Membership) -> None:
    trash_record(record.record, by)


@dataclass(frozen=True)
class RecordRoutes(Generic[R, F]):
    """What the standard routes need to know of one kind of record."""

    router: Router
    module: str  # the router's module, whose name the operation ids carry
    kind: str  # Kind.PERSON, ...
    noun: str  # "person": "Create a person", and the path's `{person_id}`
    plural: str  # "people": "List people"
    access: Callable[[Membership, int], R]  # the record, or 404 (access_person)
    load: Callable[[Membership, int], R]  # the record with everything its JSON shows
    out: Callable[[R], dict[str, Any]]  # its JSON
    out_schema: type[BaseModel]  # and that JSON's schema
    write: Callable[[Membership, dict[str, Any], R | None], R]  # creates (None) or changes it from the sent fields
    filters: type[F]  # the list's query parameters
    select: Callable[[Membership, F, list[CustomFilter]], QuerySet[R] | None]  # what the list and export show
    # A list's rows with everything their JSON shows: records, or plain rows that only out_page reads.
    with_data: Callable[[QuerySet[R]], QuerySet[R, Any]]
    # The JSON of a page's rows at once, for a kind that reads their lists in a query per list
    # rather than prefetching them; without it, `out` of each row.
    out_page: Callable[[list[Any]], list[dict[str, Any]]] | None = None

    @property
    def item(self) -> str:
        """The path of one record: `/{person_id}`, ..."""
        return f"/{{{self.noun}_id}}"

    def add(self, method: str, path: str, name: str, view: Callable[..., Any], *, response: dict[int, Any],
            summary: str, description: str | None = None, **types: Any) -> None:
        """Adds `view` to the kind's router as `method path`, under the operation id and URL name that
        the router module's function `name` had.

        ninja reads a route's parameters from its function's annotations, and a function written
        once for every kind can name only their common base: `types` gives the parameters the
        kind's own (its filters, its payload), and `record_id` becomes the path's `{person_id}`."""
        if "record_id" in view.__annotations__:
            types["record_id"] = Annotated[int, Path(ge=1, le=MAX_ID, alias=f"{self.noun}_id")]
        view.__annotations__.update(types)
        self.router.add_api_operation(path, [method], view, response=response, summary=summary,
                                      description=description, url_name=name,
                                      operation_id=f"{self.module}_{name}".replace(".", "_"))

    def add_list(self, page: type[Page]) -> None:
        """GET "": a page of the live records the filters select."""

        def list_records(request: HttpRequest, filters: Query[F]) -> dict:
            records = self.select(membership(request), filters, custom_conditions(request))
            if records is None:
                return envelope([], filters, False)
            rows, has_next = page_of(self.with_data(records), filters)
            items = self.out_page(rows) if self.out_page else [self.out(record) for record in rows]
            return envelope(items, filters, has_next)

        self.add("GET", "", f"list_{self.plural}", list_records, response={200: page, 422: InvalidInputOut},
                 summary=f"List {self.plural}",
                 description=f"Live {self.plural} of the account (not those in the trash), filtered and sorted.",
                 filters=_query(self.filters))


    def add_export(self, params: type[exports.ExportParams],
                   description: str = exports.DESCRIPTION) -> None:
        """GET /export: every record the list shows with the same filters, as a file."""

        def export_records(request: HttpRequest, filters: Query[F],
                           params: Query[exports.ExportParams]) -> HttpResponseBase:
            by = membership(request)
            return exports.export_list(by, self.kind, self.select(by, filters, custom_conditions(request)), params)

        self.add("GET", "/export", f"export_{self.plural}", export_records,
                 response={200: None, 403: ErrorOut, 422: InvalidInputOut}, summary=f"Export {self.plural}",
                 description=description, filters=_query(self.filters), params=_query(params))


    def add_create(self, payload: type[Schema], description: str) -> None:
        """POST "": a new record, answered with 201 and its JSON."""

        def create_record(request: HttpRequest, payload: Schema) -> Status:
            by = membership(request)
            data = sent_fields(payload)
            record = saved_with_values(by, self.kind, data, lambda: self.write(by, data, None), is_new=True)
            return Status(201, self.out(self.load(by, record.pk)))

        self.add("POST", "", f"create_{self.noun}", create_record,
                 response={201: self.out_schema, 422: InvalidInputOut}, summary=f"Create a {self.noun}",
                 description=description, payload=payload)

    def add_read(self) -> None:
        """GET /{id}: one record."""

        def read_record(request: HttpRequest, record_id: int) -> dict:
            return self.out(self.load(membership(request), record_id))

        self.add("GET", self.item, f"read_{self.noun}", read_record, response={200: self.out_schema, 404: ErrorOut},
                 summary=f"Read a {self.noun}")


    def add_update(self, payload: type[Schema], description: str) -> None:
        """PATCH /{id}: changes the sent fields; a stale `version` is refused with 409."""

        def update_record(request: HttpRequest, record_id: int, payload: Schema) -> dict:
            by = membership(request)
            data, record = sent_fields(payload), self.access(by, record_id)
            saved_with_values(by, self.kind, data, lambda: self.write(by, data, record), is_new=False)
            return self.out(self.load(by, record_id))

        self.add("PATCH", self.item, f"update_{self.noun}", update_record,
                 response={200: self.out_schema, 404: ErrorOut, 409: StaleOut, 422: InvalidInputOut},
                 summary=f"Change a {self.noun}", description=description, payload=payload)


    def add_delete(self, trash: Callable[[R, Membership], None] = _trash) -> None:
        """DELETE /{id}: moves the record to the trash (`trash`: the kind's delete action, if it has one)."""

        def delete_record(request: HttpRequest, record_id: int) -> Status:
            by = membership(request)
            trash(self.access(by, record_id), by)
            return Status(204, None)

        self.add("DELETE", self.item, f"delete_{self.noun}", delete_record,
                 response={204: None, 403: ErrorOut, 404: ErrorOut}, summary=f"Move a {self.noun} to the trash",
                 description=f"The {self.noun} can be restored from the trash for 30 days. Power users and above.")


    def add_history(self, description: str = HISTORY) -> None:
        """GET /{id}/history: a page of the record's notes, calls, meetings and e-mails."""

        def record_history(request: HttpRequest, record_id: int, params: Query[HistoryParams]) -> dict:
            by = membership(request)
            return history_page(by, self.access(by, record_id).record, params)

        self.add("GET", f"{self.item}/history", f"{self.noun}_history", record_history,
                 response={200: NotePage, 404: ErrorOut, 422: InvalidInputOut}, summary=f"A {self.noun}'s history",
                 description=description)
