"""Pages that belong to no single domain app: the start page, areas still to come, search and
the error pages."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.contacts.models import Company, Person
from kontor.history.models import Entry
from kontor.records.models import Record

AREAS = {
    "deals": (_("Deals"), _("Keep every sales opportunity in view and see the revenue to expect per month.")),
    "projects": (_("Projects"), _("Follow up won deals and other work with people, colleagues and files.")),
    "tasks": (_("Tasks"), _("Reminders, calls and appointments on every record, in your calendar too.")),
    "files": (_("Files"), _("All documents the team has attached to people, companies, deals and projects.")),
}


@member_required
def start(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    recent = (Record.objects.filter(account=membership.account, kind__in=["person", "company"]).alive()
              .order_by("-updated_at")[:10])
    notes = (Entry.objects.filter(account=membership.account)
             .visible_to(roles.can_read_confidential(membership.role))
             .select_related("author").prefetch_related("records").order_by("-happened_at")[:10])
    return render(request, "kontor/start.html", {"recent": recent, "notes": notes})


@member_required
def area_not_built(request: HttpRequest, area: str) -> HttpResponse:
    title, purpose = AREAS[area]
    return render(request, "kontor/area_not_built.html", {"title": title, "purpose": purpose, "area": area})


@member_required
def search(request: HttpRequest) -> HttpResponse:
    """Finds people and companies by name. The full-text search across notes replaces this."""
    membership = request.membership  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:200]
    people: list[Person] = []
    companies: list[Company] = []
    if query:
        words = query.split()
        person_filter = Q()
        for word in words:
            person_filter &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        people = list(Person.objects.filter(account=membership.account).alive().filter(person_filter)
                      .order_by("sort_name")[:50])
        companies = list(Company.objects.filter(account=membership.account).alive()
                         .filter(name__icontains=query).order_by("sort_name")[:50])
    return render(request, "kontor/search.html", {"search_query": query, "people": people, "companies": companies})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else _("Your role does not allow this.")
    return render(request, "kontor/error.html", {"status": 403, "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "kontor/error.html",
                  {"status": 404, "message": _("This page does not exist, or it is not yours to see.")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "kontor/error.html",
                  {"status": 500, "message": _("Something went wrong on our side. Please try again.")}, status=500)
