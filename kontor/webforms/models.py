"""Web forms: contact forms a team puts on its website, and what arrived through them.

A form's fields are a list of entries {"key": ..., "required": ...} naming fields of the catalogue
below. Custom fields of people (not built yet) become more catalogue entries with keys like
"custom:<id>"; the stored list, the settings page and the API need no change for them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account
from kontor.contacts.models import Person
from kontor.records.models import Tag

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class FieldSpec:
    """One field a form may show: how it is labelled, how long it may be, what input it uses."""

    key: str
    label: StrOrPromise
    max_length: int
    input: str = "text"  # text, email, tel or textarea


# The order here is the order on the public form.
CATALOGUE: dict[str, FieldSpec] = {spec.key: spec for spec in (
    FieldSpec("first_name", _("First name"), 100),
    FieldSpec("last_name", _("Last name"), 100),
    FieldSpec("email", _("E-mail"), 254, "email"),
    FieldSpec("phone", _("Phone"), 60, "tel"),
    FieldSpec("company", _("Company"), 200),
    FieldSpec("message", _("Message"), 5000, "textarea"),
)}
# A person cannot be stored without a last name, so every form asks for it.
ALWAYS_REQUIRED = {"last_name"}
DEFAULT_FIELDS = [{"key": "first_name", "required": False}, {"key": "last_name", "required": True},
                  {"key": "email", "required": True}, {"key": "message", "required": True}]


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


def new_token() -> str:
    return secrets.token_urlsafe(16)


class WebForm(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    # The public address /f/<token>/; unguessable so that nobody finds a team's forms by counting.
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    fields = models.JSONField(default=list)
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    notify = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    thank_you_text = models.TextField(_("thank-you text"), blank=True)
    redirect_url = models.URLField(_("redirect to"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.GERMAN)
    # Websites (https://host[:port]) allowed to send the form; empty: any.
    allowed_origins = models.JSONField(default=list, blank=True)
    # Counted with F() on each arrival: the settings page shows them without counting rows.
    submission_count = models.PositiveIntegerField(default=0)
    spam_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["account", "name"], name="webform_by_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("webforms:detail", args=[self.pk])

    def public_path(self) -> str:
        return reverse("webforms_public:form", args=[self.token])

    def public_url(self) -> str:
        return settings.BASE_URL + self.public_path()

    def embed_url(self) -> str:
        return settings.BASE_URL + reverse("webforms_public:embed", args=[self.token])

    def started_script_url(self) -> str:
        return settings.BASE_URL + reverse("webforms_public:started", args=[self.token])

    def field_specs(self) -> list[tuple[FieldSpec, bool]]:
        """The form's fields in catalogue order, each with whether it is required; entries whose
        key the catalogue no longer knows (a deleted custom field) are left out."""
        chosen = {f["key"]: bool(f.get("required")) for f in self.fields if f.get("key") in CATALOGUE}
        return [(spec, chosen[key] or key in ALWAYS_REQUIRED) for key, spec in CATALOGUE.items() if key in chosen]


class SubmissionState(models.TextChoices):
    OK = "ok", _("received")
    SPAM = "spam", _("spam")


class Submission(models.Model):
    """One arrival through a form. Spam keeps no content at all, only that it happened (for the
    count and the rate limit). `client_hash` is a keyed hash of the sender's address, kept only for
    the rate-limit window and then cleared (see actions.forget_client_addresses)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(WebForm, on_delete=models.CASCADE, related_name="submissions")
    state = models.CharField(max_length=4, choices=SubmissionState.choices)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=210, blank=True)
    email = models.CharField(max_length=254, blank=True)
    client_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["form", "-created_at"], name="submission_recent"),
            models.Index(fields=["form", "client_hash", "created_at"], condition=~Q(client_hash=""),
                         name="submission_rate"),
            models.Index(fields=["created_at"], condition=~Q(client_hash=""), name="submission_forget"),
        ]

    def __str__(self) -> str:
        return f"{self.state} via {self.form_id}"
