"""Imports: one row per uploaded file with its settings, progress and outcome; what each row of it
did (for the undo); and the column mappings an account used before (for the next file)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account
from kontor.records.models import Record

UNDO_WINDOW = dt.timedelta(hours=24)
# A job that has not reported progress for this long has died (the worker was killed): the
# import shows as failed, and nothing of it was written (the writing is one transaction).
STALE_AFTER = dt.timedelta(minutes=15)


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("People")
    COMPANIES = "companies", _("Companies")


class Duplicates(models.TextChoices):
    SKIP = "skip", _("Skip them")
    FILL = "fill", _("Fill in their empty fields")
    CREATE = "create", _("Create them anyway")


class ImportState(models.TextChoices):
    DRAFT = "draft", _("Not started")
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class Import(models.Model):
    """One uploaded file. A draft until the user starts it from the mapping page (the API starts at
    once); then pending, running, and done or failed; undone after an undo. The uploaded bytes are
    kept for the job and the error report, for 30 days (see actions.forget_old_uploads)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices, default=ImportKind.PEOPLE)
    file_name = models.CharField(_("file"), max_length=255)
    upload = models.FileField(upload_to="imports/", blank=True)
    format = models.CharField(max_length=5)
    sheet = models.CharField(max_length=255, blank=True)
    # The sheet's column headings, and one entry per column: the field key it goes into, or null
    # for "ignore".
    header = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=list, blank=True)
    duplicates = models.CharField(_("duplicates"), max_length=6, choices=Duplicates.choices,
                                  default=Duplicates.SKIP)
    tag = models.CharField(_("tag all imported records with"), max_length=60, blank=True)
    state = models.CharField(max_length=8, choices=ImportState.choices, default=ImportState.DRAFT)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # [{"row": 12, "column": "E-Mail", "message": "..."}], at most ERRORS_KEPT of them.
    errors = models.JSONField(default=list, blank=True)
    # What was left out of rows that were imported nonetheless, in the same shape.
    warnings = models.JSONField(default=list, blank=True)
    # Companies created along the way for people's jobs (counted apart from `created`).
    companies_created = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-created_at"], name="import_recent")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def shown_state(self) -> str:
        """The state, except that a job silent for too long has died and counts as failed."""
        if self.state == ImportState.RUNNING and self.started_at and timezone.now() - self.started_at > STALE_AFTER:
            return ImportState.FAILED
        return self.state

    @property
    def is_finished(self) -> bool:
        return self.shown_state in (ImportState.DONE, ImportState.FAILED, ImportState.UNDONE)

    @property
    def undo_until(self) -> dt.datetime | None:
        return self.finished_at + UNDO_WINDOW if self.finished_at else None


class ItemAction(models.TextChoices):
    CREATED = "created", _("created")
    FILLED = "filled", _("filled")


class ImportItem(models.Model):
    """What the import did to one record: created it, or filled some of its empty fields. For a
    fill, `previous` holds each filled field's value before and after ({"field": [old, new]}) and
    `added` the ids of the contact details and addresses it added, so that the undo can put back
    exactly what the import changed and leave alone what a colleague changed since."""

    import_run = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey(Record, on_delete=models.SET_NULL, null=True, related_name="+")
    row = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=7, choices=ItemAction.choices)
    previous = models.JSONField(default=dict, blank=True)
    added = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["import_run", "action"], name="import_item_by_action")]

    def __str__(self) -> str:
        return f"{self.action} {self.record_id}"


class ImportMapping(models.Model):
    """The mapping an account last used for files with these column headers (normalised)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "kind", "signature"],
                                               name="import_mapping_unique")]

    def __str__(self) -> str:
        return self.signature
