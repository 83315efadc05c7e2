"""Puts the current account, membership and the user's language and time zone on each request,
and notes the session as used (at most once a minute, see sessions.py)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from kontor.accounts.models import Membership
from kontor.accounts.requests import VisitorRequest
from kontor.accounts.sessions import mark_new_login, note_activity, session_identity

SESSION_ACCOUNT_KEY = "kontor_account_id"


def current_membership(request: HttpRequest) -> Membership | None:
    """The active membership of the logged-in user in the account chosen in the session, falling
    back to the user's oldest active membership."""
    user = request.user
    if not user.is_authenticated:
        return None
    # Read with the user by the login backend (auth.EmailBackend.get_user), oldest first; with the
    # dropbox: every mailto: link on a page carries its address (contact_links.mailto_href).
    memberships = getattr(user, "active_memberships", None)
    if memberships is None:  # a user another backend loaded
        memberships = list(Membership.objects.active().filter(user=user)
                           .select_related("account", "user", "dropbox").order_by("created_at", "pk"))
    chosen = request.session.get(SESSION_ACCOUNT_KEY)
    return next((membership for membership in memberships if membership.account_id == chosen),
                memberships[0] if memberships else None)


def activate_user_preferences(request: HttpRequest, language: str, time_zone: str) -> None:
    translation.activate(language)
    cast(VisitorRequest, request).LANGUAGE_CODE = language
    try:
        timezone.activate(zoneinfo.ZoneInfo(time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class AccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        note_activity(request)
        before = session_identity(request)
        membership = current_membership(request)
        visitor = cast(VisitorRequest, request)  # from here on the request is what the views are typed with
        visitor.membership = membership
        visitor.account = membership.account if membership else None
        if membership:
            activate_user_preferences(request, membership.user.language, membership.user.time_zone)
        else:
            timezone.deactivate()
        response = self.get_response(request)
        mark_new_login(request, before)
        return response
