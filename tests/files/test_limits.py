"""Limits on what one upload may take, and the storage quota per account, through real requests:
the request limit by Content-Length (before the body is read, shown against a live server), the
upload handler that keeps no oversized file, and the quota on files, photos and filed mail."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.test import RequestFactory
from django.urls import reverse

from kontor.accounts import actions as account_actions
from kontor.config import ConfigError
from kontor.files import actions, quota
from kontor.files.limits import RequestTooLarge, TooLargeUpload
from kontor.files.models import Attachment
from kontor.lib.sizes import env_size, parse_size
from kontor.mail import filing, intake
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail, InboundState
from tests.mail.letters import letter, person

from .conftest import PDF, png_bytes, put_file, upload

HTMX = {"HTTP_HX_REQUEST": "true"}


def _pdf(size: int) -> bytes:
    return PDF + b"%" * (size - len(PDF))


def _api(persona):  # noqa: ANN001, ANN202
    from django.test import Client

    _key, secret = account_actions.create_api_key(persona.membership, "limits")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def small_limits(settings):  # noqa: ANN001, ANN201
    """The default limits scaled down: 1,000 bytes a file, 4,000 a request."""
    settings.KONTOR_MAX_UPLOAD_BYTES = 1000
    settings.PHOTO_MAX_BYTES = 1000
    settings.MAIL_MAX_BYTES = 1000
    settings.KONTOR_MAX_REQUEST_BYTES = 4000
    return settings


# -- the request limit ---------------------------------------------------------------------------

def test_twenty_files_within_the_file_limit_but_above_the_request_limit_are_refused(alice, anna, small_limits):
    files = [upload(f"teil-{n}.pdf", _pdf(900)) for n in range(20)]
    response = alice.client.post(reverse("files:upload", args=[anna.record.pk]), {"file": files})
    assert response.status_code == 413
    assert "This upload is too large: one request can bring at most 3.9\xa0KB." in response.content.decode()
    assert not Attachment.objects.exists()


def test_files_within_the_request_limit_are_stored(alice, anna, small_limits):
    files = [upload(f"teil-{n}.pdf", _pdf(900)) for n in range(3)]
    response = alice.client.post(reverse("files:upload", args=[anna.record.pk]), {"file": files})
    assert response.status_code == 302
    assert Attachment.objects.count() == 3


def test_an_htmx_upload_above_the_limit_reloads_the_page_with_the_message(alice, anna, small_limits):
    files = [upload(f"teil-{n}.pdf", _pdf(900)) for n in range(5)]
    response = alice.client.post(reverse("files:upload", args=[anna.record.pk]), {"file": files}, **HTMX)
    assert response.status_code == 413 and response["HX-Refresh"] == "true"
    page = alice.client.get(anna.record.get_absolute_url()).content.decode()
    assert "This upload is too large" in page
    assert not Attachment.objects.exists()


def test_an_api_upload_above_the_limit_gets_413_with_a_detail(alice, anna, small_limits):
    response = _api(alice).post("/api/v1/files", {"record_id": anna.record.pk, "file": upload("gross.pdf", _pdf(5000))})
    assert response.status_code == 413
    assert response.json() == {"detail": "This upload is too large: one request can bring at most 3.9\xa0KB. "
                                          "Please upload fewer or smaller files at a time."}
    assert not Attachment.objects.exists()


def test_the_refusal_speaks_the_users_language(alice, anna, small_limits):
    account_actions.update_profile(alice.user, name=alice.user.name, email=alice.user.email, language="de",
                                   time_zone=alice.user.time_zone)
    files = [upload(f"teil-{n}.pdf", _pdf(900)) for n in range(5)]
    response = alice.client.post(reverse("files:upload", args=[anna.record.pk]), {"file": files})
    assert response.status_code == 413
    assert "3,9\xa0KB" in response.content.decode()  # German number format: the user's language is on


def test_a_content_length_that_is_no_number_is_no_error(alice, anna, small_limits):
    response = alice.client.post(reverse("files:upload", args=[anna.record.pk]), {"file": upload("a.pdf")},
                                 CONTENT_LENGTH="lots", follow=True)
    assert response.status_code == 200
    assert "Please choose a file to upload." in response.content.decode()
    assert not Attachment.objects.exists()


def _raw_request(url: str, path: str, declared: int, sent: bytes) -> bytes:
    """Sends headers that announce `declared` bytes, then only `sent`, and reads the answer while
    the rest of the body is still owed: a server that read the body first would never answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        head = (f"POST {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                "Content-Type: multipart/form-data; boundary=xyz\r\n"
                f"Content-Length: {declared}\r\n\r\n").encode()
        connection.sendall(head + sent)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


