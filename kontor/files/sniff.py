"""What a file really is, read from its first bytes (and, for ZIP containers, its member names).

The browser's Content-Type and the file name's extension are the uploader's claims; the type
Kontor stores and serves comes from here, so a script named "invoice.pdf" is served as what it
is: an opaque download."""

from __future__ import annotations

import zipfile
from typing import IO

from kontor.files.models import INLINE_CONTENT_TYPES, FileType

OCTET_STREAM = "application/octet-stream"

# Leading bytes of the formats Kontor recognises, longest first within a prefix family.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"{\\rtf", "application/rtf"),
]

# Office Open XML and OpenDocument files are ZIP archives; their members tell them apart.
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OPENDOCUMENT = {
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
# Old binary Office files (OLE2 compound documents) look alike inside; the extension picks the
# label among them, never a type outside the family.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_TYPES = {"doc": "application/msword", "xls": "application/vnd.ms-excel",
              "ppt": "application/vnd.ms-powerpoint"}
TEXT_TYPES = {"csv": "text/csv", "vcf": "text/vcard", "ics": "text/calendar"}

# The types that count as office documents.
OFFICE_TYPES = {*OOXML.values(), *OPENDOCUMENT, *OLE2_TYPES.values(), "application/rtf", "text/csv"}

HEAD_BYTES = 2048


def sniff(stream: IO[bytes], name: str) -> str:
    """The content type of the file in `stream` (which is left at its start)."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(stream)
    if head.startswith(OLE2):
        return OLE2_TYPES.get(extension, OCTET_STREAM)
    if _is_text(head):
        return TEXT_TYPES.get(extension, "text/plain")
    return OCTET_STREAM


def _zip_type(stream: IO[bytes]) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared in OPENDOCUMENT:
                    return declared
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return OCTET_STREAM
    finally:
        stream.seek(0)
    for prefix, content_type in OOXML.items():
        if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
            return content_type
    return "application/zip"


def _is_text(head: bytes) -> bool:
    """UTF-8 text without NUL bytes (a cut multi-byte character at the end is allowed)."""
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3 and len(head) == HEAD_BYTES
    return True


def file_type(content_type: str) -> str:
    if content_type.startswith("image/"):
        return FileType.IMAGE
    if content_type == "application/pdf":
        return FileType.PDF
    if content_type in OFFICE_TYPES:
        return FileType.OFFICE
    return FileType.OTHER


def shown_inline(content_type: str) -> bool:
    """Whether a download may open in the browser: raster images and PDFs only."""
    return content_type in INLINE_CONTENT_TYPES


def megabytes(size: int) -> str:
    """A byte count as whole megabytes ("25"), or with decimals below one ("0.5")."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2g}"
