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
        from django.urls import reverse

        return reverse(f"{KIND_URL_NAMESPACE[Kind(self.kind)]}:detail", args=[self.pk])

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
