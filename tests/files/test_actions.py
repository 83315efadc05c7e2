"""Uploading and deleting files through the actions: limits, rights, trash, storage names."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.files import actions
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from kontor.records import actions as record_actions
from kontor.records.access import access_file

from .conftest import PDF, png_bytes, put_file, upload


def test_a_file_is_stored_under_a_random_name_with_its_sniffed_type(alice, anna):
    attachment = put_file(alice, anna.record, name="Angebot März.pdf")
    assert attachment.name == "Angebot März.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.file_type == "pdf"
    assert attachment.size == len(PDF)
    assert attachment.uploaded_by == alice.user
    assert "Angebot" not in attachment.file.name and attachment.file.name.startswith(f"attachments/{alice.account.pk}/")
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == PDF


def test_the_browsers_content_type_is_not_trusted(alice, anna):
    script = upload("page.pdf", b"<script>alert(1)</script>", "application/pdf")
    attachment = actions.upload_file(alice.membership, script, record=anna.record)
    assert attachment.content_type == "text/plain"
    assert attachment.file_type == "other"


def test_an_image_gets_a_small_webp_thumbnail(alice, anna):
    attachment = put_file(alice, anna.record, name="site.png", content=png_bytes((1600, 1200)))
    assert attachment.file_type == "image"
    from PIL import Image
    with default_storage.open(attachment.thumbnail.name) as stored, Image.open(stored) as preview:
        assert preview.format == "WEBP"
        assert max(preview.size) <= 480


def test_a_broken_image_is_kept_without_a_thumbnail(alice, anna):
    attachment = put_file(alice, anna.record, name="broken.png", content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert attachment.content_type == "image/png"
    assert not attachment.thumbnail


def test_a_file_over_the_limit_is_refused_and_nothing_is_written(alice, anna, settings):
    settings.KONTOR_MAX_UPLOAD_BYTES = 1024 * 1024
    too_large = re.escape("“offer.pdf” is too large: files can have at most 1 MB")
    with pytest.raises(ValidationError, match=too_large):
        put_file(alice, anna.record, content=PDF + b"x" * (1024 * 1024))
    assert not Attachment.objects.exists()
    assert not default_storage.exists("attachments")


def test_one_bad_file_refuses_the_whole_upload(alice, anna):
    with pytest.raises(ValidationError, match=re.escape("The file “empty.txt” is empty")):
        actions.upload_files(alice.membership, [upload(), upload("empty.txt", b"")], record=anna.record)
    assert not Attachment.objects.exists()


def test_no_file_is_refused(alice, anna):
    with pytest.raises(ValidationError, match="choose a file"):
        actions.upload_file(alice.membership, None, record=anna.record)


def test_another_accounts_record_is_refused(alice, oscar, anna):
    with pytest.raises(PermissionDenied, match=r"^$"):
        put_file(oscar, anna.record)
    assert not Attachment.objects.exists()


def test_a_file_on_an_entry_is_also_on_the_entrys_record(alice, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Angebot geschickt")
    attachment = put_file(alice, None, entry=entry)
    assert attachment.entry == entry and attachment.record == anna.record


def test_a_file_on_an_entry_must_name_one_of_its_records(alice, anna):
    other = contact_actions.create_person(alice.membership, {"last_name": "Other"})
    entry = history_actions.add_note(alice.membership, [anna.record], "Angebot geschickt")
    with pytest.raises(ValidationError, match="This history entry does not belong to that record"):
        put_file(alice, other.record, entry=entry)
    assert not Attachment.objects.exists()


def test_member_cannot_attach_to_a_confidential_entry(alice, carol, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Geheim", confidential=True)
    with pytest.raises(PermissionDenied, match=r"^$"):
        put_file(carol, anna.record, entry=entry)
    assert not Attachment.objects.exists()


def test_files_on_a_confidential_entry_are_hidden_from_members(alice, carol, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Geheim", confidential=True)
    attachment = put_file(alice, anna.record, entry=entry)
    assert access_file(alice.membership, attachment.pk) == attachment
    from django.http import Http404
    with pytest.raises(Http404, match=r"^$"):  # a hidden file looks exactly like a missing one
        access_file(carol.membership, attachment.pk)


def test_the_uploader_may_delete_their_file(carol, anna):
    attachment = put_file(carol, anna.record)
    actions.delete_file(attachment, carol.membership)
    assert Attachment.objects.get().deleted_at is not None


def test_member_cannot_delete_a_colleagues_file(alice, carol, anna):
    attachment = put_file(alice, anna.record)
    with pytest.raises(PermissionDenied, match="You can only delete files you uploaded yourself"):
        actions.delete_file(attachment, carol.membership)
    assert Attachment.objects.get().deleted_at is None


def test_power_user_may_delete_any_file(alice, bob, anna):
    attachment = put_file(alice, anna.record)
    actions.delete_file(attachment, bob.membership)
    assert Attachment.objects.get().deleted_at is not None


def test_a_deleted_file_can_be_restored(alice, anna):
    attachment = put_file(alice, anna.record)
    actions.delete_file(attachment, alice.membership)
    actions.restore_file(attachment, alice.membership)
    assert access_file(alice.membership, attachment.pk) == attachment


def test_files_of_a_trashed_record_are_hidden_and_come_back_on_restore(alice, anna):
    from django.http import Http404
    attachment = put_file(alice, anna.record)
    record_actions.trash_record(anna.record, alice.membership)
    with pytest.raises(Http404, match=r"^$"):
        access_file(alice.membership, attachment.pk)
    record_actions.restore_record(anna.record, alice.membership)
    assert access_file(alice.membership, attachment.pk) == attachment


def test_deleted_files_are_purged_with_their_bytes_after_the_retention_period(alice, anna,
                                                                              django_capture_on_commit_callbacks):
    attachment = put_file(alice, anna.record, name="site.png", content=png_bytes())
    names = [attachment.file.name, attachment.thumbnail.name]
    actions.delete_file(attachment, alice.membership)
    assert actions.purge_deleted_files() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.purge_deleted_files(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert not Attachment.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_purging_a_record_from_the_trash_removes_its_files(alice, anna, django_capture_on_commit_callbacks):
    attachment = put_file(alice, anna.record)
    record_actions.trash_record(anna.record, alice.membership)
    with django_capture_on_commit_callbacks(execute=True):
        record_actions.empty_trash(alice.membership)
    assert not Attachment.objects.exists()
    assert not default_storage.exists(attachment.file.name)


def test_an_uploaded_name_loses_folders_and_control_characters(alice, anna):
    attachment = put_file(alice, anna.record, name="../../etc/pass\x00wd\n.pdf")
    assert attachment.name == "passwd.pdf"


def test_a_huge_image_is_kept_without_a_thumbnail(alice, anna, monkeypatch):
    monkeypatch.setattr(actions, "PREVIEW_MAX_PIXELS", 100)
    attachment = put_file(alice, anna.record, name="poster.png", content=png_bytes((20, 20)))
    assert attachment.file_type == "image" and not attachment.thumbnail


def test_a_failure_while_storing_leaves_no_bytes_behind(alice, anna, monkeypatch):
    def broken_thumbnail(upload):  # noqa: ANN001, ANN202
        raise OSError("disk full")

    monkeypatch.setattr(actions, "_thumbnail", broken_thumbnail)
    with pytest.raises(OSError, match="disk full"):
        actions.upload_files(alice.membership, [upload(), upload("b.png", png_bytes())], record=anna.record)
    assert not Attachment.objects.exists()
    assert default_storage.listdir(f"attachments/{alice.account.pk}") == ([], [])
