"""/api/v1/webforms: the account's website contact forms, for owners and administrators (403 for
every other role). Enquiries themselves arrive on the public pages, not through this API."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInputOut
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id, Item, Name, Omittable, TagName, Text
from kontor.records.access import access_webform, require_form_manager
from kontor.webforms import actions
from kontor.webforms.models import Language, WebForm

router = Router(tags=["Web forms"])


class FieldChoice(Item):
    key: Text = Field(max_length=60, description="first_name, last_name, email, phone, company or message")
    required: StrictBool = False


class WebFormOut(Schema):
    id: int
    name: str
    token: str
    url: str = Field(description="The form's public page; the iframe snippet adds embed/ to it.")
    fields: list[FieldChoice]
    tags: list[str]
    responsible_id: int | None
    notify_ids: list[int]
    thank_you_text: str
    redirect_url: str
    language: str
    allowed_origins: list[str]
    submission_count: int
    spam_count: int


class WebFormPage(Page):
    items: list[WebFormOut]


class WebFormFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only forms created or changed at or after this "
                                           "time (ISO 8601).")
    order: Literal["name", "-updated_at", "updated_at"] = Field(
        "name", description="`name` (A to Z), `-updated_at` (recently changed first) or `updated_at`.")


class WebFormIn(Schema):
    name: Name = Field(max_length=150)
    fields: list[FieldChoice] = Field(
        default_factory=lambda: [FieldChoice(key="last_name", required=True)],
        description="The fields in any order (the form shows them in a fixed one). The last name is always "
                    "on the form and required.", max_length=50)
    tags: list[TagName] = Field(default_factory=list, max_length=50, description="Put on every person who sends it.")
    responsible_id: Id | None = Field(None, description="Without one, notes are filed in the owner's name.")
    notify_ids: list[Id] = Field(default_factory=list, max_length=200)
    thank_you_text: Text = Field("", max_length=2000)
    redirect_url: Text = Field("", max_length=500, description="Instead of the thank-you text.")
    language: Language = Language.GERMAN
    allowed_origins: list[Text] = Field(default_factory=list, max_length=20,
                                        description="https://… websites allowed to send the form; empty: any.")


class WebFormPatch(Schema):
    name: Omittable[Name] = Field(None, max_length=150)
    fields: list[FieldChoice] | None = Field(None, max_length=50)
    tags: list[TagName] | None = Field(None, max_length=50)
    responsible_id: Id | None = None
    notify_ids: list[Id] | None = Field(None, max_length=200)
    thank_you_text: Text | None = Field(None, max_length=2000)
    redirect_url: Text | None = Field(None, max_length=500)
    language: Language | None = None
    allowed_origins: list[Text] | None = Field(None, max_length=20)


def _out(webform: WebForm) -> dict[str, Any]:
    return {"id": webform.pk, "name": webform.name, "token": webform.token, "url": webform.public_url(),
            "fields": webform.fields, "tags": sorted(t.name for t in webform.tags.all()),
            "responsible_id": webform.responsible_id, "notify_ids": sorted(u.pk for u in webform.notify.all()),
            "thank_you_text": webform.thank_you_text, "redirect_url": webform.redirect_url,
            "language": webform.language, "allowed_origins": webform.allowed_origins,
            "submission_count": webform.submission_count, "spam_count": webform.spam_count}


def _data(values: dict[str, Any]) -> actions.WebFormData:
    return actions.WebFormData(**{**values, "fields": [dict(f) for f in values["fields"]]})


def _current(webform: WebForm) -> dict[str, Any]:
    out = _out(webform)
    return {name: out[name] for name in ("name", "fields", "tags", "responsible_id", "notify_ids",
                                         "thank_you_text", "redirect_url", "language", "allowed_origins")}


@router.get("", response={200: WebFormPage, 403: ErrorOut, 422: InvalidInputOut}, summary="List web forms",
            description="By name unless `order` says otherwise.")
def list_webforms(request: HttpRequest, filters: Query[WebFormFilters]) -> dict:
    by = membership(request)
    require_form_manager(by)
    webforms = changed_since(WebForm.objects.filter(account=by.account), filters, "updated_at")
    rows, has_next = page_of(in_order(webforms.prefetch_related("tags", "notify"), filters.order), filters)
    return envelope([_out(w) for w in rows], filters, has_next)


@router.post("", response={201: WebFormOut, 403: ErrorOut, 422: InvalidInputOut}, summary="Create a web form")
def create_webform(request: HttpRequest, payload: WebFormIn) -> Status:
    by = membership(request)
    require_form_manager(by)
    webform = actions.create_webform(by, _data(payload.model_dump()))
    return Status(201, _out(webform))


@router.get("/{webform_id}", response={200: WebFormOut, 403: ErrorOut, 404: ErrorOut}, summary="Read a web form")
def read_webform(request: HttpRequest, webform_id: Id) -> dict:
    return _out(access_webform(membership(request), webform_id))


@router.patch("/{webform_id}", response={200: WebFormOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
              summary="Change a web form", description="Only the keys sent change; `responsible_id: null` "
                                                       "clears the responsible user.")
def update_webform(request: HttpRequest, webform_id: Id, payload: WebFormPatch) -> dict:
    by = membership(request)
    webform = access_webform(by, webform_id)
    changes = payload.model_dump(exclude_unset=True)
    values = {**_current(webform), **{k: v for k, v in changes.items() if v is not None or k == "responsible_id"}}
    return _out(actions.update_webform(webform, by, _data(values)))


@router.delete("/{webform_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete a web form",
               description="The form stops working at once; the people and notes it brought in stay.")
def delete_webform(request: HttpRequest, webform_id: Id) -> Status:
    by = membership(request)
    actions.delete_webform(access_webform(by, webform_id), by)
    return Status(204, None)
