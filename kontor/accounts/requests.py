"""The request as Kontor's middleware leaves it, typed, so mypy checks the views.

`AccountMiddleware` puts the current membership and account on every request and django-htmx's
`HtmxMiddleware` puts `htmx`; `HttpRequest` knows neither. A view behind `@member_required` takes a
`MemberRequest`, where both are set; a page that also serves visitors takes a `VisitorRequest` and
checks `membership` itself. A request to the JSON API is an `ApiRequest`: the API key's authentication
(kontor/api/auth.py) sets `membership` and `account` from the key, over what the middleware found in the
session. All are annotations only: at run time every request is Django's `HttpRequest` (see the
django-stubs notes on custom request attributes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context
    from django_htmx.middleware import HtmxDetails

    from kontor.accounts.models import Account, Membership, User


class VisitorRequest(HttpRequest):
    """Any request: a logged-out visitor, or a user without an active membership, has None."""

    membership: Membership | None
    account: Account | None
    user: User | AnonymousUser
    htmx: HtmxDetails
    LANGUAGE_CODE: str  # set by LocaleMiddleware, and by activate_user_preferences for the member's language


class MemberRequest(VisitorRequest):
    """A request that `@member_required` let through: a logged-in user with an active membership."""

    membership: Membership
    account: Account
    user: User
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """A request to /api/v1 that an API key let in: the membership the key stands for and its account.
    `user` is left out on purpose: the key, not a session, says who acts (through `membership.user`)."""

    membership: Membership
    account: Account
    LANGUAGE_CODE: str  # set by activate_user_preferences for the key's user


def request_of(context: Context) -> VisitorRequest:
    """The request of a template context (`RequestContext` puts it there), typed for a template tag."""
    request: VisitorRequest = context["request"]
    return request


def membership_of(context: Context) -> Membership:
    """The membership of a template context's request, for tags that only member pages render."""
    request: MemberRequest = context["request"]
    return request.membership
