"""Pages that belong to no single domain app: the start page and the error pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.deals.models import Deal, DealState
from kontor.history import activity
from kontor.history.models import Entry
from kontor.records.models import Kind, Record
from kontor.tasks.models import Task, zone_of

START_LIST_SIZE = 10
START_STREAM_SIZE = 20


@member_required
def start(request: MemberRequest) -> HttpResponse:
    """The first screen: recently changed people and companies and the team's latest notes (what
    people wrote or filed; the lines Kontor writes itself are in the activity stream). A fixed
    number of queries, whatever the size of the account."""
    membership = request.membership
    # With their person or company, for the avatars: a photo where there is one, else initials.
    recent = list(Record.objects.filter(account=membership.account, kind__in=[Kind.PERSON, Kind.COMPANY])
                  .alive().select_related("person", "company").order_by("-updated_at")[:START_LIST_SIZE])
    # Newest first within a name: a project that continues its deal is named before the deal.
    alive_records = Record.objects.alive().order_by("display_name", "-pk")
    notes = list(Entry.objects.filter(account=membership.account).written_by_people()
                 .visible_to(roles.can_read_confidential(membership.role))
                 .select_related("author", "email").prefetch_related(Prefetch("records", queryset=alive_records))
                 .order_by("-happened_at")[:START_LIST_SIZE])
    return render(request, "kontor/start.html", {"recent": recent, "notes": notes,
                                                 **_collaboration_lists(request, membership)})


def _collaboration_lists(request: HttpRequest, membership: Membership) -> dict:
    """The team's activity stream (or only what I follow), my tasks due today or overdue, and
    the open deals whose target date falls in the next two weeks. Three bounded queries."""
    following_only = request.GET.get("stream") == "following"
    clock = timezone.now().astimezone(zone_of(membership.user.time_zone)).replace(tzinfo=None)
    today = clock.date()
    my_tasks = (Task.objects.filter(account=membership.account, assignee=membership.user, due_date__lte=today)
                .open().visible().select_related("record").order_by("due_date", "due_time", "pk"))
    due_deals = (Deal.objects.filter(account=membership.account, state=DealState.OPEN, target_date__gte=today,
                                     target_date__lte=today + dt.timedelta(days=14))
                 .alive().select_related("record").order_by("target_date", "pk"))
    return {"activities": list(activity.stream(membership, following_only=following_only)[:START_STREAM_SIZE]),
            "following_only": following_only, "my_tasks": list(my_tasks[:START_LIST_SIZE]),
            "due_deals": list(due_deals[:START_LIST_SIZE]), "today": today, "clock": clock}


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else _("Your role does not allow this.")
    return render(request, "kontor/error.html", {"status": 403, "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "kontor/error.html",
                  {"status": 404, "message": _("This page does not exist, or it is not yours to see.")},
                  status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "kontor/error.html",
                  {"status": 500, "message": _("Something went wrong on our side. Please try again.")},
                  status=500)
