"""Files for the file tests: real PNG and PDF bytes, uploads as browsers send them."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kontor.contacts import actions as contact_actions
from kontor.files import actions

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(size: tuple[int, int] = (800, 600), color: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str = "offer.pdf", content: bytes = PDF, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def put_file(persona, record, name: str = "offer.pdf", content: bytes = PDF, entry=None):  # noqa: ANN001, ANN201
    return actions.upload_file(persona.membership, upload(name, content), record=record, entry=entry)


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Müller"})
