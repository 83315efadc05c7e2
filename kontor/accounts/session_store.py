"""Django's database sessions, read with a query compiled once (kontor/lib/prepared.py): every
page reads its session, and building that query's SQL cost more than running it."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from kontor.lib.prepared import prepared


@prepared
def _live_session(key: str, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=key, expire_date__gt=now)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        found = _live_session(self.session_key, timezone.now()) if self.session_key else []
        if found:
            return found[0]
        self._session_key = None
        return None


def sessions_in_database() -> bool:
    """Whether the configured session engine keeps sessions in Django's session table (this one
    does; a cache engine would not), so that ending a user's sessions means deleting rows."""
    return issubclass(import_module(settings.SESSION_ENGINE).SessionStore, DatabaseSessionStore)
