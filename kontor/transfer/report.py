"""The error report of an import: the rows that were not imported, as they stood in the file,
with one more column saying why ("Fehler" in German), as an .xlsx the user fixes and imports again."""

from __future__ import annotations

import io
from collections import defaultdict
from functools import partial

from django.http import HttpResponse
from django.utils.translation import gettext as _

from kontor.transfer import actions, tables
from kontor.transfer.export import xlsx_text
from kontor.transfer.models import Import
from kontor.transfer.values import cell_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_report(imp: Import) -> bytes:
    """The workbook's bytes. The original file is read again, so the rows come back exactly;
    should it be gone (an undone import), the report lists row numbers and messages only."""
    messages: dict[int, list[str]] = defaultdict(list)
    for error in imp.errors:
        column = f"{error['column']}: " if error.get("column") else ""
        messages[int(error["row"])].append(column + str(error["message"]))
    from openpyxl import Workbook  # where a workbook is written (see export.py)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Errors"))
    _safe = partial(xlsx_text, sheet)  # the rows come back exactly, "+49 …" without an apostrophe
    table = None
    if imp.upload and imp.format != "vcf":
        try:
            table = actions.table_of(imp)
        except (tables.UnreadableFile, OSError, ValueError):
            table = None
    if table is not None:
        sheet.append([_safe(h) for h in [*table.header, _("Error")]])
        for cells, number in zip(table.rows, table.row_numbers, strict=False):
            if number in messages:
                sheet.append([_safe(cell_text(c)) for c in cells] + [_safe("; ".join(messages[number]))])
    else:
        sheet.append([_("Row"), _("Error")])
        for number, texts in sorted(messages.items()):
            sheet.append([number, _safe("; ".join(texts))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_file_name(imp: Import) -> str:
    stem = imp.file_name.rsplit(".", 1)[0] or "import"
    return _("%(name)s - errors.xlsx") % {"name": stem}


def report_response(imp: Import) -> HttpResponse:
    response = HttpResponse(build_report(imp), content_type=XLSX)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, report_file_name(imp)) or "attachment"
    return response
