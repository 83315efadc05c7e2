"""/api/v1/imports: spreadsheet and vCard imports, their progress, reports and undo."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Imports"])
