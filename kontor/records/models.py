"""Record: the shared identity of the things a team works on (people, companies, and later deals
and projects). Tags, watchers, history links and trash state hang off Record, so each kind gets
them without its own copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account


class Kind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")
    DEAL = "deal", _("Deal")
    PROJECT = "project", _("Project")


class RecordQuerySet(models.QuerySet["Record"]):
    def alive(self) -> RecordQuerySet:
        return self.filter(deleted_at__isnull=True)

    def in_trash(self) -> RecordQuerySet:
        return self.filter(deleted_at__isnull=False)


class Record(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The name as shown in lists and links, kept by the actions for cross-kind lists
    # (trash, history links) so that they need no join per kind.
    display_name = models.CharField(max_length=300, default="")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    # Set while the record is in the trash because it was merged into another: its page and links
    # lead there (see kontor/records/merge.py).
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    tags: models.ManyToManyField[Tag, RecordTag] = models.ManyToManyField(
        "Tag", through="RecordTag", related_name="records")

    objects = RecordQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["account", "kind", "-updated_at"], name="record_recent"),
            models.Index(fields=["account", "kind", "responsible"], name="record_responsible"),
            models.Index(fields=["account", "deleted_at"], name="record_trash"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        from kontor.lib.urls import id_url

        return id_url(f"{KIND_URL_NAMESPACE[Kind(self.kind)]}:detail", self.pk)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


KIND_URL_NAMESPACE = {Kind.PERSON: "people", Kind.COMPANY: "companies", Kind.DEAL: "deals",
                      Kind.PROJECT: "projects"}


class Tag(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    # How many live records of each kind carry the tag, kept by kontor/records/tag_counts.py so that
    # the lists' tag column costs one small query instead of counting every tagging of the account.
    person_count = models.IntegerField(default=0)
    company_count = models.IntegerField(default=0)
    deal_count = models.IntegerField(default=0)
    project_count = models.IntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "account", name="tag_name_unique_per_account"),
        ]

    def __str__(self) -> str:
        return self.name


class RecordTag(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "record"], name="record_tag_unique")]
        indexes = [models.Index(fields=["record", "tag"], name="record_tag_by_record")]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.record_id}"


class Watch(models.Model):
    """A user follows ("beobachtet") a record. Created automatically for what a user creates."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "user"], name="watch_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.record_id}"


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    SELECT = "select", _("Selection")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    URL = "url", _("Web address")
    BOOLEAN = "boolean", _("Yes/no")


class CustomField(models.Model):
    """A field the account defines for one kind of record ("Kundennummer" on people).

    `key` is made from the name at creation and never changes, so that API clients and import
    mappings keep working when the field is renamed."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.SlugField(max_length=60)
    name = models.CharField(_("name"), max_length=60)
    type = models.CharField(_("type"), max_length=10, choices=FieldType.choices)
    options = models.JSONField(default=list, blank=True)
    help = models.CharField(_("help text"), max_length=200, blank=True, default="")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "key"], name="custom_field_key_unique"),
        ]
        indexes = [models.Index(fields=["account", "kind", "position"], name="custom_field_by_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def kept_key(self) -> tuple:
        """What a page shows of the field, as the key of a block rendered once ({% kept %})."""
        return (self.pk, self.kind, self.key, self.name, self.type, self.options, self.help)


class CustomValue(models.Model):
    """One record's value of one custom field, stored in the column of its type so that filters
    compare typed values on an index: (field, value, record) answers "which records have
    Kundennummer = 4711" without reading any record."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="values")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="custom_values")
    # Text, select and URL values; long text goes to long_text_value, which is not indexed
    # (PostgreSQL refuses index entries above about 2.7 kB).
    text_value = models.CharField(max_length=255, null=True, blank=True)
    long_text_value = models.TextField(null=True, blank=True)
    number_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    date_value = models.DateField(null=True, blank=True)
    bool_value = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "field"], name="custom_value_unique")]
        indexes = [
            models.Index(fields=["field", "text_value", "record"], name="custom_value_text"),
            models.Index(fields=["field", "number_value", "record"], name="custom_value_number"),
            models.Index(fields=["field", "date_value", "record"], name="custom_value_date"),
            models.Index(fields=["field", "bool_value", "record"], name="custom_value_bool"),
        ]

    def __str__(self) -> str:
        return f"{self.field_id} on {self.record_id}"


class ListKind(models.TextChoices):
    """The lists that bulk actions and saved views work on: the four kinds of record and tasks."""

    PERSON = "person", _("People")
    COMPANY = "company", _("Companies")
    DEAL = "deal", _("Deals")
    PROJECT = "project", _("Projects")
    TASK = "task", _("Tasks")


class SavedView(models.Model):
    """A list's filters saved under a name ("My open deals in Bavaria"): the list's query string,
    private to its owner or shared with the team. Opening it is following a link."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ListKind.choices)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(max_length=2000, blank=True, default="")
    is_shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["account", "kind", "name"], name="saved_view_by_kind")]

    def __str__(self) -> str:
        return self.name


class DefaultView(models.Model):
    """The saved view a user's list opens with (one per user and list)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ListKind.choices)
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "user", "kind"], name="default_view_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.view_id}"


class BulkState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class BulkJob(models.Model):
    """A bulk action too large to run within the request: what to do to which records, run by a
    background job in one transaction, and how far it got (for the progress shown meanwhile)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ListKind.choices)
    action = models.CharField(max_length=20)
    arguments = models.JSONField(default=dict, blank=True)
    object_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=BulkState.choices, default=BulkState.QUEUED)
    error = models.CharField(max_length=500, blank=True, default="")
    back_url = models.CharField(max_length=2000, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.action} on {self.total} {self.kind}"

    @property
    def is_finished(self) -> bool:
        return self.state in (BulkState.DONE, BulkState.FAILED)


class Merge(models.Model):
    """One merge of records into a survivor, kept so that it can be undone for MERGE_UNDO_DAYS days.

    `moved` says exactly what came from each merged record ({record id: {what: [ids]}}, see
    kontor/records/merge.py); `previous` the survivor's field values that the merge replaced with
    another record's. An undo moves back what is listed and nothing else."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    survivor = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="merges")
    merged_ids = models.JSONField(default=list)
    moved = models.JSONField(default=dict)
    previous = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["survivor", "-created_at"], name="merge_by_survivor")]

    def __str__(self) -> str:
        return f"{self.merged_ids} into {self.survivor_id}"
