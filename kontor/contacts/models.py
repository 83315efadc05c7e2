"""People and companies, and the details that hang off them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kontor.accounts.models import Account
from kontor.lib.urls import id_url
from kontor.records.models import Record


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")


class Salutation(models.TextChoices):
    MS = "ms", _("Ms")
    MR = "mr", _("Mr")
    MX = "mx", _("Mx")


def _with_match_name(update_fields: Iterable[str] | None) -> Iterable[str] | None:
    """A save that writes the sort name writes the match name beside it: both come from the name
    (refresh_derived), and callers name only the first."""
    if update_fields is None or "sort_name" not in update_fields:
        return update_fields
    return {*update_fields, "match_name"}


class PersonQuerySet(models.QuerySet["Person"]):
    def alive(self) -> PersonQuerySet:
        return self.filter(record__deleted_at__isnull=True)


def person_name(title: str, first_name: str, last_name: str) -> str:
    """A person's name as every page, list, export and feed writes it: "Dr. Anna Schmidt" (what
    Person.full_name gives, for code that reads the three columns without making a Person)."""
    return " ".join(part for part in (title, first_name, last_name) if part)


class Person(models.Model):
    record = models.OneToOneField(Record, on_delete=models.CASCADE, primary_key=True, related_name="person")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    salutation = models.CharField(_("salutation"), max_length=10, choices=Salutation.choices, blank=True)
    title = models.CharField(_("title"), max_length=60, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True)
    background = models.TextField(_("background"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    # Lower-cased "last first" for sorting by name with an index, case-insensitively.
    sort_name = models.CharField(max_length=210, editable=False, default="")
    # "last first" folded as kontor/contacts/matching.py compares names (umlauts, accents, spaces
    # and hyphens do not count), so that duplicates are found by an index, not by comparing pairs.
    match_name = models.CharField(max_length=210, editable=False, default="")

    objects = PersonQuerySet.as_manager()

    class Meta:
        # The primary key ends the index so that paging by name (ties broken by id) reads the
        # index in order instead of sorting every person of the account.
        indexes = [models.Index(fields=["account", "sort_name", "record"], name="person_by_name_and_id"),
                   models.Index(fields=["account", "match_name"], name="person_by_match_name")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        kwargs["update_fields"] = _with_match_name(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return id_url("people:detail", self.record_id)

    @property
    def full_name(self) -> str:
        return person_name(self.title, self.first_name, self.last_name)

    def refresh_derived(self) -> None:
        from kontor.contacts.matching import person_name_key

        self.sort_name = f"{self.last_name} {self.first_name}".strip().lower()
        self.match_name = person_name_key(self.first_name, self.last_name)


class CompanyQuerySet(models.QuerySet["Company"]):
    def alive(self) -> CompanyQuerySet:
        return self.filter(record__deleted_at__isnull=True)


class Company(models.Model):
    record = models.OneToOneField(Record, on_delete=models.CASCADE, primary_key=True, related_name="company")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    photo = models.ImageField(_("logo"), upload_to="photos/", blank=True)
    sort_name = models.CharField(max_length=200, editable=False, default="")
    # The name folded, without its legal form ("GmbH", "AG", "Ltd"): see kontor/contacts/matching.py.
    match_name = models.CharField(max_length=200, editable=False, default="")

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "companies"
        indexes = [models.Index(fields=["account", "sort_name", "record"], name="company_by_name_and_id"),
                   models.Index(fields=["account", "match_name"], name="company_by_match_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        kwargs["update_fields"] = _with_match_name(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return id_url("companies:detail", self.record_id)

    @property
    def full_name(self) -> str:
        return self.name

    def refresh_derived(self) -> None:
        from kontor.contacts.matching import company_name_key

        self.sort_name = self.name.strip().lower()
        self.match_name = company_name_key(self.name)


class Position(models.Model):
    """A person's job at a company. A person may hold any number, one of them primary."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="positions")
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    is_former = models.BooleanField(_("former"), default=False)

    class Meta:
        ordering = ["-is_primary", "is_former", "pk"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.job_title, str(self.company)) if part)


class DetailKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    MOBILE = "mobile", _("Mobile")
    FAX = "fax", _("Fax")
    WEBSITE = "website", _("Website")
    MESSENGER = "messenger", _("Messenger")


class DetailLabel(models.TextChoices):
    WORK = "work", _("work")
    PRIVATE = "private", _("private")
    OTHER = "other", _("other")


class ContactDetail(models.Model):
    """One e-mail address, phone number, website or messenger handle of a person or company."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="contact_details")
    kind = models.CharField(_("type"), max_length=10, choices=DetailKind.choices)
    label = models.CharField(_("label"), max_length=10, choices=DetailLabel.choices, default=DetailLabel.WORK)
    value = models.CharField(_("value"), max_length=300)
    # E-mails lower-cased, phone numbers as digits only: what lookups and mail filing match on.
    normalized = models.CharField(max_length=300, editable=False, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["account", "kind", "normalized"], name="detail_lookup")]

    def __str__(self) -> str:
        return self.value

    @property
    def is_phone(self) -> bool:
        return self.kind in {DetailKind.PHONE, DetailKind.MOBILE, DetailKind.FAX}


class AddressLabel(models.TextChoices):
    WORK = "work", _("work")
    PRIVATE = "private", _("private")
    INVOICE = "invoice", _("invoice")
    DELIVERY = "delivery", _("delivery")
    OTHER = "other", _("other")


class Address(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=10, choices=AddressLabel.choices,
                             default=AddressLabel.WORK)
    street = models.CharField(_("street"), max_length=200, blank=True)
    zip = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(pgettext_lazy("address", "state"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return ", ".join(self.lines)

    @property
    def lines(self) -> list[str]:
        city_line = " ".join(p for p in (self.zip, self.city) if p)
        return [line for line in (self.street, city_line, self.state, self.country) if line]


class Assistant(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assistants")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ImportantDate(models.Model):
    """Dates worth remembering beside the birthday: anniversaries, name days, contract starts."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="important_dates")
    label = models.CharField(_("occasion"), max_length=100)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.label}: {self.date.isoformat()}"
