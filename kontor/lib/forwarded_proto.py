"""X-Forwarded-Proto only from the trusted proxies.

Django believes SECURE_PROXY_SSL_HEADER from whoever sends it. Kontor sets that header name only
when KONTOR_TRUSTED_PROXIES names the proxies, and this middleware, placed before Django's
SecurityMiddleware, removes the header from every request that did not come from one of them: a
client that reaches Kontor directly cannot claim https (and so skip the redirect to it), just as
its X-Forwarded-For is ignored (kontor/lib/clients.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kontor.lib.clients import is_trusted_proxy

META_KEY = "HTTP_X_FORWARDED_PROTO"


class ForwardedProtoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if META_KEY in request.META and not is_trusted_proxy(request.META.get("REMOTE_ADDR") or ""):
            del request.META[META_KEY]
        return self.get_response(request)
