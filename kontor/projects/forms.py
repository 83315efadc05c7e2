"""The form behind the project pages. Like the deal form it only carries the input; `save_project`
writes it through the actions and puts their errors next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from kontor.projects import actions
from kontor.projects.models import Project, ProjectStatus
from kontor.records.custom_field_forms import initial_values, save_custom_fields
from kontor.records.linked_form import DATE_WIDGET, LinkedRecordsForm, add_errors
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


def project_initial(project: Project) -> dict[str, Any]:
    return {
        "name": project.name, "status": project.status, "start_date": project.start_date,
        "end_date": project.end_date, "description": project.description, "company_id": project.company_id,
        "company_name": project.company.name if project.company_id and project.company else "",
        "people": [p.pk for p in project.people.all()],
        "colleagues": [u.pk for u in project.colleagues.all()],
        "responsible": project.record.responsible_id, "version": project.record.version,
        **initial_values(project.record),
    }


def save_project(form: ProjectForm, project: Project | None) -> Project | None:
    """Writes a valid form through the actions; None when they refused the input (the errors are
    then on the form). Raises StaleEdit when the project changed since the form was loaded."""
    membership = form.membership
    data = form.cleaned_data
    try:
        with transaction.atomic():
            company = form.chosen_company()
            if project is None:
                saved = actions.create_project(membership, form.fields_for_action(), company=company,
                                               people=form.chosen_people(),
                                               colleagues=form.chosen_colleagues(),
                                               tags=data.get("tags") or [],
                                               responsible=form.chosen_responsible(None) or None)
            else:
                saved = actions.update_project(project, membership, form.fields_for_action(),
                                               version=data.get("version"), company=company,
                                               people=form.chosen_people(), colleagues=form.chosen_colleagues(),
                                               responsible=form.chosen_responsible(project.record.responsible))
            save_custom_fields(form, saved.record, membership, is_new=project is None)
            return saved
    except ValidationError as error:
        add_errors(form, error)
        return None
