"""The settings pages of custom fields, for owners and admins: the fields of each kind in their
order, adding, renaming, reordering (buttons, and dragging where JavaScript runs) and deleting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.lib.params import parse_ids
from kontor.records import custom_fields
from kontor.records.access import access_custom_field, require
from kontor.records.models import FieldType, Kind


class FieldForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=FieldType.choices)
    options = forms.CharField(label=gettext_lazy("Choices"), required=False, max_length=30_000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=gettext_lazy("For a selection: one choice per line."))
    help = forms.CharField(label=gettext_lazy("Help text"), required=False, max_length=200,
                           help_text=gettext_lazy("Shown below the field in the form."))

    def __init__(self, *args: Any, is_new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_new:
            del self.fields["type"]

    def option_lines(self) -> list[str]:
        return [line for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]


def _admin(request: MemberRequest) -> Membership:
    membership: Membership = request.membership
    require(membership, roles.can_manage_team, _("Only owners and admins can change custom fields."))
    return membership


def _kind(value: Any) -> str:
    return str(value) if value in Kind.values else Kind.PERSON


def _list_url(kind: str) -> str:
    return f"{reverse('records:custom_fields')}?kind={kind}"


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for key, field_errors in error.message_dict.items():
        form.add_error(key if key in form.fields else None, field_errors)


@require_http_methods(["GET", "POST"])
@member_required
def custom_field_list(request: MemberRequest) -> HttpResponse:
    """GET shows one kind's fields and the form for a new one; POST adds it."""
    membership = _admin(request)
    kind = _kind(request.POST.get("kind") or request.GET.get("kind"))
    form = FieldForm(request.POST or None, is_new=True, initial={"type": FieldType.TEXT})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            field = custom_fields.create_custom_field(membership, kind, data["name"], data["type"],
                                                      options=form.option_lines(), help=data["help"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The field “%(name)s” has been added.") % {"name": field.name})
            return redirect(_list_url(kind))
    context = {"kind": kind, "kinds": Kind.choices, "form": form,
               "fields": custom_fields.fields_of(membership.account, kind)}
    return render(request, "records/custom_fields.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@member_required
def custom_field_edit(request: MemberRequest, field_id: int) -> HttpResponse:
    membership = _admin(request)
    field = access_custom_field(membership, field_id)
    initial = {"name": field.name, "help": field.help, "options": "\n".join(field.options)}
    form = FieldForm(request.POST or None, is_new=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            custom_fields.update_custom_field(
                field, membership, name=data["name"], help=data["help"],
                options=form.option_lines() if field.type == FieldType.SELECT else None)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The field “%(name)s” has been saved.") % {"name": field.name})
            return redirect(_list_url(field.kind))
    return render(request, "records/custom_field_edit.html", {"field": field, "form": form},
                  status=422 if form.errors else 200)


@require_POST
@member_required
def custom_field_move(request: MemberRequest, field_id: int) -> HttpResponse:
    """The up/down buttons: one step in the kind's order."""
    membership = _admin(request)
    field = access_custom_field(membership, field_id)
    custom_fields.move_custom_field(field, membership, -1 if request.POST.get("direction") == "up" else 1)
    return redirect(f"{_list_url(field.kind)}#field-{field.pk}")


@require_POST
@member_required
def custom_field_reorder(request: MemberRequest) -> HttpResponse:
    """Dragging: the whole order of one kind's fields at once (`order` is a list of ids)."""
    membership = _admin(request)
    kind = _kind(request.POST.get("kind"))
    ids = parse_ids(request.POST.getlist("order"))
    custom_fields.reorder_custom_fields(membership, kind, ids)
    if request.htmx:
        return JsonResponse({"order": [f.pk for f in custom_fields.fields_of(membership.account, kind)]})
    return redirect(_list_url(kind))


@require_http_methods(["GET", "POST"])
@member_required
def custom_field_delete(request: MemberRequest, field_id: int) -> HttpResponse:
    """GET asks first (saying how many records hold a value); POST deletes the field and its values."""
    membership = _admin(request)
    field = access_custom_field(membership, field_id)
    if request.method == "GET":
        count = field.values.count()
        return render(request, "records/custom_field_delete.html", {"field": field, "count": count})
    kind, name = field.kind, field.name
    custom_fields.delete_custom_field(field, membership)
    messages.success(request, _("The field “%(name)s” and its values have been deleted.") % {"name": name})
    return redirect(_list_url(kind))
