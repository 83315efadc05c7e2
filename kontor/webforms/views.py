"""The settings pages of web forms, for owners and administrators: the list, a form's page with
its snippets and arrivals, creating, editing and deleting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.records.access import access_webform, require_form_manager
from kontor.webforms import actions
from kontor.webforms.forms import WebFormSettingsForm, settings_initial
from kontor.webforms.models import WebForm
from kontor.webforms.queries import webforms_of
from kontor.webforms.snippets import iframe_snippet, plain_form_snippet

RECENT_SUBMISSIONS = 50


def _manager(request: MemberRequest) -> Membership:
    membership: Membership = request.membership
    require_form_manager(membership)
    return membership


def _add_errors(form: WebFormSettingsForm, error: ValidationError) -> None:
    """The action's errors next to the settings form's fields ("fields" belongs to the field table)."""
    places = {"responsible_id": "responsible", "notify_ids": "notify", "fields": None}
    for key, field_errors in error.message_dict.items():
        name = places.get(key, key)
        form.add_error(name if name in form.fields else None, field_errors)


@member_required
def webform_list(request: MemberRequest) -> HttpResponse:
    membership = _manager(request)
    return render(request, "webforms/list.html", {"webforms": webforms_of(membership.account)})


def _edit_page(request: HttpRequest, membership: Membership, webform: WebForm | None) -> HttpResponse:
    form = WebFormSettingsForm(membership, request.POST or None, initial=settings_initial(webform, membership))
    if request.method == "POST" and form.is_valid():
        try:
            if webform is None:
                webform = actions.create_webform(membership, form.data_for_action())
            else:
                webform = actions.update_webform(webform, membership, form.data_for_action())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The web form “%(name)s” is saved.") % {"name": webform.name})
            return redirect(webform)
    return render(request, "webforms/edit.html", {"form": form, "webform": webform})


@member_required
@require_http_methods(["GET", "POST"])
def create(request: MemberRequest) -> HttpResponse:
    return _edit_page(request, _manager(request), None)


@member_required
@require_http_methods(["GET", "POST"])
def edit(request: MemberRequest, webform_id: int) -> HttpResponse:
    membership = request.membership
    return _edit_page(request, membership, access_webform(membership, webform_id))


@member_required
def detail(request: MemberRequest, webform_id: int) -> HttpResponse:
    """A form's page: where it lives, how to embed it, how many arrived, the last arrivals."""
    webform = access_webform(request.membership, webform_id)
    submissions = (webform.submissions.filter(state="ok").select_related("person__record")
                   .order_by("-created_at", "-pk")[:RECENT_SUBMISSIONS])
    return render(request, "webforms/detail.html", {
        "webform": webform, "submissions": submissions, "iframe_snippet": iframe_snippet(webform),
        "plain_snippet": plain_form_snippet(webform), "tags": webform.tags.order_by("name"),
        "notified": webform.notify.order_by("name")})


@member_required
@require_http_methods(["GET", "POST"])
def delete(request: MemberRequest, webform_id: int) -> HttpResponse:
    membership = request.membership
    webform = access_webform(membership, webform_id)
    if request.method == "POST":
        actions.delete_webform(webform, membership)
        messages.success(request, _("The web form “%(name)s” is deleted.") % {"name": webform.name})
        return redirect("webforms:list")
    return render(request, "webforms/delete.html", {"webform": webform})
