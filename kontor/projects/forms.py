"""The form behind the project pages. Like the deal form it only carries the input; `save_project`
writes it through the actions and puts their errors next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from kontor.accounts.models import Membership
from kontor.projects import actions
from kontor.projects.models import Project, ProjectStatus
from kontor.records.linked_form import DATE_WIDGET, LinkedRecordsForm, linked_initial, save_linked
from kontor.records.models import Kind


class ProjectForm(LinkedRecordsForm):
    kind = Kind.PROJECT
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ProjectStatus.choices)
    start_date = forms.DateField(label=gettext_lazy("Start date"), required=False, widget=DATE_WIDGET)
    end_date = forms.DateField(label=gettext_lazy("End date"), required=False, widget=DATE_WIDGET)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))

    field_order = ["name", "status", "start_date", "end_date"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].label = gettext_lazy("People")
        self.fields["add_person"].label = gettext_lazy("Find a person")

    def fields_for_action(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data.get("name") or "", "status": data["status"],
                "start_date": data.get("start_date"), "end_date": data.get("end_date"),
                "description": data.get("description") or ""}


def new_project_initial(membership: Membership) -> dict[str, Any]:
    """A new project is starting."""
    return {"status": ProjectStatus.STARTING}


def project_initial(project: Project) -> dict[str, Any]:
    return {**linked_initial(project), "status": project.status, "start_date": project.start_date,
            "end_date": project.end_date}


def save_project(form: ProjectForm, project: Project | None) -> Project | None:
    """Writes a valid form through the actions (see save_linked)."""
    return save_linked(form, project, actions.create_project, actions.update_project)
