"""Files to import, built in memory: an xlsx from rows, a CSV, vCards; and running an import
from upload to its end the way the pages do."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from kontor.accounts.models import Membership
from kontor.transfer import actions
from kontor.transfer.models import Import

PEOPLE_HEADER = ["Vorname", "Nachname", "E-Mail", "Firma", "Position", "Telefon", "Tags"]


def xlsx(rows: Sequence[Sequence[Any]], header: Sequence[str] = PEOPLE_HEADER,
         sheets: dict[str, Sequence[Sequence[Any]]] | None = None) -> bytes:
    """A workbook whose first sheet holds the header and rows; `sheets` adds further sheets."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kontakte"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for name, more in (sheets or {}).items():
        extra = workbook.create_sheet(name)
        for row in more:
            extra.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def vcard(first: str, last: str, email: str = "", org: str = "") -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{last};{first};;;", f"FN:{first} {last}"]
    if email:
        lines.append(f"EMAIL;TYPE=WORK:{email}")
    if org:
        lines.append(f"ORG:{org}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def run(by: Membership, data: bytes, name: str = "kontakte.xlsx", django_capture_on_commit_callbacks: Any = None,
        **settings: Any) -> Import:
    """Uploads, configures and starts an import, and runs its job (as the worker would)."""
    imp = actions.upload_import(by, data, name, kind=settings.pop("kind", None))
    if settings:
        actions.configure_import(imp, **settings)
    actions.start_import(imp, by)
    actions.run_import(imp.pk)
    imp.refresh_from_db()
    return imp
