"""The note box and the history timeline of a record: write, edit and delete notes, page back.

Every view takes the record from the URL, so an entry is always shown, edited and left in the
context of the page the user came from."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.history import actions, queries
from kontor.history.comment_views import ticked
from kontor.history.forms import NoteEditForm, NoteForm, add_action_errors
from kontor.history.mentions import suggest
from kontor.history.models import Entry
from kontor.lib.params import parse_datetime_param, parse_id
from kontor.records.access import access_entry_on, access_record
from kontor.records.models import Record


def _record_and_entry(membership: Membership, record_id: int, entry_id: int) -> tuple[Record, Entry]:
    """The record from the URL and one of its entries the membership may read, or 404."""
    record = access_record(membership, record_id)
    return record, access_entry_on(membership, record, entry_id)


def _back_to(record: Record) -> HttpResponse:
    return redirect(f"{record.get_absolute_url()}#timeline-{record.pk}")


@require_POST
@member_required
def create(request: MemberRequest, record_id: int) -> HttpResponse:
    membership = request.membership
    record = access_record(membership, record_id)
    form = NoteForm(request.POST)
    entry = None
    if form.is_valid():  # a kind or time that is none stays on the form; the action checks the rest
        data = form.cleaned_data
        try:
            entry = actions.add_note(membership, [record], data["body"], confidential=data["confidential"],
                                     kind=data["kind"], happened_at=data["happened_at"], notify=ticked(request))
        except ValidationError as error:
            add_action_errors(form, error)
    if entry is None:
        if request.htmx:
            response = render(request, "history/_notebox.html", {"record": record, "note_form": form})
            return reswap(retarget(response, f"#notebox-{record.pk}"), "outerHTML")
        return render(request, "history/note_new.html", {"record": record, "note_form": form})
    if request.htmx:
        # The new entry goes on top of the timeline; a fresh note field replaces the old one, out of band.
        return render(request, "history/_entry_created.html", {"record": record, "entry": entry})
    messages.success(request, _("Your note has been saved."))
    return _back_to(record)


@require_GET
@member_required
def older(request: MemberRequest, record_id: int) -> HttpResponse:
    """Further entries of a record's timeline, before the given point (keyset pagination)."""
    membership = request.membership
    record = access_record(membership, record_id)
    entries = queries.timeline(record, membership, before=parse_datetime_param(request.GET.get("before")),
                               before_id=parse_id(request.GET.get("before_id")))
    template = "history/_entries.html" if request.htmx else "history/older.html"
    return render(request, template, {"record": record, "entries": entries})


@require_GET
@member_required
def entry(request: MemberRequest, record_id: int, entry_id: int) -> HttpResponse:
    """One entry as the timeline shows it (used to cancel an inline edit)."""
    record, entry = _record_and_entry(request.membership, record_id, entry_id)
    if not request.htmx:
        return _back_to(record)
    return render(request, "history/_entry.html", {"record": record, "entry": entry})


@require_http_methods(["GET", "POST"])
@member_required
def edit(request: MemberRequest, record_id: int, entry_id: int) -> HttpResponse:
    membership = request.membership
    record, entry = _record_and_entry(membership, record_id, entry_id)
    if not actions.can_edit_entry(membership, entry):
        raise PermissionDenied(_("You can only edit your own notes."))
    form = NoteEditForm(initial={"body": entry.body, "confidential": entry.confidential,
                                 "version": entry.version})
    current = None
    if request.method == "POST":
        form = NoteEditForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        confidential = data["confidential"] if roles.can_read_confidential(membership.role) else None
        try:
            entry = actions.update_note(entry, membership, data["body"], confidential,
                                        version=data["version"])
        except ValidationError as error:
            add_action_errors(form, error)
        except actions.StaleEntry as stale:
            current = stale.entry
            form = NoteEditForm({**request.POST.dict(), "version": current.version})
            form.is_valid()
            form.add_error(None, _("Someone else changed this note in the meantime. Its current text is "
                                   "shown below; save again to replace it with yours."))
        else:
            if request.htmx:
                return render(request, "history/_entry.html", {"record": record, "entry": entry})
            messages.success(request, _("Your changes to the note have been saved."))
            return _back_to(record)
    template = "history/_entry_form.html" if request.htmx else "history/entry_edit.html"
    return render(request, template, {"record": record, "entry": entry, "form": form, "current": current})


@require_http_methods(["GET", "POST"])
@member_required
def delete(request: MemberRequest, record_id: int, entry_id: int) -> HttpResponse:
    """GET asks for confirmation (the path without JavaScript); POST deletes."""
    membership = request.membership
    record, entry = _record_and_entry(membership, record_id, entry_id)
    if not actions.can_delete_entry(membership, entry):
        raise PermissionDenied(_("You can only delete your own notes."))
    if request.method == "GET":
        return render(request, "history/entry_delete.html", {"record": record, "entry": entry})
    actions.delete_note(entry, membership)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("The note has been deleted."))
    return _back_to(record)


@require_GET
@member_required
def mentions(request: MemberRequest) -> HttpResponse:
    """The colleagues to suggest after an "@" in a note or comment (the list under the field)."""
    suggestions = suggest(request.membership, request.GET.get("q", ""))
    return render(request, "history/_mention_options.html", {"suggestions": suggestions})
