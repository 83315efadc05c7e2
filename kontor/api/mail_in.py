"""/api/v1/mail/raw: a raw message from a hosted inbound-mail service, filed like any other mail.

    curl -H "Authorization: Bearer KEY" -H "Content-Type: message/rfc822" --data-binary @mail.eml \
         "https://kontor.example/api/v1/mail/raw?to=bcc-1a2b3c4d5e6f@kontor.example"

The message is stored as it is and filed by the worker, exactly as mail over SMTP. Who may send
for an address: the address's own user, or an administrator or the owner of its account (for a
project address, only they). An address of another account answers 404, like an unknown one."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kontor.accounts.models import Membership
from kontor.accounts.roles import Role, at_least
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, field_error
from kontor.files.sniff import megabytes
from kontor.mail import intake
from kontor.mail.models import InboundState

router = Router(tags=["Mail in"])

CONTENT_TYPE = "message/rfc822"
EXAMPLE = ("From: Anna Berger <anna@example.com>\r\nTo: Bob <bob@example.org>\r\n"
           "Subject: Our offer\r\nMessage-ID: <offer-17@example.com>\r\n"
           "Date: Fri, 04 Dec 2026 10:00:00 +0100\r\n\r\nHello Bob, ...\r\n")


class RawMailParams(Schema):
    to: str = Field(..., max_length=320, description="The Kontor address the message was sent to: a user's "
                    "dropbox (bcc-…@) or a project's address (project-…@).",
                    examples=["bcc-1a2b3c4d5e6f@kontor.example"])


class InboundOut(Schema):
    model_config = {"json_schema_extra": {"examples": [{"id": 17, "state": "pending"}]}}

    id: int = Field(description="The stored message; it appears in the history or in the inbox once filed.")
    state: InboundState = Field(description="pending until the worker filed it (within seconds).")


def _may_send_for(by: Membership, address: str) -> bool:
    """Whether the key may hand in mail for the address; raises Http404 for an address that is
    unknown or belongs to another account (the two must look alike)."""
    found = intake.resolve(address)
    if found is None:
        raise Http404
    owner, project = found
    holder = owner if owner is not None else project
    assert holder is not None, "resolve answers a dropbox's membership or a project"
    if holder.account_id != by.account_id:
        raise Http404
    return (owner is not None and owner.pk == by.pk) or at_least(by.role, Role.ADMIN)


def _read_body(request: HttpRequest) -> bytes:
    """The request body, read up to one byte beyond the limit (Django's own body limit for forms is
    far lower than a mail's), so a huge upload is never held whole."""
    limit = settings.MAIL_MAX_BYTES
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > limit:
        raise intake.Refused(552, "too large")
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise intake.Refused(552, "too large")
    return raw


@router.post(
    "/raw", response={202: InboundOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: InvalidInputOut,
              503: ErrorOut},
    summary="Hand in a raw message",
    description="The body is one whole message as it arrived (RFC 5322, `Content-Type: message/rfc822`), for "
                "services that receive mail and post it on. It is stored at once (202) and filed like mail over "
                "SMTP: on the people and companies it names, or in the inbox of the address's user. Messages above "
                "the limit (25 MB unless the server sets KONTOR_MAIL_MAX_BYTES) get 413; an empty body or another "
                "content type 422. An unknown address, or one of another account, gets 404; a colleague's address "
                "403 unless the key belongs to an administrator or the owner. 503 when the message could not be "
                "stored just now (send it again later).",
    openapi_extra={"requestBody": {"required": True, "content": {CONTENT_TYPE: {
        "schema": {"type": "string", "format": "binary", "minLength": 1}, "example": EXAMPLE}}}},
)
def post_raw_mail(request: HttpRequest, params: Query[RawMailParams]) -> Status:
    by = membership(request)
    address = params.to.strip()
    if not _may_send_for(by, address):
        raise PermissionDenied(_("Only the address's own user, an administrator or the owner may hand in mail for it."))
    try:
        raw = _read_body(request)
        if not raw.strip():
            raise InvalidInput([field_error(["body"], _("The message is empty."), "empty")])
        if (request.content_type or "").lower() != CONTENT_TYPE:
            raise InvalidInput([field_error(["header", "Content-Type"], _(
                "Send the message as Content-Type: message/rfc822."), "content_type")])
        stored = intake.receive(raw, [address], "api")
    except intake.Refused as refused:
        if refused.code == 552:
            return Status(413, {"detail": _("The message is too large: messages can have at most %(mb)s MB.")
                                % {"mb": megabytes(settings.MAIL_MAX_BYTES)}})
        if refused.code == 550:
            raise Http404 from None
        return Status(503, {"detail": _("The message could not be stored just now. Please send it again later.")})
    inbound = stored[0]
    return Status(202, {"id": inbound.pk, "state": inbound.state})
