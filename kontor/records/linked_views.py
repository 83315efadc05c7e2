"""The pages that deals and projects have in the same shape: the list and the record's page (each
kind adds its own part), new, edit, a click on the state or status bar, delete, and the people a
form offers. Each kind describes itself once in a `LinkedPages` (in its views.py), and its urls.py
adds the shared routes with `urls(PAGES)`:

    path("<int:deal_id>/edit/", edit_page, {"pages": PAGES}, name="edit")

The id keeps the kind's own name in the URL (`deal_id`, `project_id`), as every other page of
the kind has it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.queries import colleague_choices
from kontor.accounts.requests import MemberRequest
from kontor.contacts.queries import Page, page_of
from kontor.records.access import find_company, find_person
from kontor.records.editing import click_on_bar, edit_linked_record, new_linked_record
from kontor.records.filters import chosen_column, custom_filter_fields, tag_filter
from kontor.records.linked_form import LinkedRecordsForm, live_company, primary_jobs, ticked_people
from kontor.records.list_filters import LinkedFilters, with_row_data
from kontor.records.models import CustomField
from kontor.records.trash_pages import delete_to_trash, show_trashed
from kontor.records.views import tag_counts_answer, wants_tag_counts

T = TypeVar("T", bound=Any)


@dataclass(frozen=True)
class LinkedPages(Generic[T]):
    """What the shared pages need to know of a kind."""

    name: str  # "deal": the object's name in the templates, and its id's in the URL ("deal_id")
    namespace: str  # "deals": the URL namespace and the templates' folder
    access: Callable[..., T]  # the kind's access helper (it takes include_trash)
    detail: Callable[[T, Membership], dict[str, Any]]  # the kind's own part of its page
    form_class: type[LinkedRecordsForm]
    new_initial: Callable[[Membership], dict[str, Any]]
    initial: Callable[[T], dict[str, Any]]
    save: Callable[[Any, T | None], T | None]
    delete: Callable[[T, Membership], None]
    bar_field: str  # what the state or status bar posts: "stage", "status"
    change_bar: Callable[[T, Membership, str], object]

    def record_id(self, url: dict[str, int]) -> int:
        return url[f"{self.name}_id"]

    @property
    def form_template(self) -> str:
        return f"{self.namespace}/form.html"


def urls(pages: LinkedPages[Any]) -> list[URLPattern]:
    """The routes of the shared pages, under the kind's own URL names (deals:edit, projects:status)."""
    record = f"<int:{pages.name}_id>"
    given = {"pages": pages}
    return [path("new/", new_page, given, name="new"),
            path(f"{record}/", detail_page, given, name="detail"),
            path(f"{record}/edit/", edit_page, given, name="edit"),
            path(f"{record}/{pages.bar_field}/", bar_click, given, name=pages.bar_field),
            path(f"{record}/delete/", delete_page, given, name="delete")]


def _model_rows(items: QuerySet[Any], number: int, column: CustomField | None) -> Page[Any]:
    return page_of(with_row_data(items, custom_values=column is not None), number)


def list_page(request: MemberRequest, kind: str, filters: LinkedFilters, template: str, *,
              rows: Callable[[QuerySet[Any], int, CustomField | None], Page[Any]] = _model_rows,
              own: Callable[[QuerySet[Any]], dict[str, Any]] | None = None,
              own_sidebar: Callable[[], dict[str, Any]] | None = None) -> HttpResponse:
    """A deals or projects list: the records `filters` select, a page of them, and the side column
    on the full page. htmx asks for the results alone, or for the side column's tag counts. `rows`
    reads the page (the selected records, the page's number, the custom field shown as a column;
    models with their row data unless the kind reads plain rows), `own` adds the kind's part of
    the page from the selected records (a chart), `own_sidebar` its part of the side column."""
    membership = request.membership
    items = filters.apply(membership.account)
    if wants_tag_counts(request):
        return tag_counts_answer(request, kind, filters, items)
    column = chosen_column(membership.account, kind, request.GET)
    context: dict[str, Any] = {
        "filters": filters, "column": column, "responsible": request.GET.get("responsible", ""),
        "page": rows(items, filters.page, column),
        **(own(items) if own else {}),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, f"{template}#results", context)
    context.update(list_sidebar(membership, kind, filters), **(own_sidebar() if own_sidebar else {}))
    return render(request, template, context)


