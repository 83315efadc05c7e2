"""Attachments: files the team keeps on people, companies, deals, projects and history entries.

The stored file has a random name (`attachments/<account>/<random>`) that says nothing about its
content and is never shown: every download goes through an access-checked view."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account
from kontor.history.models import Entry
from kontor.records.models import Record


class FileType(models.TextChoices):
    """The coarse types the Files area filters by; derived from the sniffed content type."""

    IMAGE = "image", _("Images")
    PDF = "pdf", _("PDF documents")
    OFFICE = "office", _("Office documents")
    OTHER = "other", _("Other files")


# One file's type in words (the choices above name the filter's groups).
TYPE_LABELS = {FileType.IMAGE: _("Image"), FileType.PDF: _("PDF document"), FileType.OFFICE: _("Office document"),
               FileType.OTHER: _("Other file")}

# The only types a browser may show inline: raster images and PDFs (never HTML, SVG or text).
INLINE_CONTENT_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, can_read_confidential: bool, include_deleted: bool = False) -> AttachmentQuerySet:
        """Not deleted, not on a record in the trash (they come back with it), and not on a
        confidential entry unless the role may read those."""
        return self.filter(visible(can_read_confidential, include_deleted))


def visible(can_read_confidential: bool, include_deleted: bool = False) -> Q:
    """AttachmentQuerySet.visible_to's condition, for one filter() with others (each filter() of
    a query costs building it anew)."""
    condition = Q(record__isnull=True) | Q(record__deleted_at__isnull=True)
    if not include_deleted:
        condition &= Q(deleted_at__isnull=True)
    if not can_read_confidential:
        condition &= on_readable_entry()
    return condition


def on_readable_entry() -> Q:
    """Not on a confidential entry: for roles that may not read those."""
    return Q(entry__isnull=True) | Q(entry__confidential=False)


class Attachment(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    # Files on an entry also carry the record they were added on, so that they show in its Files
    # card and disappear with it into the trash.
    record = models.ForeignKey(Record, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="attachments")
    # An entry deleted later leaves its files on the record rather than taking them along.
    entry = models.ForeignKey(Entry, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="attachments")
    file = models.FileField(max_length=200)
    thumbnail = models.FileField(max_length=200, blank=True)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    file_type = models.CharField(_("type"), max_length=10, choices=FileType.choices, default=FileType.OTHER)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["account", "-created_at"], name="attachment_recent"),
            models.Index(fields=["account", "file_type", "-created_at"], name="attachment_type"),
            models.Index(fields=["account", "uploaded_by", "-created_at"], name="attachment_uploader"),
            models.Index(fields=["record", "-created_at"], name="attachment_record"),
            models.Index(fields=["entry"], name="attachment_entry"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS.get(FileType(self.file_type), self.file_type))

    @property
    def opens_in_browser(self) -> bool:
        """Images and PDFs open in a browser tab; everything else downloads."""
        return self.content_type in INLINE_CONTENT_TYPES

    @property
    def extension(self) -> str:
        """The original name's extension in capitals ("PDF", "XLSX"), for the file's badge."""
        stem, dot, extension = self.name.rpartition(".")
        return extension.upper()[:5] if dot and stem else ""
