"""The Permissions-Policy header: browser features Kontor never uses are switched off for its pages
and anything they embed, so an injected script or a framed page cannot ask for the camera.

Django sets the other security headers itself (SecurityMiddleware, XFrameOptionsMiddleware) and
django-csp the Content-Security-Policy; this one has no home there. The features come from
settings.PERMISSIONS_POLICY, each with the origins allowed to use it (an empty list: nobody).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Permissions-Policy"


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The header value: `camera=(), geolocation=(self)`; origins other than self are quoted."""
    def allowlist(origins: list[str]) -> str:
        return " ".join(origin if origin in {"self", "*"} else f'"{origin}"' for origin in origins)

    return ", ".join(f"{feature}=({allowlist(origins)})" for feature, origins in features.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault(HEADER, self.value)
        return response