def list_sidebar(membership: Membership, kind: str, filters: LinkedFilters) -> dict[str, Any]:
    """What only the full list page shows beside the list: tags with counts, the custom-field
    filters, the colleagues, and the company and person the list is filtered by."""
    account = membership.account
    return {
        "tag_filter": tag_filter(account, kind, filters.tags),
        "custom_filter": custom_filter_fields(account, kind, filters.custom),
        "colleagues": colleague_choices(account),  # (id, name) rows: the filter's and bulk bar's choices
        "company_filter": find_company(membership, filters.company_id),
        "person_filter": find_person(membership, filters.person_id),
    }


@require_GET
@member_required
def detail_page(request: MemberRequest, pages: LinkedPages[Any], **url: int) -> HttpResponse:
    """A deal's or project's page: its tags, company, people and colleagues, and the kind's own
    part (its history, its bar). One in the trash shows as such to those who may restore it."""
    membership = request.membership
    record_id = pages.record_id(url)
    try:
        obj = pages.access(membership, record_id)
    except Http404:
        return show_trashed(request, membership, pages.access, record_id, page_class=f"{pages.namespace}-page")
    context = {
        pages.name: obj, "record": obj.record, "tags": list(obj.record.tags.order_by("name")),
        "company": live_company(obj.company_id),
        "people": list(obj.people.alive().prefetch_related(primary_jobs()).order_by("sort_name", "record_id")),
        "colleagues": list(obj.colleagues.order_by("name")),
        **pages.detail(obj, membership),
    }
    return render(request, f"{pages.namespace}/detail.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def new_page(request: MemberRequest, pages: LinkedPages[Any]) -> HttpResponse:
    """A new deal or project; `?company=ID` and `?person=ID` (from those pages) fill in the company
    and a contact person (and the person's company)."""
    membership = request.membership
    return new_linked_record(request, membership, name=pages.name, template=pages.form_template,
                             form_class=pages.form_class, initial=pages.new_initial(membership), save=pages.save)


@require_http_methods(["GET", "POST"])
@member_required
def edit_page(request: MemberRequest, pages: LinkedPages[Any], **url: int) -> HttpResponse:
    membership = request.membership
    record_id = pages.record_id(url)
    return edit_linked_record(request, membership, pages.access(membership, record_id), name=pages.name,
                              template=pages.form_template, form_class=pages.form_class, initial=pages.initial,
                              save=pages.save, reload=lambda: pages.access(membership, record_id))


@require_POST
@member_required
def bar_click(request: MemberRequest, pages: LinkedPages[Any], **url: int) -> HttpResponse:
    """One click on the deal's state bar or the project's status bar (see click_on_bar)."""
    membership = request.membership
    obj = pages.access(membership, pages.record_id(url))
    return click_on_bar(request, obj, lambda value: pages.change_bar(obj, membership, value), pages.bar_field)


@require_http_methods(["GET", "POST"])
@member_required
def delete_page(request: MemberRequest, pages: LinkedPages[Any], **url: int) -> HttpResponse:
    """GET asks for confirmation (power users and above); POST moves the record to the trash."""
    membership = request.membership
    return delete_to_trash(request, membership, pages.access(membership, pages.record_id(url)),
                           template="records/confirm_delete.html", delete=pages.delete,
                           list_url=f"{pages.namespace}:list")


@require_GET
@member_required
def people_choices(request: MemberRequest) -> HttpResponse:
    """The contact persons a deal or project form offers, redrawn by htmx as the company or the
    search changes: those ticked, those the search finds, and the chosen company's current staff."""
    membership = request.membership
    form = LinkedRecordsForm(request.GET, membership=membership, people=ticked_people(membership, request.GET),
                             is_new=True)
    return render(request, "records/_people_choices.html", {"form": form})
