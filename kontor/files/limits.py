"""Limits on what one request may bring in, enforced before its body is read.

- `RequestSizeLimitMiddleware` refuses a request whose Content-Length is above
  settings.KONTOR_MAX_REQUEST_BYTES with 413 at once: nothing of the body is read, parsed or
  written to a temporary file. Pages get an error page (htmx requests a reload that shows the
  message), the API `{"detail": ...}`.
- `LimitedUploadHandler`, first in settings.FILE_UPLOAD_HANDLERS, counts the bytes of each
  uploaded file while the multipart body streams in. A file that grows beyond the largest any
  upload may be (files, photos, mail) is no longer handed on to the handlers that keep it: the
  view receives a `TooLargeUpload` that knows its size and holds no bytes, and the action refuses
  it as too large with its usual message. More file bytes in one request than the request limit
  stop the parsing (`RequestTooLarge`, 413), whatever length the request declared.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def max_request_bytes() -> int:
    return settings.KONTOR_MAX_REQUEST_BYTES


def max_file_bytes() -> int:
    """The largest single file any upload may bring: attached files, photos, raw mail."""
    return max(settings.KONTOR_MAX_UPLOAD_BYTES, settings.PHOTO_MAX_BYTES, settings.MAIL_MAX_BYTES)


class RequestTooLarge(RequestDataTooBig):
    """More bytes arrived than the request limit allows (raised while the body streams in)."""


def declared_length(request: HttpRequest) -> int | None:
    """The request's Content-Length, or None when it names none (or nothing Django would read)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def too_large_message() -> str:
    return _("This upload is too large: one request can bring at most %(size)s. Please upload fewer or "
             "smaller files at a time.") % {"size": filesizeformat(max_request_bytes())}


def too_large_response(request: HttpRequest) -> HttpResponse:
    """413: JSON for the API, a page (or an htmx reload with the message) for the rest."""
    message = too_large_message()  # in the user's language: the account middleware ran before
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=413)
    if request.headers.get("HX-Request") and hasattr(request, "_messages"):
        # htmx swaps no error answers; reloading the page shows the message where it belongs.
        messages.error(request, message)
        response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "kontor/error.html", {"status": 413, "message": message}, status=413)


class RequestSizeLimitMiddleware:
    """Refuses bodies above the request limit by their Content-Length, before anything reads them.

    It sits after the session, message and htmx middleware (none of which reads a body) and so
    before every view and CSRF check that would: Django reads a body only when request.POST,
    request.FILES or request.body is first touched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if length is not None and length > max_request_bytes():
            return too_large_response(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestTooLarge):
            return too_large_response(request)
        return None


class TooLargeUpload(UploadedFile):
    """What the view gets instead of a file beyond max_file_bytes(): its name and full size, no
    bytes. The actions' size checks refuse it with their usual message."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None,
                 content_type_extra: dict[str, Any] | None) -> None:
        super().__init__(BytesIO(), name, content_type, size, charset, content_type_extra)


class LimitedUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes as they stream in and stops keeping a file once it is
    larger than any upload may be (see the module's docstring)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.request_bytes = 0
        self.file_bytes = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.request_bytes += len(raw_data)
        if self.request_bytes > max_request_bytes():
            raise RequestTooLarge("The uploaded files are larger than KONTOR_MAX_REQUEST_BYTES")
        self.file_bytes += len(raw_data)
        if self.file_bytes > max_file_bytes():
            return None  # the handlers after this one (memory, temporary file) get no more of it
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.file_bytes > max_file_bytes():
            return TooLargeUpload(self.file_name or "", self.content_type or "", self.file_bytes, self.charset,
                                  self.content_type_extra)
        return None  # the next handler returns the file it kept
