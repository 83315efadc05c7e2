"""The Projects pages: the overview, the project page with its merged history, the form, and
"Create a project from this deal"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.queries import active_colleagues
from kontor.accounts.requests import MemberRequest
from kontor.contacts.queries import page_of
from kontor.lib.params import parse_datetime_param, parse_id
from kontor.projects import actions
from kontor.projects.forms import ProjectForm, project_initial, save_project
from kontor.projects.models import ProjectStatus
from kontor.projects.queries import ProjectFilters, history_records, project_timeline
from kontor.records.access import access_deal, access_project, find_company, find_person
from kontor.records.editing import click_on_bar, edit_linked_record, new_linked_record
from kontor.records.filters import chosen_column, custom_filter_fields, tag_filter
from kontor.records.linked_form import live_company, primary_jobs
from kontor.records.list_filters import with_row_data
from kontor.records.models import Kind, ListKind
from kontor.records.saved_views import opens_default_view
from kontor.records.trash_pages import delete_to_trash, show_trashed
from kontor.records.views import tag_counts_answer, wants_tag_counts


@require_GET
@member_required
@opens_default_view(ListKind.PROJECT)
def project_list(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    filters = ProjectFilters.from_query(request.GET, current_user_id=membership.user.pk)
    if wants_tag_counts(request):
        return tag_counts_answer(request, Kind.PROJECT, filters, filters.apply(membership.account))
    column = chosen_column(membership.account, Kind.PROJECT, request.GET)
    projects = with_row_data(filters.apply(membership.account), custom_values=column is not None)
    context: dict[str, Any] = {"filters": filters, "responsible": request.GET.get("responsible", ""),
                               "column": column,
                               "page": page_of(projects, filters.page)}
    if request.htmx and request.htmx.target == "results":
        return render(request, "projects/list.html#results", context)
    account = membership.account
    context.update(
        tag_filter=tag_filter(account, Kind.PROJECT, filters.tags), statuses=ProjectStatus.choices,
        custom_filter=custom_filter_fields(account, Kind.PROJECT, filters.custom),
        colleagues=active_colleagues(account),
        company_filter=find_company(membership, filters.company_id),
        person_filter=find_person(membership, filters.person_id))
    return render(request, "projects/list.html", context)


@require_GET
@member_required
def project_detail(request: MemberRequest, project_id: int) -> HttpResponse:
    membership = request.membership
    try:
        project = access_project(membership, project_id)
    except Http404:
        return _trashed(request, project_id)
    record = project.record
    origin = history_records(project)[1:]
    context = {
        "project": project, "record": record, "tags": list(record.tags.order_by("name")),
        "entries": project_timeline(project, membership), "statuses": ProjectStatus.choices,
        "deal": origin[0].deal if origin else None,
        "company": live_company(project.company_id),
        "people": list(project.people.alive().prefetch_related(primary_jobs())
                       .order_by("sort_name", "record_id")),
        "colleagues": list(project.colleagues.order_by("name")),
    }
    return render(request, "projects/detail.html", context)


def _trashed(request: MemberRequest, project_id: int) -> HttpResponse:
    return show_trashed(request, request.membership, access_project, project_id, page_class="projects-page")


@require_GET
@member_required
def project_history(request: MemberRequest, project_id: int) -> HttpResponse:
    """Further entries of the project's merged history, before the given point (keyset)."""
    membership = request.membership
    project = access_project(membership, project_id)
    entries = project_timeline(project, membership, before=parse_datetime_param(request.GET.get("before")),
                               before_id=parse_id(request.GET.get("before_id")))
    template = "projects/_entries.html" if request.htmx else "projects/history.html"
    return render(request, template, {"project": project, "record": project.record, "entries": entries})


@require_http_methods(["GET", "POST"])
@member_required
def project_new(request: MemberRequest) -> HttpResponse:
    """A new project; `?company=ID` and `?person=ID` fill in the company and a person."""
    membership = request.membership
    return new_linked_record(request, membership, name="project", template="projects/form.html",
                             form_class=ProjectForm, initial={"status": ProjectStatus.STARTING}, save=save_project)


@require_http_methods(["GET", "POST"])
@member_required
def project_edit(request: MemberRequest, project_id: int) -> HttpResponse:
    membership = request.membership
    return edit_linked_record(request, membership, access_project(membership, project_id), name="project",
                              template="projects/form.html", form_class=ProjectForm, initial=project_initial,
                              save=save_project, reload=lambda: access_project(membership, project_id))


@require_POST
@member_required
def project_status(request: MemberRequest, project_id: int) -> HttpResponse:
    """One click on the status bar (starting, open, closed); with htmx the page part is swapped."""
    membership = request.membership
    project = access_project(membership, project_id)
    return click_on_bar(request, project, lambda status: actions.change_status(project, membership, status),
                        "status")


@require_POST
@member_required
def project_from_deal(request: MemberRequest, deal_id: int) -> HttpResponse:
    """"Create a project from this deal" on a won deal (a second click opens the same project)."""
    membership = request.membership
    deal = access_deal(membership, deal_id)
    try:
        project = actions.create_project_from_deal(deal, membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(deal)
    messages.success(request, _("The project “%(name)s” continues the deal.") % {"name": project.name})
    return redirect(project)


@require_http_methods(["GET", "POST"])
@member_required
def project_delete(request: MemberRequest, project_id: int) -> HttpResponse:
    """GET asks for confirmation (power users and above); POST moves the project to the trash."""
    membership = request.membership
    return delete_to_trash(request, membership, access_project(membership, project_id), name="project",
                           template="projects/confirm_delete.html", delete=actions.delete_project,
                           list_url="projects:list")
