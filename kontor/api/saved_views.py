"""/api/v1/views: the lists' saved views, as the side column keeps them.

A view is `{"id", "name", "kind", "query", "shared", "is_default"}`: `query` is the list's query
string (as on its page and its GET route), `kind` one of person, company, deal, project, task.
GET lists the views the key's user may open (their own and those shared with the team); only a
view's author (or an administrator, for a shared one) changes or deletes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypedDict

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInputOut, Loc, locating
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id, Name, Text
from kontor.records import saved_views
from kontor.records.access import access_own_saved_view
from kontor.records.models import ListKind, SavedView

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

router = Router(tags=["Saved views"])

ViewKind = Literal["person", "company", "deal", "project", "task"]


class ViewOut(Schema):
    id: int
    name: str
    kind: str
    query: str = Field(description="The list's query string, e.g. tag=Kunde&responsible=me.")
    shared: bool
    is_default: bool = Field(description="The key's user's list of this kind opens with this view.")
    owner_id: int


class ViewPage(Page):
    items: list[ViewOut]


class ViewIn(Schema):
    name: Name = Field(max_length=80)
    kind: ViewKind
    query: Text = Field("", max_length=2000)
    shared: StrictBool = False
    is_default: StrictBool = False


class ViewPatch(Schema):
    name: Name | None = Field(None, max_length=80)
    query: Text | None = Field(None, max_length=2000)
    shared: StrictBool | None = None
    is_default: StrictBool | None = None


class ViewFilters(ListParams):
    kind: ViewKind | None = Field(None, description="Only the views of this list.")
    updated_since: DateTime | None = Field(None, description="Only views saved or changed at or after this time "
                                           "(ISO 8601; without an offset, in the user's time zone).")
    order: Literal["name", "-name", "created_at", "-created_at", "-updated_at", "updated_at"] = Field(
        "name", description="`name` (A to Z), `-name`, `created_at` (oldest first), `-created_at`, `-updated_at` "
                            "(recently changed first) or `updated_at`.")


PLACES: dict[str, Loc] = {name: ["body", name] for name in ("name", "kind", "query")}


def view_out(view: SavedView, by: Membership) -> dict[str, Any]:
    default = saved_views.default_view(by, view.kind)
    return {"id": view.pk, "name": view.name, "kind": view.kind, "query": view.query, "shared": view.is_shared,
            "is_default": default is not None and default.pk == view.pk, "owner_id": view.owner_id}


@router.get("", response={200: ViewPage, 422: InvalidInputOut}, summary="List saved views")
def list_views(request: HttpRequest, params: Query[ViewFilters]) -> dict[str, Any]:
    by = membership(request)
    kinds = [params.kind] if params.kind else list(ListKind.values)
    views = changed_since(saved_views.views_to_open(by, kinds), params, "updated_at")
    rows, has_next = page_of(in_order(views, params.order), params)
    return envelope([_out(view) for view in rows], params, has_next)


class _DefaultColumn(TypedDict):
    is_default: bool


def _out(view: WithAnnotations[SavedView, _DefaultColumn]) -> dict[str, Any]:
    """A view as views_to_open reads it, with its is_default."""
    return {"id": view.pk, "name": view.name, "kind": view.kind, "query": view.query, "shared": view.is_shared,
            "is_default": view.is_default, "owner_id": view.owner_id}


@router.post("", response={201: ViewOut, 422: InvalidInputOut}, summary="Save a view")
def create_view(request: HttpRequest, payload: ViewIn) -> Any:
    by = membership(request)
    with locating(PLACES):
        view = saved_views.save_view(by, payload.kind, payload.name, payload.query, shared=payload.shared,
                                     make_default=payload.is_default)
    return Status(201, view_out(view, by))


@router.patch("/{view_id}", response={200: ViewOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
              summary="Rename, refilter, share or make default a view")
def update_view(request: HttpRequest, view_id: Id, payload: ViewPatch) -> dict[str, Any]:
    by = membership(request)
    view = access_own_saved_view(by, view_id)
    with locating(PLACES):
        view = saved_views.update_view(view, by, name=payload.name, query=payload.query, shared=payload.shared)
    if payload.is_default is not None:
        saved_views.set_default(by, view.kind, view if payload.is_default else None)
    return view_out(view, by)


@router.delete("/{view_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete a view")
def delete_view(request: HttpRequest, view_id: Id) -> Any:
    by = membership(request)
    saved_views.delete_view(access_own_saved_view(by, view_id), by)
    return Status(204, None)
