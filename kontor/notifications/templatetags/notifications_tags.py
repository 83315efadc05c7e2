"""The bell in the top bar and the follow toggle on record pages."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet
from django.http import HttpRequest

from kontor.accounts.requests import request_of
from kontor.lib.prepared import prepared
from kontor.records.models import Record, Watch

register = template.Library()


@register.inclusion_tag("notifications/_bell.html")
def notification_bell() -> dict:
    """The bell without its count: the page fetches the count after loading (and every minute),
    so that no page pays for it and an open page sees new notifications come in."""
    return {"lazy": True}


@prepared
def _watcher_ids(record_id: int) -> QuerySet[Watch, int]:
    return Watch.objects.filter(record_id=record_id).values_list("user_id", flat=True)


def watcher_ids(request: HttpRequest, record: Record) -> set[int]:
    """The users following the record, fetched once per request for the toggle and the note box."""
    cache = request.__dict__.setdefault("_kontor_watchers", {})
    if record.pk not in cache:
        cache[record.pk] = set(_watcher_ids(record.pk))
    return cache[record.pk]


@register.inclusion_tag("notifications/_follow.html", takes_context=True)
def follow_toggle(context: template.Context, record: Record) -> dict:
    request = request_of(context)
    following = request.user.pk in watcher_ids(request, record)
    return {"record": record, "following": following, "request": request, "csrf_token": context.get("csrf_token")}
