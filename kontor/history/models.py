"""History ("Verlauf"): notes, e-mails, calls and meetings, each linked to one or more records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account
from kontor.records.models import Record


class EntryKind(models.TextChoices):
    NOTE = "note", _("Note")
    EMAIL = "email", _("E-mail")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")


class EntryEvent(models.TextChoices):
    """What Kontor itself wrote into a history, stored as a fact (the event, its values in the
    entry's own fields) and put into words by whoever reads it, in their language."""

    TASK_DONE = "task_done", _("task completed")  # subject: the task's title; body: its description
    PROJECT_FROM_DEAL = "project_new", _("project created from a deal")  # subject: the project's name


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, can_read_confidential: bool) -> EntryQuerySet:
        return self if can_read_confidential else self.filter(confidential=False)

    def written_by_people(self) -> EntryQuerySet:
        """Without the lines Kontor wrote itself (a completed task): what colleagues wrote or filed."""
        return self.filter(event="")


class Entry(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=10, choices=EntryKind.choices, default=EntryKind.NOTE)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    happened_at = models.DateTimeField(_("date"), default=timezone.now)
    confidential = models.BooleanField(_("confidential"), default=False)
    # Empty for what people write; an EntryEvent for the lines Kontor writes itself.
    event = models.CharField(max_length=20, choices=EntryEvent.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    records: models.ManyToManyField[Record, EntryLink] = models.ManyToManyField(
        Record, through="EntryLink", related_name="entries")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["account", "-happened_at"], name="entry_recent")]

    def __str__(self) -> str:
        return self.subject or self.body[:60]


class EntryLink(models.Model):
    """Links an entry to a record. Carries the entry's time and confidentiality so that a record's
    timeline is one index range scan, even with a million entries in the account."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="links")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    happened_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "record"], name="entry_link_unique")]
        indexes = [models.Index(fields=["record", "-happened_at"], name="timeline")]

    def __str__(self) -> str:
        return f"entry {self.entry_id} on record {self.record_id}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def in_order(self) -> CommentQuerySet:
        """Oldest first, with their authors: how a thread of comments reads."""
        return self.select_related("author").order_by("created_at", "pk")


class Comment(models.Model):
    """A reply in place: under a history entry, a task or a file. Exactly one target is set."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="comments")
    # A string reference: the files app builds on history (files hang off entries), not the reverse.
    file = models.ForeignKey("files.Attachment", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(
            condition=(models.Q(entry__isnull=False, task__isnull=True, file__isnull=True)
                       | models.Q(entry__isnull=True, task__isnull=False, file__isnull=True)
                       | models.Q(entry__isnull=True, task__isnull=True, file__isnull=False)),
            name="comment_has_one_target")]
        indexes = [models.Index(fields=["entry", "created_at"], name="comment_by_entry"),
                   models.Index(fields=["task", "created_at"], name="comment_by_task"),
                   models.Index(fields=["file", "created_at"], name="comment_by_file")]

    def __str__(self) -> str:
        return self.body[:60]


class ActivityVerb(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")
    RESTORED = "restored", _("restored")
    STATE = "state", _("changed the state of")
    ASSIGNED = "assigned", _("assigned")
    FILE_ADDED = "file_add", _("added files to")
    FILE_DELETED = "file_del", _("deleted a file from")
    FILE_RESTORED = "file_back", _("brought back a file on")
    NOTE_DELETED = "note_del", _("deleted a note")
    TASK_CREATED = "task_new", _("created a task")
    TASK_CHANGED = "task_edit", _("changed a task")
    TASK_DONE = "task_done", _("completed a task")
    TASK_REOPENED = "task_open", _("reopened a task")
    TASK_DELETED = "task_del", _("deleted a task")
    IMPORTED = "imported", _("imported")
    IMPORT_UNDONE = "unimported", _("undid an import")
    MERGED = "merged", _("merged")
    MERGE_UNDONE = "unmerged", _("undid a merge")


class Activity(models.Model):
    """One line of what happened: who did what to which record, when. Append-only: written by the
    actions through history.activity.record_activity, never changed afterwards. `changes` holds a
    field diff {"field": [old, new]} (for files {"files": [names]}); `summary` a short text (a
    task's title, the names of files). Lines about tasks (ASSIGNED and TASK_*) hang off the
    task's record, or none for a task of its own."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="activities")
    verb = models.CharField(max_length=10, choices=ActivityVerb.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    subject_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The note a line is about (files added to it, deleted, brought back): when the note is made
    # confidential later, the line is hidden from those who may not read it (see activity.stream).
    # A note deleted for good leaves its files on the record (files.Attachment.entry), and so its lines.
    entry = models.ForeignKey(Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    is_activity = True  # tells the timeline template an activity line from an entry

    class Meta:
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["account", "-created_at"], name="activity_recent"),
                   models.Index(fields=["record", "-created_at"], name="activity_by_record")]

    def __str__(self) -> str:
        return f"{self.verb} {self.summary}"
