from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from kontor.accounts.models import Account
from kontor.accounts.requests import MemberRequest

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def member_required(
    view: Callable[Concatenate[MemberRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R | HttpResponseRedirect]:
    """The view needs a logged-in user with an active membership (request.membership), so it takes
    a `MemberRequest`. A fresh install without any account sends everyone to the setup page first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponseRedirect:
        if getattr(request, "membership", None) is None:
            if not request.user.is_authenticated and not Account.objects.exists():
                return redirect("setup")
            if request.user.is_authenticated:
                # Logged in but no longer part of any team: log out with a clear message.
                from django.contrib import messages
                from django.contrib.auth import logout
                from django.utils.translation import gettext as _

                logout(request)
                messages.error(request, _("Your access to Kontor has been deactivated."))
            return redirect_to_login(request.get_full_path())
        return view(cast(MemberRequest, request), *args, **kwargs)

    return wrapper
