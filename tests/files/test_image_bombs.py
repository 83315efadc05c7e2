"""Decompression bombs: images whose header declares far more pixels than their bytes suggest are
refused from the header, before a single pixel is decoded, as photos and as file previews."""

from __future__ import annotations

import io
import resource

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kontor.accounts.actions import create_api_key
from kontor.contacts import actions as contact_actions
from kontor.files import images
from kontor.files.models import Attachment

from .bombs import png_bomb
from .conftest import png_bytes, put_file

# Decoding the 13,000 x 13,000 bomb takes at least 169 MB (one byte a pixel), converting it 500 MB more.
DECODING_WOULD_TAKE = 150 * 1024 * 1024


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _photo(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", content, content_type="image/png")


def test_the_bomb_is_small_on_disk_and_huge_in_its_header():
    bomb = png_bomb()
    assert len(bomb) < 25_000
    with _header(bomb) as image:
        assert image.size == (13_000, 13_000)


def _header(content: bytes) -> Image.Image:
    from PIL import PngImagePlugin

    return PngImagePlugin.PngImageFile(io.BytesIO(content))  # the plugin itself: no bomb check


def test_pillow_itself_refuses_the_bomb_once_kontor_has_started():
    assert Image.MAX_IMAGE_PIXELS == images.PREVIEW_MAX_PIXELS
    with pytest.raises(Image.DecompressionBombError, match="could be decompression bomb DOS attack"):
        Image.open(io.BytesIO(png_bomb()))


def test_a_bomb_as_a_persons_photo_is_refused_with_a_message_and_without_decoding(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    before = _peak_rss_bytes()
    response = alice.client.post(reverse("people:photo", args=[person.pk]), {"photo": _photo(png_bomb())},
                                 follow=True)
    assert _peak_rss_bytes() - before < DECODING_WOULD_TAKE
    assert "The photo has too many pixels: at most 25 megapixels" in response.content.decode()
    person.refresh_from_db()
    assert not person.photo


def test_a_photo_over_25_megapixels_is_refused_from_its_header_alone(alice):
    """The pixel data is missing: had Kontor decoded it, the message would say "not an image"."""
    company = contact_actions.create_company(alice.membership, {"name": "Riesenbild AG"})
    response = alice.client.post(reverse("companies:photo", args=[company.pk]),
                                 {"photo": _photo(png_bomb(6000, 4500, truncated=True))}, follow=True)
    assert "The photo has too many pixels" in response.content.decode()
    company.refresh_from_db()
    assert not company.photo


def test_a_bomb_replacing_a_photo_leaves_the_old_one(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    contact_actions.set_photo(person, _photo(png_bytes((600, 400))), alice.membership)
    old = person.photo.name
    with pytest.raises(ValidationError, match="The photo has too many pixels: at most 25 megapixels") as refused:
        contact_actions.set_photo(person, _photo(png_bomb()), alice.membership)
    assert refused.value.code == "too_many_pixels"
    person.refresh_from_db()
    assert person.photo.name == old


def test_a_photo_of_25_megapixels_is_still_taken(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    contact_actions.set_photo(person, _photo(png_bomb(5000, 5000)), alice.membership)
    person.refresh_from_db()
    assert person.photo


def test_a_bomb_uploaded_as_a_file_is_kept_without_a_preview_and_without_decoding(alice, anna):
    before = _peak_rss_bytes()
    attachment = put_file(alice, anna.record, name="bomb.png", content=png_bomb())
    assert _peak_rss_bytes() - before < DECODING_WOULD_TAKE
    assert attachment.file_type == "image"
    assert not attachment.thumbnail
    assert Attachment.objects.get(pk=attachment.pk).size == len(png_bomb())


def test_a_file_over_40_megapixels_gets_no_preview(alice, anna):
    attachment = put_file(alice, anna.record, name="poster.png", content=png_bomb(7000, 7000))
    assert attachment.file_type == "image" and not attachment.thumbnail


def test_a_file_of_40_megapixels_gets_its_preview(alice, anna):
    attachment = put_file(alice, anna.record, name="poster.png", content=png_bomb(8000, 5000))
    assert attachment.thumbnail


def test_a_large_jpeg_is_measured_at_the_size_it_is_decoded_at(alice, anna, monkeypatch):
    """A JPEG decodes at an eighth of its size when only a preview is wanted; a PNG cannot."""
    from kontor.files import actions

    monkeypatch.setattr(actions, "PREVIEW_MAX_PIXELS", 1_000_000)
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1000), "teal").save(buffer, format="JPEG")
    assert put_file(alice, anna.record, name="photo.jpg", content=buffer.getvalue()).thumbnail
    assert not put_file(alice, anna.record, name="photo.png", content=png_bytes((2000, 1000))).thumbnail


def test_the_api_stores_a_bomb_as_a_plain_file(alice, anna):
    _key, secret = create_api_key(alice.membership, "tests")
    response = Client().post("/api/v1/files", {"record_id": anna.pk, "file": _photo(png_bomb())},
                             headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
    assert response.json()["has_thumbnail"] is False
