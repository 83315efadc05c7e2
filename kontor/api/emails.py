"""/api/v1/emails and /api/v1/inbox: filed e-mails and the mail that waits to be filed."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["E-mails"])
inbox_router = Router(tags=["Inbox"])
