"""Sends a user whose team requires two-factor login, and who has not set it up, to the set-up
before anything else. It reads one flag from the session (set at login by
second_step.begin_second_step), so pages gain no query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from kontor.twofactor.second_step import SETUP_REQUIRED_KEY

# What such a user may still open: the set-up itself, and the way out.
ALLOWED = {"twofactor:settings", "twofactor:start", "twofactor:setup", "accounts:logout"}


class SetupRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: Any, kwargs: Any) -> HttpResponse | None:
        if not request.session.get(SETUP_REQUIRED_KEY) or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.view_name in ALLOWED or match.route.startswith("api/"):
            return None  # API keys are not affected by two-factor login
        url = reverse("twofactor:settings")
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
