"""The pages of merging: "Possible duplicates" of people and of companies, "Merge with…" on each
record (a search for the other record, then the records side by side to pick which value of each
field survives), and "Undo merge" on the record kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.requests import MemberRequest
from kontor.contacts import merge as contact_merge
from kontor.contacts.matching import similar_to
from kontor.contacts.models import Company, Person
from kontor.contacts.queries import filter_companies, filter_people, merge_rows
from kontor.contacts.views import COMPANIES, PEOPLE, Area
from kontor.lib.params import parse_id, parse_ids, parse_text
from kontor.records import merge as records_merge
from kontor.records.actions import StaleEdit

GROUPS_SHOWN = 50  # a page of clean-up work; merging them brings up the next ones
SEARCH_RESULTS = 20


# -- possible duplicates -----------------------------------------------------------------------------

def _duplicates(request: MemberRequest, area: Area) -> HttpResponse:
    membership = request.membership
    records_merge.require_duplicates(membership)
    groups = contact_merge.duplicates(membership.account_id, area.kind)
    shown = groups[:GROUPS_SHOWN]
    objects = merge_rows(area.is_person, [pk for group in shown for pk in group.ids])
    rows = [{"records": [objects[pk] for pk in group.ids if pk in objects], "group": group} for group in shown]
    return render(request, "merge/duplicates.html", {"area": area, "rows": rows, "total": len(groups),
                                                     "shown": len(shown)})


@member_required
def people_duplicates(request: MemberRequest) -> HttpResponse:
    return _duplicates(request, PEOPLE)


@member_required
def company_duplicates(request: MemberRequest) -> HttpResponse:
    return _duplicates(request, COMPANIES)


# -- merge with… -------------------------------------------------------------------------------------

def _merge(request: MemberRequest, area: Area, record_id: int) -> HttpResponse:
    membership = request.membership
    obj = area.fetch(membership, record_id)
    records_merge.require_merge(membership)
    data = request.POST if request.method == "POST" else request.GET
    other_ids = [pk for pk in parse_ids(data.getlist("with"), limit=records_merge.MAX_MERGED) if pk != obj.pk]
    others = [area.fetch(membership, pk) for pk in dict.fromkeys(other_ids)]
    if not others:
        return _search(request, area, obj)
    if request.method == "POST":
        keep = {name: pk for name in _choosable(area) if (pk := parse_id(request.POST.get(f"keep-{name}")))}
        try:
            merge_action = contact_merge.merge_people if area.is_person else contact_merge.merge_companies
            merged = merge_action(membership, obj, others, keep=keep, version=parse_id(request.POST.get("version")))
        except StaleEdit:
            messages.error(request, _("Someone else changed this in the meantime. Please check the values again."))
            obj = area.fetch(membership, record_id)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Merged into “%(name)s”. You can undo this on its page for %(days)s days.")
                             % {"name": merged.full_name, "days": records_merge.MERGE_UNDO_DAYS})
            return redirect(merged)
    return render(request, "merge/merge.html", {"area": area, "obj": obj, "others": others,
                                                "fields": _field_rows(area, obj, others),
                                                "undo_days": records_merge.MERGE_UNDO_DAYS})


def _choosable(area: Area) -> tuple[str, ...]:
    return (*contact_merge.PARTS[area.kind].fields, "responsible")


def _shown(obj: Person | Company, name: str) -> str:
    """A field's value as the page shows it: a choice by its label, a date in the user's format."""
    if name == "responsible":
        return obj.record.responsible.name if obj.record.responsible else ""
    value = getattr(obj, name)
    display = getattr(obj, f"get_{name}_display", None)
    if display is not None and value:
        return str(display())
    if name == "birthday" and value:
        return date_format(value, "DATE_FORMAT")
    return str(value or "")


def _field_rows(area: Area, obj: Person | Company, others: list[Any]) -> list[dict[str, Any]]:
    """One row per field whose value differs between the records: the values, and which record's
    value is chosen at first (the kept record's, unless it has none and another has one)."""
    rows = []
    records = [obj, *others]
    for name in _choosable(area):
        values = [(record.pk, _shown(record, name)) for record in records]
        if len({value for _pk, value in values}) == 1:
            continue
        chosen = obj.pk if values[0][1] else next(pk for pk, value in values if value)
        rows.append({"name": name, "label": contact_merge.FIELD_LABELS[name], "values": values, "chosen": chosen})
    return rows


def _search(request: MemberRequest, area: Area, obj: Person | Company) -> HttpResponse:
    """The first step of "Merge with…": suggestions that look like the same record, and a search."""
    membership = request.membership
    q = parse_text(request.GET.get("q", ""))
    finder = filter_people if area.is_person else filter_companies
    found: list[Any] = list(finder(membership.account, q=q).exclude(pk=obj.pk)[:SEARCH_RESULTS]) if q.strip() else []
    context = {"area": area, "obj": obj, "q": q, "found": found}
    if request.htmx:
        return render(request, "merge/search.html#results", context)
    suggested = merge_rows(area.is_person, similar_to(obj))
    context["suggested"] = list(suggested.values())
    return render(request, "merge/search.html", context)


@member_required
def person_merge(request: MemberRequest, person_id: int) -> HttpResponse:
    return _merge(request, PEOPLE, person_id)


@member_required
def company_merge(request: MemberRequest, company_id: int) -> HttpResponse:
    return _merge(request, COMPANIES, company_id)


# -- undo --------------------------------------------------------------------------------------------

def _undo(request: MemberRequest, area: Area, record_id: int) -> HttpResponse:
    membership = request.membership
    obj = area.fetch(membership, record_id)
    records_merge.require_merge(membership)
    merge = records_merge.undoable_merge(obj.record)
    if merge is None:
        raise Http404
    try:
        restored = contact_merge.undo_merge(membership, merge)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The merge has been undone: %(names)s restored.")
                         % {"names": ", ".join(record.display_name for record in restored)})
    return redirect(obj)


@member_required
@require_POST
def person_merge_undo(request: MemberRequest, person_id: int) -> HttpResponse:
    return _undo(request, PEOPLE, person_id)


@member_required
@require_POST
def company_merge_undo(request: MemberRequest, company_id: int) -> HttpResponse:
    return _undo(request, COMPANIES, company_id)
