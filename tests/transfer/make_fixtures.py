"""Builds the files the import tests read, in memory: workbooks (xlsx through openpyxl, a minimal
OpenDocument sheet and a minimal BIFF8 .xls written by hand), an encrypted Office file, a zip
bomb, and a generator of many rows and cards for the speed measurement."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook

# --- xlsx ------------------------------------------------------------------------------------


def xlsx(sheets: Mapping[str, Sequence[Sequence[Any]]], merged: Sequence[str] = (),
         hidden: Sequence[str] = ()) -> bytes:
    """A workbook with one sheet per entry (in order); `merged` ranges apply to the first sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if name in hidden:
            sheet.sheet_state = "hidden"
    first = workbook.worksheets[0]
    for cells in merged:
        first.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- ods -------------------------------------------------------------------------------------

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.strftime('%d.%m.%Y')}</text:p></table:table-cell>")
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(sheets: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    """The smallest OpenDocument spreadsheet LibreOffice and calamine accept: the mimetype first
    and uncompressed, a manifest, and content.xml with one table per sheet."""
    tables = []
    for name, rows in sheets.items():
        body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
        tables.append(f'<table:table table:name="{escape(name)}">{body}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# --- compound files (.xls, encrypted Office files) ----------------------------------------------

SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A Compound File Binary (the container of .xls and of encrypted .xlsx) holding `streams`.

    Layout: sector 0 the FAT, sector 1 the directory (root plus up to three streams), then each
    stream in consecutive sectors. Streams are padded to 4096 bytes so they live in normal
    sectors and no mini stream is needed.
    """
    assert len(streams) <= 3
    padded = {name: data + b"\x00" * max(0, 4096 - len(data)) for name, data in streams.items()}
    fat = [FAT_SECTOR, END_OF_CHAIN]
    starts = {}
    for name, data in padded.items():
        count = -(-len(data) // SECTOR)
        starts[name] = len(fat)
        fat += list(range(len(fat) + 1, len(fat) + count)) + [END_OF_CHAIN]
    assert len(fat) <= SECTOR // 4
    fat += [FREE] * (SECTOR // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = NO_STREAM, right: int = NO_STREAM) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", NO_STREAM, right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
                + struct.pack("<IQ", start, size))

    names = list(padded)
    directory = entry("Root Entry", 5, END_OF_CHAIN, 0, child=1)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NO_STREAM
        directory += entry(name, 2, starts[name], len(padded[name]), right=right)
    directory = directory.ljust(SECTOR, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    assert len(header) == SECTOR
    body = struct.pack(f"<{SECTOR // 4}I", *fat) + directory
    for name in names:
        body += padded[name].ljust(-(-len(padded[name]) // SECTOR) * SECTOR, b"\x00")
    return header + body


def _record(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def _bof(sheet_type: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, sheet_type, 0x0DBB, 0x07CC, 0, 0x06))


def xls(name: str, rows: Sequence[Sequence[str | float | None]], password: bool = False) -> bytes:
    """A BIFF8 workbook (Excel 97-2003) with one sheet of text and number cells: the globals
    (BOF, the sheet's BOUNDSHEET, EOF), then the sheet (BOF, DIMENSIONS, LABEL/NUMBER cells, EOF).
    `password` adds the FILEPASS record of a workbook encrypted with a password to open."""
    cells = b""
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, str):
                text = value.encode("utf-16-le")
                cells += _record(0x0204, struct.pack("<HHHHB", row_index, column, 0, len(value), 1) + text)
            elif value is not None:
                cells += _record(0x0203, struct.pack("<HHHd", row_index, column, 0, float(value)))
    width = max((len(row) for row in rows), default=0)
    sheet = (_bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)) + cells
             + _record(0x000A, b""))
    encoded_name = name.encode("utf-16-le")

    def globals_with(offset: int) -> bytes:
        boundsheet = _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + encoded_name)
        # FILEPASS (RC4 encryption header) is what Excel writes for "Password to open".
        filepass = _record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48)) if password else b""
        return _bof(0x0005) + filepass + _record(0x0042, struct.pack("<H", 1200)) + boundsheet + _record(0x000A, b"")

    offset = len(globals_with(0))
    return compound_file({"Workbook": globals_with(offset) + sheet})


def encrypted_office_file() -> bytes:
    """What Excel saves for "Encrypt with password": a compound file with EncryptionInfo and
    EncryptedPackage streams instead of a zip."""
    return compound_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x00" * 200,
                          "EncryptedPackage": struct.pack("<Q", 5000) + bytes(range(256)) * 20})


# --- hostile zips --------------------------------------------------------------------------------


def zip_bomb(inflated_mb: int = 300) -> bytes:
    """An "xlsx" whose sheet XML inflates from a few hundred KB to `inflated_mb` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
            for _ in range(inflated_mb):
                member.write(chunk)
    return buffer.getvalue()


def lying_zip() -> bytes:
    """An "xlsx" whose sheet declares a small size (and ratio) but inflates to far more: the
    sizes in the directory are rewritten after writing."""
    data = bytearray(zip_bomb(inflated_mb=2))
    real = struct.pack("<I", 2 * 1024 * 1024)
    fake = struct.pack("<I", 1000)
    return bytes(data.replace(real, fake))
