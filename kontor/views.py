"""Pages that belong to no single domain app: the start page and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor import start_queries
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.history import activity
from kontor.tasks.models import zone_of

START_STREAM_SIZE = 20


@member_required
def start(request: MemberRequest) -> HttpResponse:
    """The first screen: recently changed people and companies and the team's latest notes (what
    people wrote or filed; the lines Kontor writes itself are in the activity stream). A fixed
    number of queries, whatever the size of the account."""
    membership = request.membership
    recent, notes = start_queries.recent_contacts(membership), start_queries.latest_notes(membership)
    return render(request, "kontor/start.html", {"recent": recent, "notes": notes,
                                                 **_collaboration_lists(request, membership)})


def _collaboration_lists(request: HttpRequest, membership: Membership) -> dict:
    """The team's activity stream (or only what I follow), my tasks due today or overdue, and
    the open deals whose target date falls in the next two weeks. Three bounded queries."""
    following_only = request.GET.get("stream") == "following"
    clock = timezone.now().astimezone(zone_of(membership.user.time_zone)).replace(tzinfo=None)
    today = clock.date()
    return {"activities": list(activity.stream(membership, following_only=following_only)[:START_STREAM_SIZE]),
            "following_only": following_only, "my_tasks": start_queries.my_due_tasks(membership, today),
            "due_deals": start_queries.deals_due_soon(membership, today), "today": today, "clock": clock}


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
