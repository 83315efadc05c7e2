"""The export pages: a list as CSV, Excel or vCard with the list's own filters, one person's or
company's vCard, and the owner's download of the whole account.

Rights as in CentralStationCRM: everyone may take one vCard, lists are for power users and up,
the whole account for its owner. The API's export routes answer through `export_response` too."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.models import Account, Membership
from kontor.accounts.requests import MemberRequest
from kontor.contacts.models import Company, Person
from kontor.contacts.queries import ListFilters
from kontor.deals.queries import DealFilters
from kontor.projects.queries import ProjectFilters
from kontor.records.access import access_company, access_person, require
from kontor.records.custom_fields import fields_of
from kontor.records.models import KIND_URL_NAMESPACE, Kind
from kontor.transfer import export
from kontor.transfer.account_export import write_account_zip
from kontor.transfer.vcard_writer import card_of, vcard_pieces

FORMATS = ("csv", "xlsx", "vcf")
VCARD_KINDS = (Kind.PERSON, Kind.COMPANY)
KIND_TITLES = {Kind.PERSON: gettext_lazy("People"), Kind.COMPANY: gettext_lazy("Companies"),
               Kind.DEAL: gettext_lazy("Deals"), Kind.PROJECT: gettext_lazy("Projects")}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "vcf": "text/vcard; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def formats_for(kind: str) -> tuple[str, ...]:
    """CSV and Excel for every list; vCard for people and companies only."""
    return FORMATS if kind in VCARD_KINDS else FORMATS[:2]


def _file_name(kind: str, extension: str) -> str:
    title = slugify(str(KIND_TITLES[Kind(kind)])) or kind
    return f"{title}-{timezone.localdate().isoformat()}.{extension}"


def export_response(account: Account, kind: str, items: QuerySet[Any] | None, file_format: str,
                    semicolons: bool = False) -> HttpResponseBase:
    """The export of `items` (None: nothing matches) as a download, with a column for each of the
    account's custom fields of the kind in CSV and Excel. CSV and vCard stream as they are written;
    Excel is written to a temporary file first (a workbook is a zip that can only be finished at
    its end) and then sent from there. The caller has checked the format and the role."""
    fields = fields_of(account, kind) if file_format != "vcf" else []
    rows = export.rows_of(kind, items, fields) if items is not None else iter(())
    language, zone = translation.get_language(), export.current_zone()
    columns = export.columns_for(kind, fields)
    if file_format == "xlsx":
        target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
        export.write_xlsx(target, columns, rows, str(KIND_TITLES[Kind(kind)]), tz=zone)
        target.seek(0)
        return FileResponse(target, as_attachment=True, filename=_file_name(kind, "xlsx"),
                            content_type=CONTENT_TYPES["xlsx"])
    if file_format == "vcf":
        pieces = vcard_pieces(kind, rows)
    else:
        dialect = export.SEMICOLON if semicolons else export.COMMA
        pieces = export.csv_pieces(columns, rows, dialect, tz=zone)
    response = StreamingHttpResponse(export.localized(pieces, language, zone),
                                     content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition_header(True, _file_name(kind, file_format)) or "attachment"
    return response


def filtered_items(kind: str, membership: Membership, query: Mapping) -> QuerySet[Any]:
    """What the list page shows with these query parameters, all pages of it."""
    account, user_id = membership.account, membership.user.pk
    if kind == Kind.DEAL:
        return DealFilters.from_query(query, current_user_id=user_id).apply(account)
    if kind == Kind.PROJECT:
        return ProjectFilters.from_query(query, current_user_id=user_id).apply(account)
    return ListFilters.from_query(query, current_user_id=user_id).apply(account, kind)


@require_GET
@member_required
def export_list(request: MemberRequest, kind: str) -> HttpResponseBase:
    """/export/people/?format=csv&tag=Kunde: the list with the same filters, every page of it."""
    membership = request.membership
    require(membership, roles.can_bulk_export,
            _("Your role does not allow exporting lists. You can download a single vCard from a record's page."))
    file_format = request.GET.get("format", "csv")
    if file_format not in formats_for(kind):
        messages.error(request, _("This export format is not offered for this list."))
        return redirect(f"{KIND_URL_NAMESPACE[Kind(kind)]}:list")
    items = filtered_items(kind, membership, request.GET)
    return export_response(membership.account, kind, items, file_format,
                           semicolons=request.GET.get("delimiter") == "semicolon")


def _single_card(kind: str, obj: Person | Company) -> HttpResponse:
    loaded = export.loaded_one(kind, obj)
    response = HttpResponse(card_of(kind, loaded).encode("utf-8"), content_type=CONTENT_TYPES["vcf"])
    name = slugify(loaded.full_name) or kind
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.vcf") or "attachment"
    return response


@require_GET
@member_required
def person_vcard(request: MemberRequest, person_id: int) -> HttpResponse:
    """One person's vCard, for everyone in the team (members too)."""
    return _single_card(Kind.PERSON, access_person(request.membership, person_id))


@require_GET
@member_required
def company_vcard(request: MemberRequest, company_id: int) -> HttpResponse:
    return _single_card(Kind.COMPANY, access_company(request.membership, company_id))


@require_POST
@member_required
def account_download(request: MemberRequest) -> FileResponse:
    """The owner's "take your data with you": a zip of every list and every file. A POST, so that
    no link on another site can make Kontor build one."""
    membership = request.membership
    require(membership, roles.can_download_account, _("Only the owner of the account can download all its data."))
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    write_account_zip(membership.account, target, tz=export.current_zone())
    target.seek(0)
    name = f"{slugify(membership.account.name) or 'kontor'}-{timezone.localdate().isoformat()}.zip"
    return FileResponse(target, as_attachment=True, filename=name,
                        content_type="application/zip")
