"""One HTTP POST of a webhook: signed, to an address checked beforehand, without following
redirects, within a timeout. Pure standard library (http.client, ssl, hmac); no Django.

The signature header reads `Kontor-Signature: t=<unix seconds>,v1=<hex>`, where <hex> is the
HMAC-SHA256 of "<t>.<raw body>" keyed with the subscription's secret (docs/webhooks.md shows how
a receiver checks it)."""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from kontor.webhooks.addresses import Target

TIMEOUT_SECONDS = 10.0
EXCERPT_BYTES = 1024
USER_AGENT = "Kontor-Webhooks/1"


def signature(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(frozen=True)
class Answer:
    """What came back: a status code and the start of the body, or a network error."""

    status: int | None
    excerpt: str = ""
    duration_ms: int = 0
    error: str = ""
    retry_after: float | None = None  # seconds, from a 429's Retry-After


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Retry-After as seconds from now: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, while the Host header keeps the URL's name."""

    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Like _PinnedHTTP, with TLS checked against the URL's name (SNI and certificate)."""

    def __init__(self, target: Target, address: str, timeout: float) -> None:
        # Kept here too: HTTPSConnection keeps it in a private attribute.
        self._tls_context = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls_context)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls_context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> Answer:
    """POSTs `body` to the first of the target's addresses that accepts a connection. A redirect
    is an answer like any other (3xx), never followed."""
    started = time.monotonic()
    error = ""
    for address in target.addresses:
        connection_class = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        connection = connection_class(target, address, timeout)
        try:
            connection.request("POST", target.path, body=body, headers={
                "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
            response = connection.getresponse()
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
            duration = int((time.monotonic() - started) * 1000)
            retry_after = retry_after_seconds(response.getheader("Retry-After"), time.time())
            return Answer(response.status, excerpt, duration, retry_after=retry_after)
        except (OSError, http.client.HTTPException, ValueError) as failure:
            error = f"{type(failure).__name__}: {failure}"[:300]
        finally:
            connection.close()
    return Answer(None, duration_ms=int((time.monotonic() - started) * 1000), error=error)
