"""API keys: sent as `Authorization: Bearer KEY` or as `X-apikey: KEY` (the header
CentralStationCRM uses, so that scripts written for it keep working after a move).

A key stands for its user's membership in the key's account, with that membership's role. A revoked
key, a deactivated colleague or a deactivated user gets 401 like an unknown key. Each request is
counted against its key's rate limit, each wrong key against the client's (see ratelimit.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import F, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer

from kontor.accounts.middleware import activate_user_preferences
from kontor.accounts.models import ApiKey, Membership, RateCounter, hash_api_key
from kontor.accounts.requests import ApiRequest
from kontor.api import ratelimit
from kontor.lib.prepared import prepared

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _KeyColumns(TypedDict):
    key_id: int
    key_last_used_at: dt.datetime | None
    client_wrong_keys: int | None


@prepared
def _key_holder(key_hash: str, client_counter: str, now: dt.datetime) -> QuerySet[Membership]:
    """The active membership a working key stands for, as accounts.actions.membership_for_api_key
    finds it, with the client's count of wrong keys read in the same query. Compiled once
    (kontor/lib/prepared.py): every request asks it, and building its SQL cost more than running
    it. tests/api/test_auth.py holds the two lookups to the same answers."""
    wrong_keys = RateCounter.objects.filter(key=client_counter, resets_at__gt=now).values("count")[:1]
    return (Membership.objects.active()
            .filter(user__api_keys__key_hash=key_hash, user__api_keys__revoked_at__isnull=True,
                    account_id=F("user__api_keys__account_id"))
            .annotate(key_id=F("user__api_keys__pk"), key_last_used_at=F("user__api_keys__last_used_at"),
                      client_wrong_keys=Subquery(wrong_keys))
            .select_related("account", "user").order_by("pk")[:1])


def _membership_of_key(request: HttpRequest, secret: str) -> WithAnnotations[Membership, _KeyColumns] | None:
    """The key's membership, with the client's count of wrong keys; the key's last use is noted
    at most once a minute, as accounts.actions.membership_for_api_key notes it."""
    now = timezone.now()
    found = _key_holder(hash_api_key(secret), ratelimit.wrong_key_counter(request), now)
    if not found:
        return None
    # Spelled out for the type checker, which does not see annotate()'s columns through prepared.
    membership = cast("WithAnnotations[Membership, _KeyColumns]", found[0])
    last_used = membership.key_last_used_at
    if last_used is None or (now - last_used).total_seconds() > 60:
        ApiKey.objects.filter(pk=membership.key_id).update(last_used_at=now)
    return membership


def _authenticate(request: HttpRequest, secret: str | None) -> Membership | None:
    secret = (secret or "").strip()
    if not secret:
        return None
    membership = _membership_of_key(request, secret)
    if membership is None:
        ratelimit.count_wrong_key(request)
        return None
    ratelimit.refuse_if_client_sent_too_many_wrong_keys(request, membership.client_wrong_keys)
    ratelimit.count_request(request, secret)
    # The same attributes the page middleware sets, so that routes and actions read them alike.
    api_request = cast(ApiRequest, request)  # from here on the request is what `membership()` reads
    api_request.membership = membership
    api_request.account = membership.account
    activate_user_preferences(request, membership.user.language, membership.user.time_zone)
    return membership


class BearerKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        return _authenticate(request, token)


class HeaderKey(APIKeyHeader):
    param_name = "X-apikey"

    def authenticate(self, request: HttpRequest, key: str | None) -> Membership | None:
        return _authenticate(request, key)


api_key_auth = [BearerKey(), HeaderKey()]


def membership(request: HttpRequest) -> Membership:
    """The membership the request's API key stands for. Every route runs behind `api_key_auth`
    (urls.py), so by the time a route asks, the authentication above has made the request an
    `ApiRequest`; a route typed with `request: ApiRequest` can read `request.membership` itself."""
    return cast(ApiRequest, request).membership
