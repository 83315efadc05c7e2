"""The user's logged-in sessions as they see them in their settings, and ending them.

Django keeps sessions in its own table; ActiveSession adds what a user recognises a session by.
The middleware notes a session at most once a minute: the time of the last note lives in the
session itself, which every page loads anyway, so an ordinary page gains no query.

A session is tracked from the login on: the request that logs in marks its session (SEEN_KEY 0),
and the next request, once the session is stored, notes it. Sessions without the mark (older
than this feature, or made by the test client's force_login) are not listed; a password change
still logs them out, through Django's session hash."""

from __future__ import annotations

import time

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from kontor.accounts.models import ActiveSession, User
from kontor.lib.clients import client_address

SEEN_KEY = "_kontor_seen"
NOTE_EVERY_SECONDS = 60


def note_activity(request: HttpRequest) -> None:
    """Records the request's session as used now, unless that was done less than a minute ago."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    session = request.session
    now = int(time.time())
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int) or 0 <= now - seen < NOTE_EVERY_SECONDS:
        return
    key = session.session_key
    if key is None:  # not stored yet: noted on the next request
        return
    fields = {"user": user, "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
              "client_address": client_address(request)[:64], "last_seen_at": timezone.now()}
    if not ActiveSession.objects.filter(session_id=key).update(**fields):
        try:
            with transaction.atomic():
                ActiveSession.objects.create(session_id=key, **fields)
        except IntegrityError:
            return  # the session ended meanwhile (or a parallel request noted it): nothing to note
    session[SEEN_KEY] = now


def session_identity(request: HttpRequest) -> tuple[str | None, str | None]:
    """(logged-in user id, session key) as the request found them, to compare after the view."""
    session = getattr(request, "session", None)
    if session is None:
        return None, None
    return session.get(SESSION_KEY), session.session_key


def mark_new_login(request: HttpRequest, before: tuple[str | None, str | None]) -> None:
    """After the view: if it logged someone in, or gave the session a new key (a password change
    does), the session is tracked (again) from its next request on."""
    user_id, key = session_identity(request)
    if user_id is not None and (user_id, key) != before:
        request.session[SEEN_KEY] = 0


def sessions_of(user: User) -> QuerySet[ActiveSession]:
    """The user's sessions that have not expired, the most recently used first."""
    return (ActiveSession.objects.filter(user=user, session__expire_date__gt=timezone.now())
            .order_by("-last_seen_at", "-pk"))


def end_session(user: User, session_id: int) -> bool:
    """Logs one of the user's sessions out (its row goes with Django's session row)."""
    deleted, _ = Session.objects.filter(activity__pk=session_id, activity__user=user).delete()
    return bool(deleted)


def end_other_sessions(user: User, keep_session_key: str | None) -> int:
    """Logs out every session of the user except the one named (None: all of them)."""
    sessions = Session.objects.filter(activity__user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    return sessions.delete()[1].get("sessions.Session", 0)
