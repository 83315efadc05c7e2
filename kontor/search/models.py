"""The search index: one row per searchable thing (a person, a note, a task, ...), written by the
actions through kontor/search/index.py and read through kontor/search/queries.py.

The folded columns are what the database's trigram index covers (SQLite: the FTS5 tables made in
migration 0001 and kept in step by triggers; PostgreSQL: pg_trgm GIN indexes). `title` and `text`
keep the original wording for showing results and their snippets."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account
from kontor.records.models import Record


class DocumentKind(models.TextChoices):
    PERSON = "person", _("People")
    COMPANY = "company", _("Companies")
    DEAL = "deal", _("Deals")
    PROJECT = "project", _("Projects")
    TASK = "task", _("Tasks")
    NOTE = "note", _("Notes")
    EMAIL = "email", _("E-mails")
    COMMENT = "comment", _("Comments")


# The kinds that are records themselves: these the quick search looks at, and SQLite keeps them in
# their own, smaller full-text table (see migration 0001).
RECORD_KINDS = ("person", "company", "deal", "project")


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, account: Account, can_read_confidential: bool) -> DocumentQuerySet:
        documents = self.filter(account=account, is_hidden=False)
        return documents if can_read_confidential else documents.filter(confidential=False)


class Document(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    # The record the thing is (for people, companies, ...) or belongs to (a note's first record, a
    # task's record); results link to it.
    record = models.ForeignKey(Record, on_delete=models.CASCADE, null=True, related_name="+")
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    folded_title = models.CharField(max_length=300)
    folded_text = models.TextField(blank=True)
    confidential = models.BooleanField(default=False)
    # In the trash (the record, or every record a note belongs to): kept for a restore, not found.
    is_hidden = models.BooleanField(default=False)
    # Results are newest first by this: when a note happened, when a record or task was created.
    sort_at = models.DateTimeField(default=timezone.now)
    # A person's or company's place in its list sorted by name (its sort_name), so that the list's
    # name filter can find a page of matches in order from the index alone (backends.names_in_order).
    sort_key = models.CharField(max_length=210, blank=True, default="")

    objects = DocumentQuerySet.as_manager()
    # Set by kontor.search.queries on the documents of a result page: the text around the match, marked.
    snippet: str

    class Meta:
        db_table = "search_document"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")]
        indexes = [
            models.Index(fields=["account", "kind", "-sort_at", "-id"], name="search_by_kind_newest"),
            models.Index(fields=["account", "folded_title"], name="search_by_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Where a result leads: the record itself, the note on its record's page, the task's record
        (or the Tasks area for a task on no record)."""
        from django.urls import reverse

        if self.record is None:
            return reverse("tasks:list")
        url = self.record.get_absolute_url()
        if self.kind in (DocumentKind.NOTE, DocumentKind.EMAIL):
            return f"{url}#entry-{self.object_id}"
        if self.kind == DocumentKind.COMMENT:
            return f"{url}#comment-{self.object_id}"
        return url

    @property
    def is_record(self) -> bool:
        return self.kind in RECORD_KINDS