@pytest.mark.django_db(transaction=True)
def test_a_huge_declared_body_is_refused_at_once_without_being_read(live_server):
    ten_gigabytes = 10 * 1024**3
    body = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\n\r\n%PDF-1.4\r\n"
    api = _raw_request(live_server.url, "/api/v1/files", ten_gigabytes, body)
    assert api.startswith(b"HTTP/1.1 413 ")
    page = _raw_request(live_server.url, "/files/on/1/", ten_gigabytes, body)
    assert page.startswith(b"HTTP/1.1 413 ")


# -- the upload handler ---------------------------------------------------------------------------

def test_a_file_beyond_the_largest_upload_is_not_kept_while_it_streams_in(small_limits):
    small_limits.KONTOR_MAX_REQUEST_BYTES = 100_000
    request = RequestFactory().post("/files/on/1/", {"file": upload("gross.pdf", _pdf(5000))})
    received = request.FILES["file"]
    assert isinstance(received, TooLargeUpload)
    assert received.size == 5000 and received.read() == b""  # counted, never kept


def test_a_file_within_the_limits_arrives_whole_even_beyond_what_is_kept_in_memory(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # the rest goes to a temporary file, as with 5 MB
    data = _pdf(50_000)
    request = RequestFactory().post("/files/on/1/", {"file": upload("ganz.pdf", data)})
    received = request.FILES["file"]
    assert isinstance(received, UploadedFile) and not isinstance(received, TooLargeUpload)
    assert received.size == len(data) and received.read() == data


def test_an_oversized_file_gets_the_usual_message_on_the_page(alice, anna, small_limits):
    small_limits.KONTOR_MAX_REQUEST_BYTES = 100_000
    response = alice.client.post(reverse("files:upload", args=[anna.record.pk]),
                                 {"file": upload("gross.pdf", _pdf(5000))}, follow=True)
    assert "The file “gross.pdf” is too large: files can have at most" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_oversized_photo_is_refused_as_too_large(alice, anna, small_limits):
    small_limits.KONTOR_MAX_REQUEST_BYTES = 1_000_000
    response = alice.client.post(reverse("people:photo", args=[anna.pk]),
                                 {"photo": upload("me.png", png_bytes((600, 400)), "image/png")}, follow=True)
    assert "The photo is too large" in response.content.decode()
    anna.refresh_from_db()
    assert not anna.photo


def test_an_oversized_import_file_is_refused_as_too_large(alice, small_limits):
    small_limits.KONTOR_MAX_REQUEST_BYTES = 100_000
    data = b"Vorname,Nachname\n" + b"Anna,Berger\n" * 500
    response = alice.client.post(reverse("imports:new"), {"file": SimpleUploadedFile("kontakte.csv", data)})
    assert response.status_code == 422
    assert "too large" in response.content.decode()


def test_more_file_bytes_than_the_request_limit_stop_the_parsing(small_limits):
    # Behind the middleware this cannot happen (it refuses by Content-Length first); the handler
    # holds the limit on its own all the same.
    small_limits.KONTOR_MAX_UPLOAD_BYTES = 3000
    request = RequestFactory().post("/files/on/1/", {"file": [upload("a.pdf", _pdf(2500)),
                                                               upload("b.pdf", _pdf(2500))]})
    with pytest.raises(RequestTooLarge, match="larger than KONTOR_MAX_REQUEST_BYTES"):
        request.FILES  # noqa: B018 - parsing is what is tested


# -- the storage quota ------------------------------------------------------------------------------

@pytest.fixture
def quota_of(settings):  # noqa: ANN001, ANN201
    def set_quota(size: int) -> None:
        settings.KONTOR_STORAGE_QUOTA = size
    return set_quota


def test_an_upload_beyond_the_quota_is_refused_with_how_full_it_is(alice, anna, quota_of):
    quota_of(1000)
    put_file(alice, anna.record, "erste.pdf", _pdf(800))
    response = alice.client.post(reverse("files:upload", args=[anna.record.pk]),
                                 {"file": upload("zweite.pdf", _pdf(300))}, follow=True)
    page = response.content.decode()
    assert "The account&#x27;s storage is full: 800\xa0bytes of 1000\xa0bytes are used." in page
    assert list(Attachment.objects.values_list("name", flat=True)) == ["erste.pdf"]


def test_the_api_refuses_an_upload_beyond_the_quota_with_422_and_the_reason(alice, anna, quota_of):
    quota_of(1000)
    put_file(alice, anna.record, "erste.pdf", _pdf(800))
    response = _api(alice).post("/api/v1/files", {"record_id": anna.record.pk, "file": upload("b.pdf", _pdf(300))})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "file"] and "storage is full" in error["msg"]
    assert Attachment.objects.count() == 1


