"""The new and edit pages that deals and projects share, and a click on their state or status bar.

The edit page saves a linked-records form on the version it was loaded from. A stale save is refused
with the fields that differ (409), and the form keeps what the user typed, now on the stored version,
so saving again is a deliberate choice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership
from kontor.records.actions import StaleEdit
from kontor.records.linked_form import LinkedRecordsForm, people_offered, prefill, ticked_people

T = TypeVar("T", bound=Any)


@dataclass
class Conflict:
    """One field that a colleague changed while the user was editing."""

    label: str
    stored: str
    yours: str


def conflicts(form: forms.Form, stored: dict[str, Any]) -> list[Conflict]:
    """The fields whose stored value now differs from what the user submitted."""
    found = []
    for name, field in form.fields.items():
        if name in ("version", "add_person", "company_id", "tags") or name not in form.cleaned_data:
            continue
        mine, theirs = form.cleaned_data.get(name), stored.get(name)
        if _comparable(mine) != _comparable(theirs):
            found.append(Conflict(str(field.label), _shown(field, theirs), _shown(field, mine)))
    return found


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return sorted(int(v) for v in value)
    if value in (None, ""):
        return ""
    return str(value).strip()


def _shown(field: forms.Field, value: Any) -> str:
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list | tuple | set):
        return ", ".join(str(choices.get(v, v)) for v in value) or "—"
    if value in (None, ""):
        return "—"
    return str(choices.get(value, choices.get(str(value), value)))


def new_linked_record(request: HttpRequest, membership: Membership, *, name: str, template: str,
                      form_class: type[LinkedRecordsForm], initial: dict[str, Any],
                      save: Callable[[Any, None], T | None]) -> HttpResponse:
    """Shows and saves the form for a new deal or project (`name` is None in the template).
    `?company=ID` and `?person=ID` (from those pages) fill in the company and a contact person (and
    the person's company); the user is responsible unless they choose otherwise."""
    company, person = prefill(membership, request.GET)
    initial = {**initial, "responsible": membership.user.pk,
               "company_id": company.pk if company else None, "company_name": company.name if company else "",
               "people": [person.pk] if person else []}
    offered = people_offered(membership, [person] if person else [], company, ticked_people(membership, request.POST))
    form = form_class(request.POST or None, initial=initial, membership=membership, people=offered, is_new=True)
    if request.method == "POST" and form.is_valid():
        saved = save(form, None)
        if saved is not None:
            messages.success(request, _("“%(name)s” has been created.") % {"name": saved.name})
            return redirect(saved)
    return render(request, template, {"form": form, name: None})


def edit_linked_record(request: HttpRequest, membership: Membership, obj: T, *, name: str, template: str,
                       form_class: type[LinkedRecordsForm], initial: Callable[[T], dict[str, Any]],
                       save: Callable[[Any, T], T | None], reload: Callable[[], T]) -> HttpResponse:
    """Shows and saves the form for `obj` (a deal or project), passed to the template as `name`."""
    offered = people_offered(membership, obj.people.alive(), obj.company, ticked_people(membership, request.POST))

    def make_form(data: Any, stored: T) -> LinkedRecordsForm:
        return form_class(data, initial=initial(stored), membership=membership, people=offered, is_new=False)

    form = make_form(request.POST or None, obj)
    context: dict[str, Any] = {name: obj}
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form, obj)
        except StaleEdit:
            stored = reload()
            context.update({name: stored, "conflicts": conflicts(form, initial(stored)),
                            "changed_by": stored.record.updated_by, "changed_at": stored.record.updated_at})
            data = request.POST.copy()
            data["version"] = str(stored.record.version)
            form = make_form(data, stored)
        else:
            if saved is not None:
                messages.success(request, _("Your changes have been saved."))
                return redirect(saved)
    context["form"] = form
    return render(request, template, context, status=409 if "conflicts" in context else 200)


def click_on_bar(request: HttpRequest, obj: Any, change: Callable[[str], object], field: str) -> HttpResponse:
    """One click on a deal's state bar or a project's status bar: `change` gets the posted `field`;
    a refusal becomes a message. With htmx the page's part is swapped in place (the response is the
    record's page after the redirect, from which htmx takes that part)."""
    try:
        change(request.POST.get(field, ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(obj)
