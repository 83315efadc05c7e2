"""Uploading and deleting files. Pages and the API both come through here."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kontor.accounts import roles
from kontor.accounts.models import Account, Membership, User
from kontor.files import quota
from kontor.files.images import PREVIEW_MAX_PIXELS, ImageTooLarge, check_size
from kontor.files.models import Attachment, FileType
from kontor.files.sniff import file_type, megabytes, sniff
from kontor.history import activity
from kontor.history.models import ActivityVerb, Entry, EntryLink
from kontor.records.models import Record
from kontor.webhooks import actions as webhooks

MAX_FILES_PER_UPLOAD = 20
MAX_NAME_LENGTH = 255
THUMBNAIL_SIZE = (480, 480)


def max_upload_bytes() -> int:
    return settings.KONTOR_MAX_UPLOAD_BYTES


def _check(uploads: Sequence[UploadedFile]) -> None:
    if not uploads:
        raise ValidationError({"file": _("Please choose a file to upload.")})
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError({"file": _("Please upload at most %(count)s files at once.")
                               % {"count": MAX_FILES_PER_UPLOAD}})
    for upload in uploads:
        if not upload.size:
            raise ValidationError({"file": _("The file “%(name)s” is empty.") % {"name": _name(upload)}})
        if upload.size > max_upload_bytes():
            message = _("The file “%(name)s” is too large: files can have at most %(mb)s MB.") % {
                "name": _name(upload), "mb": megabytes(max_upload_bytes())}
            raise ValidationError({"file": ValidationError(message, code="too_large")})


def _name(upload: UploadedFile) -> str:
    """The uploader's file name without any folder, control characters or excess length."""
    raw = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in raw if ch.isprintable()).strip() or _("file")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:MAX_NAME_LENGTH - len(extension) - 1] + dot + extension) if dot and len(extension) < 10 \
            else name[:MAX_NAME_LENGTH]
    return name


