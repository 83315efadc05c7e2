"""The export routes of the four lists, `GET /api/v1/{people|companies|deals|projects}/export`:
each router filters with its own list's parameters and hands the result to `export_list`, so the
rights, formats and answers are written once.

The body is the file itself (CSV and vCard streamed as they are written, Excel sent from a
temporary file), every matching record, not one page."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Schema

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.api.errors import InvalidInput, field_error
from kontor.records.access import require
from kontor.transfer.export_views import export_response, formats_for


class ExportParams(Schema):
    format: Literal["csv", "xlsx", "vcf"] = Field(
        "csv", description="csv, xlsx (Excel) or vcf (vCard 3.0; people and companies only).")
    delimiter: Literal["comma", "semicolon"] = Field(
        "comma", description="For csv: `semicolon` writes semicolons and decimal commas, as Excel expects "
                             "them where German is the system's language.")


class TableExportParams(ExportParams):
    """Deals and projects have no vCard."""

    format: Literal["csv", "xlsx"] = Field("csv", description="csv or xlsx (Excel).")


DESCRIPTION = ("Every record the list shows with the same filters (all pages; `page` and `per_page` are "
               "ignored), as a file. CSV is UTF-8 with a byte order mark; cells that a spreadsheet would "
               "run as a formula start with an apostrophe. Power users and above.")


def export_list(by: Membership, kind: str, items: QuerySet[Any] | None, params: ExportParams) -> HttpResponseBase:
    """The export of `items` (None when the filters can match nothing) in the asked format, for a
    role that may export lists (403 otherwise); 422 for vCard of deals or projects."""
    require(by, roles.can_bulk_export, _("Your role does not allow exporting lists."))
    if params.format not in formats_for(kind):
        raise InvalidInput([field_error(["query", "format"], _("Deals and projects export as csv or xlsx."))])
    return export_response(by.account, kind, items, params.format, semicolons=params.delimiter == "semicolon")
