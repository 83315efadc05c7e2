"""Sending stored files to the browser, safely: a content type Kontor found itself, nosniff, the
original name in Content-Disposition, and a sandbox for everything that is not a PDF.

Only raster images and PDFs may open in the browser; everything else is an opaque download, so
an uploaded HTML or SVG file can never run in Kontor's origin."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from kontor.files.models import Attachment
from kontor.files.sniff import OCTET_STREAM, shown_inline

SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _respond(attachment: Attachment, stored: FieldFile, content_type: str, inline: bool) -> FileResponse:
    try:
        handle = stored.open("rb")
    except OSError:  # the bytes are gone from the storage: as good as missing
        raise Http404 from None
    response = FileResponse(handle, as_attachment=not inline, filename=attachment.name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if content_type != "application/pdf":  # a sandbox would keep the browser's own PDF viewer out
        response["Content-Security-Policy"] = SANDBOX
    return response


def serve_file(attachment: Attachment, *, inline: bool) -> FileResponse:
    """The file; `inline` is honoured for images and PDFs only."""
    viewable = shown_inline(attachment.content_type)
    return _respond(attachment, attachment.file, attachment.content_type if viewable else OCTET_STREAM,
                    inline and viewable)


def serve_thumbnail(attachment: Attachment) -> FileResponse:
    if not attachment.thumbnail:
        raise Http404
    return _respond(attachment, attachment.thumbnail, "image/webp", inline=True)