def _thumbnail(upload: UploadedFile) -> bytes | None:
    """A WebP preview of an image, at most THUMBNAIL_SIZE; None for what Pillow cannot read and
    for images that would decode to more than PREVIEW_MAX_PIXELS (decompression bombs): the file
    itself is kept, without a preview.

    1. Image.open reads the header only; nothing is decoded yet.
    2. draft() lets a JPEG decode at a fraction of its size, so the size checked is the one that
       will be decoded: a 48-megapixel photo still gets a preview, a 20 KB PNG declaring 169
       million pixels does not (Pillow itself refuses that one at open, see images.limit_pillow).
    3. Only then are the pixels decoded and scaled down."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft("RGB", THUMBNAIL_SIZE)
            check_size(image, PREVIEW_MAX_PIXELS)
            preview = ImageOps.exif_transpose(image) or image
            preview = preview.convert("RGBA" if preview.mode in ("RGBA", "LA", "P") else "RGB")
            preview.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            preview.save(buffer, format="WEBP", quality=80)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ImageTooLarge, SyntaxError, ValueError):
        return None
    finally:
        upload.seek(0)
    return buffer.getvalue()


def _describe(by: Membership, upload: UploadedFile, record: Record | None, entry: Entry | None) -> Attachment:
    content_type = sniff(upload, upload.name or "")
    return Attachment(account=by.account, record=record, entry=entry, name=_name(upload),
                      content_type=content_type, file_type=file_type(content_type), size=upload.size or 0,
                      uploaded_by=by.user, created_at=timezone.now())


def _store(attachment: Attachment, upload: UploadedFile) -> None:
    """Writes the bytes (and an image's preview) under random names: they reveal neither the
    account's data nor each other."""
    token = secrets.token_hex(16)
    attachment.file.save(f"attachments/{attachment.account_id}/{token}", upload, save=False)
    preview = _thumbnail(upload) if attachment.file_type == FileType.IMAGE else None
    if preview:
        attachment.thumbnail.save(f"thumbnails/{attachment.account_id}/{token}.webp", ContentFile(preview),
                                  save=False)


def upload_files(by: Membership, uploads: Sequence[UploadedFile], record: Record | None = None,
                 entry: Entry | None = None) -> list[Attachment]:
    """Stores files on a record, on an entry (then also on one of its records), or both.

    1. Every file is checked first (count, empty, size limit, the account's storage quota), so a
       refused upload writes nothing.
    2. The content type is sniffed from the bytes; images get a thumbnail.
    3. The rows are written in one transaction; if that fails, the stored bytes are removed."""
    if record is None and entry is None:
        raise ValidationError({"record": _("A file belongs to a record or a history entry.")})
    if (record and record.account_id != by.account.pk) or (entry and entry.account_id != by.account.pk):
        raise PermissionDenied
    if record is not None and record.is_deleted:
        raise ValidationError({"record": _("This record is in the trash; restore it to add files.")})
    if entry is not None:
        if entry.confidential and not roles.can_read_confidential(by.role):
            raise PermissionDenied
        record = _entry_record(entry, record)
    _check(uploads)
    try:
        quota.check_room(by.account, sum(upload.size or 0 for upload in uploads))
    except quota.QuotaExceeded as full:
        raise ValidationError({"file": full}) from None
    stored: list[Attachment] = []
    try:
        for upload in uploads:
            stored.append(_describe(by, upload, record, entry))  # listed first: cleaned up on any failure
            _store(stored[-1], upload)
        with transaction.atomic():
            Attachment.objects.bulk_create(stored)
            _file_activity(by, ActivityVerb.FILE_ADDED, stored)
            webhooks.emit(by.account, "file.created", stored)
    except BaseException:
        _remove_blobs(stored)
        raise
    return stored


def _file_activity(by: Membership, verb: str, attachments: Sequence[Attachment]) -> None:
    """A line in the record's history and the team's stream, naming the files. Files on a
    confidential note get none: the stream is read by everyone, the note's files are not. The
    line is linked to the note, so that it disappears for members if the note is made
    confidential later."""
    first = attachments[0]
    if first.entry is not None and first.entry.confidential:
        return
    names = [attachment.name for attachment in attachments]
    activity.record_activity(by, verb, first.record, summary=", ".join(names), changes={"files": names},
                             entry=first.entry)


def upload_file(by: Membership, upload: UploadedFile | None, record: Record | None = None,
                entry: Entry | None = None) -> Attachment:
    """One file onto a record or an entry; see upload_files."""
    return upload_files(by, [upload] if upload is not None else [], record=record, entry=entry)[0]


def store_received_files(account: Account, files: Sequence[tuple[str, bytes]], *, record: Record, entry: Entry,
                         uploaded_by: User | None) -> tuple[list[Attachment], list[str]]:
    """Files that arrived with something else, such as a filed e-mail's attachments: stored on the
    entry and the record, sniffed and previewed like uploads. Unlike an upload, one empty or too
    large file does not refuse the others: it is skipped, and the reasons come back (to be
    noted on the entry). Once a file does not fit the account's storage quota, it and every later
    file are skipped (the raw message that brought them is kept all the same), so the stored files
    are always the first ones that were not empty or too large. No activity line: the entry they
    came with is the news. Runs in the caller's transaction; if that fails, the caller removes
    the stored bytes (remove_stored_bytes)."""
    stored: list[Attachment] = []
    skipped: list[str] = []
    room = quota.room_left(account)
    try:
        for name, data in files:
            upload = SimpleUploadedFile(name or _("file"), data)
            if not data:
                skipped.append(_("The file “%(name)s” is empty.") % {"name": _name(upload)})
                continue
            if len(data) > max_upload_bytes():
                skipped.append(_("The file “%(name)s” is too large: files can have at most %(mb)s MB.") % {
                    "name": _name(upload), "mb": megabytes(max_upload_bytes())})
                continue
            if room is not None:
                if len(data) > room:
                    room = 0  # full: no later file is stored either, however small
                    skipped.append(_("The file “%(name)s” does not fit the account's storage quota.")
                                   % {"name": _name(upload)})
                    continue
                room -= len(data)
            content_type = sniff(upload, upload.name or "")
            stored.append(Attachment(account=account, record=record, entry=entry, name=_name(upload),
                                     content_type=content_type, file_type=file_type(content_type), size=len(data),
                                     uploaded_by=uploaded_by, created_at=timezone.now()))
            _store(stored[-1], upload)
        Attachment.objects.bulk_create(stored)
    except BaseException:
        _remove_blobs(stored)
        raise
    return stored, skipped


def remove_stored_bytes(attachments: Iterable[Attachment]) -> None:
    """Removes the bytes of attachments whose rows were never committed."""
    _remove_blobs(attachments)


def _entry_record(entry: Entry, record: Record | None) -> Record:
    """The record a file on an entry is shown with: the given one, which must be one of the
    entry's, or else the entry's first live record."""
    links = EntryLink.objects.filter(entry=entry, record__deleted_at__isnull=True)
    if record is not None:
        if not links.filter(record=record).exists():
            raise ValidationError({"record": _("This history entry does not belong to that record.")})
        return record
    link = links.select_related("record").order_by("record_id").first()
    if link is None:
        raise ValidationError({"entry": _("This history entry belongs to no record outside the trash.")})
    return link.record


def can_delete_file(by: Membership, attachment: Attachment) -> bool:
    """The uploader may delete their own files; power users and above any file."""
    return attachment.uploaded_by_id == by.user.pk or roles.can_delete_records(by.role)


def delete_file(attachment: Attachment, by: Membership) -> None:
    """Takes the file away at once; its bytes are removed for good by purge_deleted_files after
    the trash's retention period, so a mistaken delete can still be undone (restore_file)."""
    if attachment.account_id != by.account.pk:
        raise PermissionDenied
    if not can_delete_file(by, attachment):
        raise PermissionDenied(_("You can only delete files you uploaded yourself."))
    now = timezone.now()
    with transaction.atomic():
        if Attachment.objects.filter(pk=attachment.pk, deleted_at__isnull=True).update(deleted_at=now,
                                                                                       deleted_by=by.user):
            _file_activity(by, ActivityVerb.FILE_DELETED, [attachment])
            webhooks.emit(by.account, "file.deleted", attachment)
    attachment.deleted_at, attachment.deleted_by = now, by.user


def restore_file(attachment: Attachment, by: Membership) -> None:
    if attachment.account_id != by.account.pk:
        raise PermissionDenied
    if not can_delete_file(by, attachment):
        raise PermissionDenied(_("You can only restore files you uploaded yourself."))
    with transaction.atomic():
        if Attachment.objects.filter(pk=attachment.pk, deleted_at__isnull=False).update(deleted_at=None,
                                                                                        deleted_by=None):
            _file_activity(by, ActivityVerb.FILE_RESTORED, [attachment])
    attachment.deleted_at = attachment.deleted_by = None


def purge_deleted_files(now: dt.datetime | None = None) -> int:
    """Removes the bytes and rows of files deleted longer than the retention period ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.TRASH_RETENTION_DAYS)
    expired = list(Attachment.objects.filter(deleted_at__lt=cutoff))
    forget_files(expired)
    return len(expired)


def forget_files(attachments: Iterable[Attachment]) -> None:
    """Deletes rows and stored bytes for good (when their record is purged from the trash)."""
    attachments = list(attachments)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    transaction.on_commit(lambda: _remove_blobs(attachments))


def forget_files_of_records(record_ids: Sequence[int]) -> None:
    """Called when records are purged from the trash: their files (deleted ones too) go with them."""
    forget_files(Attachment.objects.filter(record_id__in=record_ids))


def _remove_blobs(attachments: Iterable[Attachment]) -> None:
    for attachment in attachments:
        for stored in (attachment.file, attachment.thumbnail):
            if stored and stored.name:
                default_storage.delete(stored.name)


def upload_error_message(error: ValidationError) -> str:
    """A refused upload's reasons as one message, for pages that show it above the content."""
    return " ".join(error.messages)
