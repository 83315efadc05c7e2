"""API keys: sent as `Authorization: Bearer KEY` or as `X-apikey: KEY` (the header
CentralStationCRM uses, so that scripts written for it keep working after a move).

A key stands for its user's membership in the key's account, with that membership's role. A revoked
key, a deactivated colleague or a deactivated user gets 401 like an unknown key. Each request is
counted against its key's rate limit, each wrong key against the client's (see ratelimit.py)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from kontor.accounts import actions as account_actions
from kontor.accounts.middleware import activate_user_preferences
from kontor.accounts.models import Membership
from kontor.accounts.requests import ApiRequest
from kontor.api import ratelimit


def _authenticate(request: HttpRequest, secret: str | None) -> Membership | None:
    secret = (secret or "").strip()
    if not secret:
        return None
    membership = account_actions.membership_for_api_key(secret, ratelimit.wrong_key_counter(request))
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
