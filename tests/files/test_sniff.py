"""The content type comes from the file's bytes, never from its name or the browser's claim."""

from __future__ import annotations

import io
import zipfile

from kontor.files.sniff import file_type, megabytes, shown_inline, sniff

from .conftest import PDF, png_bytes


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_pdf_and_png_are_recognised_by_their_first_bytes():
    assert sniff(io.BytesIO(PDF), "scan.bin") == "application/pdf"
    assert sniff(io.BytesIO(png_bytes()), "photo.pdf") == "image/png"


def test_html_named_like_a_pdf_is_only_text():
    content_type = sniff(io.BytesIO(b"<html><script>alert(1)</script></html>"), "invoice.pdf")
    assert content_type == "text/plain"
    assert not shown_inline(content_type)


def test_binary_garbage_is_an_opaque_download():
    assert sniff(io.BytesIO(bytes(range(256)) * 4), "x.exe") == "application/octet-stream"


def test_office_documents_are_told_apart_by_their_zip_members():
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    xlsx = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"})
    assert sniff(io.BytesIO(docx), "a.docx").endswith("wordprocessingml.document")
    assert sniff(io.BytesIO(xlsx), "a.xlsx").endswith("spreadsheetml.sheet")
    assert sniff(io.BytesIO(odt), "a.odt") == "application/vnd.oasis.opendocument.text"
    assert sniff(io.BytesIO(_zip({"a.txt": b"x"})), "a.docx") == "application/zip"
    assert file_type(sniff(io.BytesIO(docx), "a.docx")) == "office"


def test_the_stream_is_left_at_its_start():
    stream = io.BytesIO(PDF)
    sniff(stream, "a.pdf")
    assert stream.tell() == 0


def test_csv_is_text_of_the_office_kind():
    assert sniff(io.BytesIO("Name;Ort\nMüller;Köln\n".encode()), "list.csv") == "text/csv"
    assert file_type("text/csv") == "office"


def test_megabytes_read_as_people_say_them():
    assert megabytes(25 * 1024 * 1024) == "25"
    assert megabytes(512 * 1024) == "0.5"
