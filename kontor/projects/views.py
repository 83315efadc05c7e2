"""The Projects pages: the overview, the project page with its merged history, and "Create a
project from this deal". The form, the status bar's clicks and the deletion are the pages
projects share with deals (records/linked_views.py), set up by PAGES at the end."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.lib.params import parse_datetime_param, parse_id
from kontor.projects import actions
from kontor.projects.forms import ProjectForm, new_project_initial, project_initial, save_project
from kontor.projects.models import Project, ProjectStatus
from kontor.projects.queries import ProjectFilters, history_records, project_timeline
from kontor.records.access import access_deal, access_project
from kontor.records.linked_views import LinkedPages, list_page
from kontor.records.models import Kind, ListKind
from kontor.records.saved_views import opens_default_view


@require_GET
@member_required
@opens_default_view(ListKind.PROJECT)
def project_list(request: MemberRequest) -> HttpResponse:
    filters = ProjectFilters.from_query(request.GET, current_user_id=request.membership.user.pk)
    return list_page(request, Kind.PROJECT, filters, "projects/list.html",
                     own_sidebar=lambda: {"statuses": ProjectStatus.choices})


def _detail(project: Project, membership: Membership) -> dict[str, Any]:
    """The project's own part of its page: its merged history, its status bar, the deal it continues."""
    origin = history_records(project)[1:]
    return {"entries": project_timeline(project, membership), "statuses": ProjectStatus.choices,
            "deal": origin[0].deal if origin else None}


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


# The pages projects share with deals (records/linked_views.py; urls.py adds their routes): the
# project's page with _detail as its own part, new, edit, the status bar and delete.
PAGES = LinkedPages[Project](
    name="project", namespace="projects", access=access_project, detail=_detail, form_class=ProjectForm,
    new_initial=new_project_initial, initial=project_initial, save=save_project, delete=actions.delete_project,
    bar_field="status", change_bar=actions.change_status)
