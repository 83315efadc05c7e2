"""A company's history with its people's: the notes, calls, meetings and e-mails of the people who
work there now appear in the company's timeline, each marked with the person's name; a filter
shows the company's own entries only.

The entries of a person are theirs: they are not linked to the company, they are only shown
there. A person who left (a former position) or is in the trash takes their entries along.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.contacts.models import Company, Person, Position
from kontor.files.queries import prefetch_entry_files
from kontor.history import activity
from kontor.history.models import Entry, EntryLink
from kontor.history.queries import TIMELINE_PAGE_SIZE, TimelinePage, timeline
from kontor.lib.params import parse_datetime_param, parse_id
from kontor.records.access import access_company
from kontor.records.models import Record

OWN_ONLY = "own"  # ?history=own: the company's own entries only


def company_timeline(company: Company, by: Membership, *, own_only: bool = False,
                     limit: int = TIMELINE_PAGE_SIZE, before: dt.datetime | None = None,
                     before_id: int | None = None) -> TimelinePage:
    """The company's timeline, newest first, with the entries of its current people among its own
    (unless `own_only`), as far as the membership may read them. Each entry that is on a person
    and not on the company carries that person as `entry.via_person`.

    1. One query reads the page's entry ids from EntryLink's (record, happened_at) index over the
       company and its current people, each entry once however many of them it is on; keyset
       pagination on (happened_at, entry id) as in history.queries.timeline.
    2. The entries, their records, files and the company's activity lines in that stretch of time
       come in a fixed number of further queries, whatever the number of people."""
    if own_only:
        return timeline(company.record, by, limit=limit, before=before, before_id=before_id)
    people = set(Position.objects.filter(company=company, is_former=False, person__record__deleted_at__isnull=True)
                 .values_list("person_id", flat=True))
    links = EntryLink.objects.filter(record_id__in=[company.pk, *people])
    if before is not None:
        older = Q(happened_at__lt=before)
        if before_id is not None:
            older |= Q(happened_at=before, entry_id__lt=before_id)
        links = links.filter(older)
    can_read_confidential = roles.can_read_confidential(by.role)
    if not can_read_confidential:
        links = links.filter(entry__confidential=False)
    found = list(links.values_list("entry_id", "happened_at").distinct()
                 .order_by("-happened_at", "-entry_id")[:limit + 1])
    ids = [entry_id for entry_id, _happened_at in found[:limit]]
    entries = Entry.objects.select_related("author", "email").in_bulk(ids)
    page = TimelinePage(entries[entry_id] for entry_id in ids if entry_id in entries)
    page.has_more = len(found) > limit
    page.activities = activity.for_record(company.record, newer_than=page[-1].happened_at if page.has_more else None,
                                          older_than=before, can_read_confidential=can_read_confidential)
    others = Record.objects.alive().select_related("person").order_by("display_name")
    prefetch_related_objects(page, Prefetch("records", queryset=others))
    prefetch_entry_files(page, by)
    _mark_people(page, company, people)
    return page


def _mark_people(page: TimelinePage, company: Company, current: set[int]) -> None:
    """Marks each entry that is not on the company with the (first) current person it is on."""
    for entry in page:
        records = entry.records.all()
        if any(record.pk == company.pk for record in records):
            continue
        entry.via_person = next((person for record in records
                                 if record.pk in current and (person := _person_of(record)) is not None), None)


def _person_of(record: Record) -> Person | None:
    try:
        return record.person
    except Person.DoesNotExist:
        return None


def history_context(request: HttpRequest, company: Company, membership: Membership) -> dict[str, Any]:
    """What the company page's history section needs, read from the request's `history` filter."""
    own_only = request.GET.get("history") == OWN_ONLY
    return {"entries": company_timeline(company, membership, own_only=own_only), "own_only": own_only}


@require_GET
@member_required
def company_history(request: MemberRequest, company_id: int) -> HttpResponse:
    """The history section of a company page (htmx): switching the filter, and older entries
    (`before`, `before_id`). Without htmx the company page itself answers."""
    membership = request.membership
    company = access_company(membership, company_id)
    own_only = request.GET.get("history") == OWN_ONLY
    before = parse_datetime_param(request.GET.get("before"))
    if not request.htmx and before is None:
        return redirect(company.get_absolute_url() + (f"?history={OWN_ONLY}" if own_only else "") + "#history")
    entries = company_timeline(company, membership, own_only=own_only, before=before,
                               before_id=parse_id(request.GET.get("before_id")))
    context = {"company": company, "entries": entries, "own_only": own_only}
    if not request.htmx:
        return render(request, "contacts/company_history_page.html", context)
    template = "contacts/_company_entries.html" if before else "contacts/_company_history.html"
    return render(request, template, context)
