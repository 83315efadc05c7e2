"""The People and Companies pages: lists, record pages, forms, photos, trash.

People and companies behave alike, so each page is one function over an `Area` that says which
model, access helper, filter and editor to use; the views named in the URLconfs are thin entries
into those functions.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.queries import colleague_choices
from kontor.accounts.requests import MemberRequest
from kontor.contacts import actions
from kontor.contacts.company_history import history_context
from kontor.contacts.forms import CompanyEditor, PersonEditor, PhotoForm, RecordEditor
from kontor.contacts.models import Company, Person
from kontor.contacts.queries import (
    ListFilters,
    add_row_data,
    addresses_of,
    assistants_of,
    company_staff,
    details_of,
    filter_companies,
    important_dates_of,
    list_page,
    live_positions_of,
    tags_of,
)
from kontor.history.queries import timeline
from kontor.lib.params import parse_id, parse_text
from kontor.records import actions as record_actions
from kontor.records.access import access_company, access_person, find_company, require
from kontor.records.actions import StaleEdit
from kontor.records.filters import chosen_column, custom_filter_fields, tag_filter
from kontor.records.models import Kind, ListKind
from kontor.records.saved_views import opens_default_view
from kontor.records.views import tag_counts_answer, wants_tag_counts

COMPANY_PEOPLE_SHOWN = 100


@dataclass(frozen=True)
class Area:
    kind: str
    namespace: str
    fetch: Callable[..., Any]
    editor: type[RecordEditor]

    @property
    def is_person(self) -> bool:
        return self.kind == Kind.PERSON


PEOPLE = Area(Kind.PERSON, "people", access_person, PersonEditor)
COMPANIES = Area(Kind.COMPANY, "companies", access_company, CompanyEditor)


# -- lists -------------------------------------------------------------------------------------------

def _list(request: MemberRequest, area: Area) -> HttpResponse:
    membership = request.membership
    filters = ListFilters.from_query(request.GET, current_user_id=membership.user.pk)
    if wants_tag_counts(request):
        return tag_counts_answer(request, area.kind, filters, filters.apply(membership.account, area.kind))
    column = chosen_column(membership.account, area.kind, request.GET)
    page = list_page(membership.account, area.kind, filters, custom_values=column is not None)
    context: dict[str, Any] = {"area": area, "filters": filters, "column": column, "page": page,
                               "responsible": request.GET.get("responsible", "")}
    add_row_data(page.items)
    context["is_empty"] = not page.items and not page.has_previous and not filters.is_filtered
    template = "contacts/list.html"
    if request.htmx and request.htmx.target == "results":
        return render(request, template + "#results", context)
    context["tag_filter"] = tag_filter(membership.account, area.kind, filters.tags)
    context["custom_filter"] = custom_filter_fields(membership.account, area.kind, filters.custom)
    context["colleagues"] = colleague_choices(membership.account)
    context["company_filter"] = find_company(membership, filters.company_id)
    return render(request, template, context)


@member_required
@opens_default_view(ListKind.PERSON)
def people_list(request: MemberRequest) -> HttpResponse:
    return _list(request, PEOPLE)


@member_required
@opens_default_view(ListKind.COMPANY)
def company_list(request: MemberRequest) -> HttpResponse:
    return _list(request, COMPANIES)


@member_required
def company_names(request: MemberRequest) -> HttpResponse:
    """Options for the company field of a position row (an htmx-filled <datalist>)."""
    # The position rows send their own field (positions-3-company_name); plain callers send q.
    typed = parse_text(next((value for key, value in request.GET.items()
                             if key == "q" or key.endswith("company_name")), ""))
    companies = filter_companies(request.membership.account, q=typed)[:20] if typed.strip() else []
    return render(request, "contacts/_company_options.html", {"companies": companies})


# -- record pages ------------------------------------------------------------------------------------

def _detail(request: MemberRequest, area: Area, record_id: int) -> HttpResponse:
    membership = request.membership
    try:
        obj = area.fetch(membership, record_id)
    except Http404:
        return _trashed(request, area, record_id)
    record = obj.record
    context = {
        area.kind: obj, "obj": obj, "area": area,
        "tags": tags_of(record.pk),
        **({"entries": timeline(record, membership)} if area.is_person else history_context(request, obj, membership)),
        "contact_details": details_of(record.pk),
        "addresses": addresses_of(record.pk),
    }
    if area.is_person:
        context.update(positions=live_positions_of(obj.pk), assistants=assistants_of(obj.pk),
                       dates=important_dates_of(obj.pk))
    else:
        context["staff"] = company_staff(obj, COMPANY_PEOPLE_SHOWN + 1)
    return render(request, f"contacts/{area.kind}_detail.html", context)


def _trashed(request: MemberRequest, area: Area, record_id: int) -> HttpResponse:
    """A record in the trash: a 404 like any missing page, except for those who may restore it.
    A record merged into another leads everyone to the one it was merged into."""
    membership = request.membership
    merged = area.fetch(membership, record_id, include_trash=True).record.merged_into
    if merged is not None and not merged.is_deleted:
        return redirect(merged)
    if not roles.can_delete_records(membership.role):
        raise Http404
    obj = area.fetch(membership, record_id, include_trash=True)
    return render(request, "records/trashed.html", {"obj": obj, "name": obj.full_name, "page_class": "contacts-page",
                                                    "namespace": area.namespace})


@member_required
def person_detail(request: MemberRequest, person_id: int) -> HttpResponse:
    return _detail(request, PEOPLE, person_id)


@member_required
def company_detail(request: MemberRequest, company_id: int) -> HttpResponse:
    return _detail(request, COMPANIES, company_id)


# -- forms -------------------------------------------------------------------------------------------

def _new(request: MemberRequest, area: Area, initial_rows: dict[str, list[dict]] | None = None) -> HttpResponse:
    membership = request.membership
    editor = area.editor(membership, data=request.POST or None, initial_rows=initial_rows)
    if request.method == "POST" and editor.is_valid():
        obj = editor.save()
        if obj is not None:
            messages.success(request, _("“%(name)s” has been created.") % {"name": obj.full_name})
            return redirect(obj)
    return render(request, f"contacts/{area.kind}_form.html", {"editor": editor, "area": area, "obj": None})


def _edit(request: MemberRequest, area: Area, record_id: int) -> HttpResponse:
    membership = request.membership
    obj = area.fetch(membership, record_id)
    editor = area.editor(membership, obj, data=request.POST or None)
    context: dict[str, Any] = {"area": area, "obj": obj, "photo_max_mb": settings.PHOTO_MAX_BYTES // 2**20}
    if request.method == "POST" and editor.is_valid():
        try:
            saved = editor.save()
        except StaleEdit:
            stored = area.fetch(membership, record_id)
            context.update(conflicts=editor.conflicts(stored), changed_by=stored.record.updated_by,
                           changed_at=stored.record.updated_at, obj=stored)
            # The form keeps everything the user typed, now based on the stored version, so that
            # saving again deliberately replaces what the colleague wrote.
            editor = area.editor(membership, stored, data=_with_version(request.POST, stored.record.version))
        else:
            if saved is not None:
                messages.success(request, _("Your changes have been saved."))
                return redirect(saved)
    context["editor"] = editor
    status = 409 if "conflicts" in context else 200
    return render(request, f"contacts/{area.kind}_form.html", context, status=status)


def _with_version(data: QueryDict, version: int) -> QueryDict:
    data = data.copy()
    data["version"] = str(version)
    return data


@member_required
def person_new(request: MemberRequest) -> HttpResponse:
    """A new person; `?company=ID` starts with a position at that company ("Add person" there)."""
    company_id = parse_id(request.GET.get("company"))
    rows = None
    if company_id is not None:
        company = access_company(request.membership, company_id)
        rows = {"positions": [{"company_id": company.pk, "company_name": company.name, "is_primary": True}]}
    return _new(request, PEOPLE, rows)


@member_required
def company_new(request: MemberRequest) -> HttpResponse:
    return _new(request, COMPANIES)


@member_required
def person_edit(request: MemberRequest, person_id: int) -> HttpResponse:
    return _edit(request, PEOPLE, person_id)


@member_required
def company_edit(request: MemberRequest, company_id: int) -> HttpResponse:
    return _edit(request, COMPANIES, company_id)


# -- trash -------------------------------------------------------------------------------------------

def _delete(request: MemberRequest, area: Area, record_id: int) -> HttpResponse:
    membership = request.membership
    obj = area.fetch(membership, record_id)
    require(membership, roles.can_delete_records, _("Your role does not allow deleting records."))
    if request.method != "POST":
        return render(request, "records/confirm_delete.html", {"obj": obj, "name": obj.full_name,
                                                               "page_class": "contacts-page", "has_details": True})
    record_actions.trash_record(obj.record, membership)
    messages.success(request, _("“%(name)s” has been moved to the trash. It can be restored there for "
                                "%(days)s days.") % {"name": obj.full_name,
                                                      "days": settings.TRASH_RETENTION_DAYS})
    return redirect(f"{area.namespace}:list")


def _restore(request: MemberRequest, area: Area, record_id: int) -> HttpResponse:
    membership = request.membership
    obj = area.fetch(membership, record_id, include_trash=True)
    if request.method == "POST":
        record_actions.restore_record(obj.record, membership)
        messages.success(request, _("“%(name)s” has been restored.") % {"name": obj.full_name})
    return redirect(obj)


@member_required
def person_delete(request: MemberRequest, person_id: int) -> HttpResponse:
    return _delete(request, PEOPLE, person_id)


@member_required
def company_delete(request: MemberRequest, company_id: int) -> HttpResponse:
    return _delete(request, COMPANIES, company_id)


@member_required
def person_restore(request: MemberRequest, person_id: int) -> HttpResponse:
    return _restore(request, PEOPLE, person_id)


@member_required
def company_restore(request: MemberRequest, company_id: int) -> HttpResponse:
    return _restore(request, COMPANIES, company_id)


# -- photos ------------------------------------------------------------------------------------------

def _photo(request: MemberRequest, area: Area, record_id: int) -> HttpResponse:
    """GET serves the photo to members of the account only; POST replaces or removes it."""
    membership = request.membership
    obj = area.fetch(membership, record_id)
    if request.method == "POST":
        _change_photo(request, obj, membership)
        return redirect(reverse(f"{area.namespace}:edit", args=[obj.pk]))
    return photo_response(obj)


def photo_response(obj: Person | Company) -> HttpResponse:
    """The record's photo (for the page and the API), or 404 when it has none."""
    if not obj.photo:
        raise Http404
    # Thumbnails are small (at most 400 x 400 pixels), so they are read whole, from any storage.
    with obj.photo.open("rb") as photo:
        content = photo.read()
    content_type = mimetypes.guess_type(obj.photo.name or "")[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _change_photo(request: HttpRequest, obj: Person | Company, membership: Membership) -> None:
    if "remove" in request.POST:
        actions.remove_photo(obj, membership)
        messages.success(request, _("The photo has been removed."))
        return
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = form.errors.get("photo") or [_("Please choose a file.")]
        messages.error(request, " ".join(str(error) for error in errors))
        return
    try:
        actions.set_photo(obj, form.cleaned_data["photo"], membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The photo has been saved."))


@member_required
def person_photo(request: MemberRequest, person_id: int) -> HttpResponse:
    return _photo(request, PEOPLE, person_id)


@member_required
def company_photo(request: MemberRequest, company_id: int) -> HttpResponse:
    return _photo(request, COMPANIES, company_id)
