from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kontor.accounts.models import Account


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view needs a logged-in user with an active membership (request.membership).
    A fresh install without any account sends everyone to the setup page first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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
        return view(request, *args, **kwargs)

    return wrapper
