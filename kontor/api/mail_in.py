"""/api/v1/mail/raw: a raw message from a hosted inbound-mail service, filed like any other mail."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Mail in"])
