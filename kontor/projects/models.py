"""Projects: the work that follows a won deal, or any other piece of work with people and a team."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.contacts.models import Company, Person
from kontor.deals.models import Deal
from kontor.records.linked_model import LinkedRecord, LinkedRecordQuerySet
from kontor.records.models import Record

MAIL_PREFIX = "project"


class ProjectStatus(models.TextChoices):
    STARTING = "starting", _("starting")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


def new_mail_token() -> str:
    return secrets.token_hex(8)


class ProjectQuerySet(LinkedRecordQuerySet["Project"]):
    pass


class Project(LinkedRecord):
    record = models.OneToOneField(Record, on_delete=models.CASCADE, primary_key=True, related_name="project")
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices,
                              default=ProjectStatus.STARTING)
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="projects")
    people = models.ManyToManyField(Person, verbose_name=_("people"), blank=True, related_name="projects")
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="projects")
    # The random part of the project's own e-mail address; mail sent there is filed on the project.
    mail_token = models.CharField(max_length=32, unique=True, default=new_mail_token, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["account", "sort_name", "record"], name="project_by_name"),
            models.Index(fields=["account", "start_date", "record"], name="project_by_start"),
            models.Index(fields=["account", "status", "sort_name", "record"], name="project_by_status"),
        ]

    @property
    def email_address(self) -> str:
        """The project's own address: mail sent or copied there belongs to the project."""
        return f"{MAIL_PREFIX}-{self.mail_token}@{settings.MAIL_DOMAIN}"
