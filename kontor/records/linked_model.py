"""The columns and abilities a deal and a project share: the record it is, a name, a description,
a company, people and colleagues (see links.py for the actions that set them, linked_form.py for
the form that edits them). Each kind's model adds its own fields, indexes and queryset."""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account
from kontor.contacts.models import Company
from kontor.lib.urls import id_url
from kontor.records.models import Record

M = TypeVar("M", bound="LinkedRecord")


class LinkedRecordQuerySet(models.QuerySet[M]):
    def alive(self) -> LinkedRecordQuerySet[M]:
        return self.filter(record__deleted_at__isnull=True)


class LinkedRecord(models.Model):
    """An abstract model. Each kind declares its `record` and `company` itself: their reverse
    names (record.deal, company.projects) are in its migrations, and a shared `%(class)s` would
    read as a change there. Its `people` too, named for the kind ("contact persons")."""

    record: models.OneToOneField[Record, Record]
    record_id: int
    company: models.ForeignKey[Company | None, Company | None]

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    colleagues = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("colleagues"), blank=True,
                                        related_name="+")
    sort_name = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return id_url(f"{self.namespace}:detail", self.record_id)

    @property
    def namespace(self) -> str:
        """The kind's URL namespace and templates folder, which is its app's label: "deals"."""
        return self._meta.app_label

    def refresh_derived(self) -> None:
        """Sets the columns derived from the others before a save."""
        self.sort_name = self.name.strip().lower()
