"""Files on S3: the key scenarios of files, photos, previews, the trash and the account zip, run
against a local S3 server (moto, started by tests/s3.py) with the storage kontor/settings.py builds
from S3_BUCKET and friends. Each test checks the bucket itself, not only Kontor's answers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.files import actions
from kontor.files.models import Attachment
from kontor.mail import filing, intake
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail
from kontor.records import actions as record_actions
from tests.mail.letters import letter, person
from tests.s3 import S3Server

from .conftest import PDF, png_bytes, put_file, upload

pytestmark = pytest.mark.usefixtures("s3_storage")


def _stored(server: S3Server, prefix: str, folder: str) -> list[str]:
    return server.keys(f"{prefix}/{folder}/")


def test_the_storage_is_the_s3_backend_on_the_local_server(s3_server, s3_storage):
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    assert isinstance(default_storage, S3Storage)
    assert default_storage.endpoint_url == s3_server.endpoint_url  # type: ignore[attr-defined]
    assert default_storage.default_acl == "private"  # type: ignore[attr-defined]


def test_a_page_upload_lands_in_the_bucket_and_downloads_unchanged(alice, anna, s3_server, s3_storage):
    response = alice.client.post(reverse("files:upload", args=[anna.record.pk]), {"file": upload("Angebot.pdf")})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    [key] = _stored(s3_server, s3_storage, f"attachments/{alice.account.pk}")
    assert key == f"{s3_storage}/{attachment.file.name}"
    assert s3_server.read(key) == PDF
    download = alice.client.get(reverse("files:download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_an_api_upload_lands_in_the_bucket_and_downloads_unchanged(alice, anna, s3_server, s3_storage):
    _key, secret = account_actions.create_api_key(alice.membership, "s3")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    data = b"%PDF-1.4\n" + b"x" * 300_000 + b"\n%%EOF\n"  # beyond the in-memory upload size of boto3's chunks
    response = api.post("/api/v1/files", {"record_id": anna.record.pk, "file": upload("Vertrag.pdf", data)})
    assert response.status_code == 201, response.content
    file_id = response.json()["id"]
    [key] = _stored(s3_server, s3_storage, f"attachments/{alice.account.pk}")
    assert s3_server.read(key) == data
    download = api.get(f"/api/v1/files/{file_id}/download")
    assert download.status_code == 200 and download.getvalue() == data


def test_an_image_gets_its_preview_in_the_bucket(alice, anna, s3_server, s3_storage):
    attachment = put_file(alice, anna.record, "Foto.png", png_bytes((1600, 1200)))
    assert attachment.thumbnail
    [preview] = _stored(s3_server, s3_storage, f"thumbnails/{alice.account.pk}")
    assert preview.endswith(".webp") and s3_server.read(preview)[8:12] == b"WEBP"
    served = alice.client.get(reverse("files:thumbnail", args=[attachment.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    assert b"".join(served.streaming_content) == s3_server.read(preview)


def test_a_persons_photo_is_stored_in_the_bucket_and_replaced_there(alice, anna, s3_server, s3_storage):
    url = reverse("people:photo", args=[anna.pk])
    alice.client.post(url, {"photo": upload("me.png", png_bytes((600, 400)), "image/png")})
    [first] = _stored(s3_server, s3_storage, "photos")
    served = alice.client.get(url)
    assert served.status_code == 200 and served.content == s3_server.read(first)
    alice.client.post(url, {"photo": upload("me.png", png_bytes((600, 400), "red"), "image/png")})
    [second] = _stored(s3_server, s3_storage, "photos")
    assert second != first  # the old photo's object is gone, not left behind


def test_purging_a_deleted_file_removes_its_objects_from_the_bucket(alice, anna, s3_server, s3_storage,
                                                                     django_capture_on_commit_callbacks):
    kept = put_file(alice, anna.record, "bleibt.pdf")
    gone = put_file(alice, anna.record, "Foto.png", png_bytes())
    actions.delete_file(gone, alice.membership)
    assert len(s3_server.keys(s3_storage)) == 3  # deleted files keep their bytes for the undo
    later = timezone.now() + dt.timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):  # the bytes go once the rows are gone for good
        assert actions.purge_deleted_files(now=later) == 1
    assert s3_server.keys(s3_storage) == [f"{s3_storage}/{kept.file.name}"]


def test_purging_a_record_from_the_trash_removes_its_files_from_the_bucket(alice, anna, s3_server, s3_storage,
                                                                           django_capture_on_commit_callbacks):
    put_file(alice, anna.record, "Foto.png", png_bytes())
    record_actions.trash_record(anna.record, alice.membership)
    assert len(s3_server.keys(s3_storage)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert record_actions.purge_expired_trash(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert s3_server.keys(s3_storage) == []


def test_the_account_zip_carries_the_files_read_from_the_bucket(alice, anna, s3_server, s3_storage):
    attachment = put_file(alice, anna.record, "Angebot.pdf")
    response = alice.client.post(reverse("export:account"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.read(f"files/{attachment.pk}-Angebot.pdf") == PDF


def test_filed_mail_keeps_its_raw_message_and_attachments_in_the_bucket(alice, s3_server, s3_storage):
    person(alice, "Anna", "Berger", "anna@berger.example")
    raw = letter(sender="Anna Berger <anna@berger.example>",
                 attachments=[("Angebot.pdf", "application/pdf", PDF)])
    [inbound] = intake.receive(raw, [dropbox_for(alice.membership).address], "smtp")
    filing.file_inbound(inbound)
    inbound = InboundMail.objects.get(pk=inbound.pk)
    [message] = _stored(s3_server, s3_storage, f"mail/{alice.account.pk}")
    assert s3_server.read(message) == raw and message == f"{s3_storage}/{inbound.raw.name}"
    assert [s3_server.read(key) for key in _stored(s3_server, s3_storage, "attachments")] == [PDF]
