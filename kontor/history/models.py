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


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, can_read_confidential: bool) -> EntryQuerySet:
        return self if can_read_confidential else self.filter(confidential=False)


class Entry(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=10, choices=EntryKind.choices, default=EntryKind.NOTE)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    happened_at = models.DateTimeField(_("date"), default=timezone.now)
    confidential = models.BooleanField(_("confidential"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    records = models.ManyToManyField(Record, through="EntryLink", related_name="entries")

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