def test_deleting_a_file_makes_room_at_once(alice, anna, quota_of):
    quota_of(1000)
    first = put_file(alice, anna.record, "erste.pdf", _pdf(800))
    actions.delete_file(first, alice.membership)
    put_file(alice, anna.record, "zweite.pdf", _pdf(800))
    assert Attachment.objects.filter(deleted_at__isnull=True).count() == 1


def test_the_quota_is_per_account(alice, oscar, anna, quota_of):
    from kontor.contacts import actions as contact_actions

    quota_of(1000)
    put_file(alice, anna.record, "erste.pdf", _pdf(800))
    olga = contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    put_file(oscar, olga.record, "eigene.pdf", _pdf(800))
    assert quota.usage(oscar.account).used == 800


def test_a_full_account_takes_no_new_photo_and_keeps_the_old(alice, anna, quota_of):
    url = reverse("people:photo", args=[anna.pk])
    alice.client.post(url, {"photo": upload("me.png", png_bytes((600, 400)), "image/png")})
    anna.refresh_from_db()
    before = anna.photo.name
    quota_of(1000)
    put_file(alice, anna.record, "voll.pdf", _pdf(1000))
    response = alice.client.post(url, {"photo": upload("me.png", png_bytes((600, 400), "red"), "image/png")},
                                 follow=True)
    assert "storage is full" in response.content.decode()
    anna.refresh_from_db()
    assert anna.photo.name == before


def test_mail_beyond_the_quota_is_filed_with_a_note_and_its_raw_message_kept(alice, quota_of):
    person(alice, "Anna", "Berger", "anna@berger.example")
    raw = letter(sender="Anna Berger <anna@berger.example>",
                 attachments=[("klein.pdf", "application/pdf", _pdf(300)), ("gross.pdf", "application/pdf", _pdf(9000)),
                              ("noch.pdf", "application/pdf", _pdf(200))])
    quota_of(len(raw) + 1000)  # the raw message counts too: room for the small files, not the large one
    [inbound] = intake.receive(raw, [dropbox_for(alice.membership).address], "smtp")
    filing.file_inbound(inbound)
    inbound = InboundMail.objects.get(pk=inbound.pk)
    assert inbound.state == InboundState.FILED
    assert inbound.raw.read() == raw  # the whole message, attachments and all, is kept
    assert list(Attachment.objects.values_list("name", flat=True)) == ["klein.pdf"]
    assert inbound.entry is not None
    assert "Not stored: The file “gross.pdf” does not fit the account's storage quota." in inbound.entry.body
    assert "Not stored: The file “noch.pdf” does not fit" in inbound.entry.body


def test_the_owner_sees_the_usage_against_the_quota(alice, dave, anna, quota_of):
    quota_of(10 * 1024**3)
    put_file(alice, anna.record, "a.pdf", _pdf(300 * 1024))
    page = alice.client.get(reverse("accounts:settings")).content.decode()
    assert "300.0\xa0KB of 10.0\xa0GB used (0 %)" in page
    assert 'id="storage"' not in dave.client.get(reverse("accounts:settings")).content.decode()


def test_the_owner_sees_a_full_storage_and_without_a_quota_only_the_usage(alice, anna, quota_of):
    quota_of(1000)
    put_file(alice, anna.record, "a.pdf", _pdf(1000))
    page = alice.client.get(reverse("accounts:settings")).content.decode()
    assert "1000\xa0bytes of 1000\xa0bytes used (100 %)" in page and "The storage is full" in page
    quota_of(0)
    page = alice.client.get(reverse("accounts:settings")).content.decode()
    assert "1000\xa0bytes used; there is no limit for this account." in page


def test_the_usage_costs_two_queries_whatever_the_number_of_files(alice, anna, quota_of,
                                                                  django_assert_num_queries):
    quota_of(10**9)
    for number in range(5):
        put_file(alice, anna.record, f"{number}.pdf")
    with django_assert_num_queries(2):
        usage = quota.usage(alice.account)
    assert usage.used == 5 * len(PDF) and not usage.is_full


# -- sizes in the environment -------------------------------------------------------------------------

def test_sizes_are_read_as_operators_write_them():
    assert parse_size("10G") == 10 * 1024**3
    assert parse_size("500m") == 500 * 1024**2
    assert parse_size("1.5T") == int(1.5 * 1024**4)
    assert parse_size("25MB") == parse_size("25MiB") == 26214400 == parse_size("26214400")


@pytest.mark.parametrize("value", ["-1", "10X", "G", "1e9", "ten"])
def test_a_size_that_is_none_stops_the_start_with_the_variables_name(monkeypatch, value):
    monkeypatch.setenv("KONTOR_STORAGE_QUOTA", value)
    with pytest.raises(ConfigError, match="KONTOR_STORAGE_QUOTA"):
        env_size("KONTOR_STORAGE_QUOTA", 0)
