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
    # With the dropbox: every mailto: link on a page carries its address (contact_links.mailto_href).
    memberships = Membership.objects.active().filter(user=user).select_related("account", "user", "dropbox")
    chosen = request.session.get(SESSION_ACCOUNT_KEY)
    if chosen:
        membership = memberships.filter(account_id=chosen).first()
        if membership:
            return membership
    return memberships.order_by("created_at").first()


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
