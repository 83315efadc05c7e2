"""Creating, changing and deleting people and companies. Pages, API, imports and the demo all
write through these functions, each in one transaction."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from kontor.accounts.models import Membership, User
from kontor.contacts.models import (
    Address,
    Assistant,
    Company,
    ContactDetail,
    ImportantDate,
    Person,
    Position,
)
from kontor.contacts.validation import clean_detail
from kontor.files import images, quota
from kontor.history import activity
from kontor.history.models import ActivityVerb
from kontor.records import actions as record_actions
from kontor.records.models import Kind, Record
from kontor.search import index as search_index
from kontor.search.models import Document
from kontor.webhooks import actions as webhooks

PERSON_FIELDS = ("salutation", "title", "first_name", "last_name", "gender", "language", "background",
                 "birthday")
COMPANY_FIELDS = ("name", "background")


@dataclass
class DetailData:
    kind: str
    value: str
    label: str = "work"


@dataclass
class AddressData:
    label: str = "work"
    street: str = ""
    zip: str = ""
    city: str = ""
    state: str = ""
    country: str = ""


@dataclass
class PositionData:
    company: Company
    job_title: str = ""
    department: str = ""
    is_primary: bool = False
    is_former: bool = False


@dataclass
class AssistantData:
    name: str
    email: str = ""
    phone: str = ""


@dataclass
class DateData:
    label: str
    date: dt.date


@dataclass
class Details:
    """The lists that hang off a person or company. None means 'leave as it is'."""

    contact: Sequence[DetailData] | None = None
    addresses: Sequence[AddressData] | None = None
    positions: Sequence[PositionData] | None = None
    assistants: Sequence[AssistantData] | None = None
    dates: Sequence[DateData] | None = None


def _apply_fields(obj: Person | Company, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    for name, value in fields.items():
        setattr(obj, name, "" if value is None and name != "birthday" else value)
    for name in allowed:
        value = getattr(obj, name)
        if isinstance(value, str):
            setattr(obj, name, value.strip())
    obj.refresh_derived()
    obj.full_clean(exclude=["record", "account", "photo"])


def _clean_contact(details: Sequence[DetailData]) -> list[tuple[DetailData, str, str]]:
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, detail in enumerate(details):
        try:
            value, normalized = clean_detail(detail.kind, detail.value)
        except ValidationError as error:
            errors[f"contact_details.{index}"] = error.messages
            continue
        if detail.label not in {"work", "private", "other"}:
            errors[f"contact_details.{index}"] = [_("Unknown label.")]
            continue
        cleaned.append((detail, value, normalized))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _replace_details(record: Record, obj: Person | Company, details: Details) -> None:
    account = record.account
    if details.contact is not None:
        cleaned = _clean_contact(details.contact)
        ContactDetail.objects.filter(record=record).delete()
        ContactDetail.objects.bulk_create([
            ContactDetail(account=account, record=record, kind=d.kind, label=d.label, value=value,
                          normalized=normalized, position=i)
            for i, (d, value, normalized) in enumerate(cleaned)
        ])
    if details.addresses is not None:
        addresses = [Address(account=account, record=record, position=i, **vars(a))
                     for i, a in enumerate(details.addresses) if any(str(v).strip() for v in vars(a).values()
                                                                    if v != a.label)]
        for i, address in enumerate(addresses):
            try:
                address.full_clean(exclude=["record", "account"])
            except ValidationError as error:
                raise ValidationError({f"addresses.{i}": error.messages}) from None
        Address.objects.filter(record=record).delete()
        Address.objects.bulk_create(addresses)
    if isinstance(obj, Person):
        _replace_person_lists(obj, details)


def _details_snapshot(obj: Person | Company, details: Details) -> dict[str, str]:
    """The lists a change replaces, each as one text, for the activity's diff. Lists the change
    leaves as they are cost no query. Read through the models' managers, never a prefetch cache,
    which would still show the lists from before the change."""
    found = {}
    if details.contact is not None:
        found["contact_details"] = activity.listed(ContactDetail.objects.filter(record=obj.record))
    if details.addresses is not None:
        found["addresses"] = activity.listed(Address.objects.filter(record=obj.record))
    if isinstance(obj, Person):
        if details.positions is not None:
            found["positions"] = activity.listed(Position.objects.filter(person=obj).select_related("company"))
        if details.assistants is not None:
            found["assistants"] = activity.listed(Assistant.objects.filter(person=obj))
        if details.dates is not None:
            found["dates"] = activity.listed(ImportantDate.objects.filter(person=obj))
    return found


def _change_snapshot(obj: Person | Company, fields: tuple[str, ...], details: Details,
                     responsible: User | None | bool, tags: Iterable[str] | None) -> dict[str, Any]:
    """What an update changes, before or after it, for the activity's field diff: the fields, and
    the responsible user, tags and lists when the update replaces them."""
    return {**activity.snapshot(obj, fields),
            **activity.record_snapshot(obj.record, responsible=responsible is not False, tags=tags is not None),
            **_details_snapshot(obj, details)}


def _replace_person_lists(person: Person, details: Details) -> None:
    account = person.account
    if details.positions is not None:
        positions = _positions_of(person, details.positions)
        Position.objects.filter(person=person).delete()
        Position.objects.bulk_create(positions)
    if details.assistants is not None:
        assistants = [Assistant(account=account, person=person, name=a.name.strip(), email=a.email.strip(),
                                phone=a.phone.strip()) for a in details.assistants if a.name.strip()]
        for i, assistant in enumerate(assistants):
            try:
                assistant.full_clean(exclude=["person", "account"])
            except ValidationError as error:
                raise ValidationError({f"assistants.{i}": error.messages}) from None
        Assistant.objects.filter(person=person).delete()
        Assistant.objects.bulk_create(assistants)
    if details.dates is not None:
        ImportantDate.objects.filter(person=person).delete()
        ImportantDate.objects.bulk_create([
            ImportantDate(account=account, person=person, label=d.label.strip(), date=d.date)
            for d in details.dates if d.label.strip()])


@dataclass
class NewContact:
    """One person or company to create: its fields (PERSON_FIELDS or COMPANY_FIELDS), its lists,
    tags and responsible user (None: the creator)."""

    fields: dict[str, Any]
    details: Details | None = None
    tags: Iterable[str] = ()
    responsible: User | None = None
    # What prepare_* checked, kept so that creating the item does not check it all again (an
    # import checks 10,000 rows for their verdicts first). Whoever changes the item clears them.
    prepared: Person | Company | None = field(default=None, repr=False, compare=False)
    cleaned_contact: list[tuple[DetailData, str, str]] | None = field(default=None, repr=False, compare=False)

    def forget_checks(self) -> None:
        self.prepared = self.cleaned_contact = None


def prepare_person(account_id: int, item: NewContact) -> Person:
    """The person as it would be saved, checked like every save is (raises ValidationError with
    the same keys as create_person): imports ask this for each row's verdict before they write."""
    person = Person(account_id=account_id)
    _apply_fields(person, item.fields, PERSON_FIELDS)
    item.cleaned_contact = _check_lists(account_id, item.details or Details())
    item.prepared = person
    return person


def prepare_company(account_id: int, item: NewContact) -> Company:
    """The company as it would be saved, checked (see prepare_person)."""
    company = Company(account_id=account_id)
    _apply_fields(company, item.fields, COMPANY_FIELDS)
    item.cleaned_contact = _check_lists(account_id, item.details or Details())
    item.prepared = company
    return company


def _prepared(account_id: int, item: NewContact, model: type[Person] | type[Company]) -> Any:
    """The item's checked object: the one prepare_* made if it is still fresh, else a new check."""
    found = item.prepared
    if isinstance(found, model) and found.account_id == account_id and found.record_id is None:
        _check_lists(account_id, Details(positions=(item.details or Details()).positions))
        return found
    return prepare_person(account_id, item) if model is Person else prepare_company(account_id, item)


ADDRESS_FIELDS = ("label", "street", "zip", "city", "state", "country")


def _check_address(address: AddressData) -> None:
    """The checks Address.full_clean makes (lengths, the label's choices), without building a
    model instance for it: an import checks 10,000 of them."""
    errors: dict[str, list[str]] = {}
    for name in ADDRESS_FIELDS:
        model_field = Address._meta.get_field(name)
        assert isinstance(model_field, models.Field)  # ADDRESS_FIELDS are plain fields, never relations
        try:
            model_field.clean(getattr(address, name), None)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def _check_lists(account_id: int, details: Details) -> list[tuple[DetailData, str, str]]:
    cleaned = _clean_contact(details.contact) if details.contact is not None else []
    if details.addresses is not None:
        for i, address in enumerate(details.addresses):
            try:
                _check_address(address)
            except ValidationError as error:
                raise ValidationError({f"addresses.{i}": error.messages}) from None
    for position in details.positions or ():
        if position.company.account_id != account_id:
            raise ValidationError({"positions": _("Unknown company.")})
    return cleaned


@transaction.atomic
def create_people(by: Membership, items: Sequence[NewContact], *, log_each: bool = True) -> list[Person]:
    """Creates people with their contact details, addresses, jobs, assistants, dates, tags and
    search documents, in a few queries per batch whatever their number (bulk INSERTs). Every
    item is checked first; the first one that fails raises its ValidationError and nothing is
    written. `log_each=False` leaves out the activity line per person: an import writes one line
    for all of them instead."""
    people: list[Person] = [_prepared(by.account_id, item, Person) for item in items]
    records = record_actions.create_records(by, Kind.PERSON, [(p.full_name, item.responsible)
                                                              for p, item in zip(people, items, strict=True)])
    for person, record in zip(people, records, strict=True):
        person.record = record
    Person.objects.bulk_create(people, batch_size=500)
    _create_lists(by, people, items)
    _finish_creation(by, Person, people, items, log_each)
    return people


@transaction.atomic
def create_companies(by: Membership, items: Sequence[NewContact], *, log_each: bool = True) -> list[Company]:
    """Creates companies like create_people creates people."""
    companies: list[Company] = [_prepared(by.account_id, item, Company) for item in items]
    records = record_actions.create_records(by, Kind.COMPANY, [(c.name, item.responsible)
                                                               for c, item in zip(companies, items, strict=True)])
    for company, record in zip(companies, records, strict=True):
        company.record = record
    Company.objects.bulk_create(companies, batch_size=500)
    _create_lists(by, companies, items)
    _finish_creation(by, Company, companies, items, log_each)
    return companies


def _finish_creation(by: Membership, model: type[Person] | type[Company], objects: Sequence[Person | Company],
                     items: Sequence[NewContact], log_each: bool) -> None:
    record_actions.tag_new_records(by.account, [(obj.record, item.tags) for obj, item in zip(objects, items,
                                                                                              strict=True)
                                                if item.tags])
    # Their documents are made by the index's own registry, from the objects in memory (their
    # lists in the prefetch cache): reloading 10,000 new people would only read back what was written.
    # Their jobs (searched by title and department) come in one query for the whole batch.
    if model is Person:
        prefetch_related_objects(objects, Prefetch("positions", Position.objects.order_by("pk")))
    Document.objects.bulk_create([search_index.SOURCES[model].document(obj) for obj in objects], batch_size=500)
    if log_each:
        activity.record_on_each(by, ActivityVerb.CREATED, [obj.record for obj in objects])
        webhooks.emit(by.account, "person.created" if model is Person else "company.created", objects)


def _create_lists(by: Membership, objects: Sequence[Person | Company], items: Sequence[NewContact]) -> None:
    """The lists of new people or companies, one bulk INSERT per kind of list. Each object keeps
    its new contact details and assistants in its prefetch cache, for its search document."""
    account = by.account
    contact: list[ContactDetail] = []
    addresses: list[Address] = []
    positions: list[Position] = []
    assistants: list[Assistant] = []
    dates: list[ImportantDate] = []
    for obj, item in zip(objects, items, strict=True):
        details = item.details or Details()
        record = obj.record
        cleaned = item.cleaned_contact if item.cleaned_contact is not None else _clean_contact(details.contact or ())
        own = [ContactDetail(account=account, record=record, kind=d.kind, label=d.label, value=value,
                             normalized=normalized, position=i) for i, (d, value, normalized) in enumerate(cleaned)]
        contact += own
        _fill_prefetch_cache(record, "contact_details", own)
        kept = [a for a in details.addresses or () if any(str(v).strip() for k, v in vars(a).items() if k != "label")]
        addresses += [Address(account=account, record=record, position=i, **vars(a)) for i, a in enumerate(kept)]
        if isinstance(obj, Person):
            positions += _positions_of(obj, details.positions or ())
            helpers = [Assistant(account=account, person=obj, name=a.name.strip(), email=a.email.strip(),
                                 phone=a.phone.strip()) for a in details.assistants or () if a.name.strip()]
            assistants += helpers
            _fill_prefetch_cache(obj, "assistants", helpers)
            dates += [ImportantDate(account=account, person=obj, label=d.label.strip(), date=d.date)
                      for d in details.dates or () if d.label.strip()]
    for i, assistant in enumerate(assistants):
        try:
            assistant.full_clean(exclude=["person", "account"])
        except ValidationError as error:
            raise ValidationError({f"assistants.{i}": error.messages}) from None
    # An empty list costs no query.
    ContactDetail.objects.bulk_create(contact, batch_size=500)
    Address.objects.bulk_create(addresses, batch_size=500)
    Position.objects.bulk_create(positions, batch_size=500)
    Assistant.objects.bulk_create(assistants, batch_size=500)
    ImportantDate.objects.bulk_create(dates, batch_size=500)


def _fill_prefetch_cache(obj: models.Model, name: str, rows: list[Any]) -> None:
    """Puts the rows just written where prefetch_related would (`obj.<name>.all()` reads them),
    to spare reading them back. Django's cache attribute is private, so django-stubs leaves it out."""
    obj._prefetched_objects_cache = {name: rows}  # type: ignore[attr-defined]  # private to Django


def _positions_of(person: Person, wanted: Sequence[PositionData]) -> list[Position]:
    """A person's jobs as rows: one current job is always the primary one, former jobs never are."""
    positions = []
    for data in wanted:
        if data.company.account_id != person.account_id:
            raise ValidationError({"positions": _("Unknown company.")})
        positions.append(Position(account_id=person.account_id, person=person, company=data.company,
                                  job_title=data.job_title.strip(), department=data.department.strip(),
                                  is_primary=data.is_primary, is_former=data.is_former))
    current = [p for p in positions if not p.is_former]
    if current and not any(p.is_primary for p in current):
        current[0].is_primary = True  # one current job is always the one shown in the head
    seen_primary = False
    for p in positions:
        if p.is_primary and (seen_primary or p.is_former):
            p.is_primary = False
        seen_primary = seen_primary or p.is_primary
    return positions


def create_person(by: Membership, fields: dict[str, Any], details: Details | None = None,
                  tags: Iterable[str] = (), responsible: User | None = None) -> Person:
    return create_people(by, [NewContact(fields, details, tags, responsible)])[0]


@transaction.atomic
def update_person(person: Person, by: Membership, fields: dict[str, Any], version: int | None = None,
                  details: Details | None = None, tags: Iterable[str] | None = None,
                  responsible: User | None | bool = False) -> Person:
    """Saves changes if the person is still at `version` (None skips the check).
    `responsible=False` leaves the responsible user as it is; None clears it."""
    details = details or Details()
    before = _change_snapshot(person, PERSON_FIELDS, details, responsible, tags)
    _apply_fields(person, fields, PERSON_FIELDS)
    record_actions.bump_version(person.record, by, version)
    person.save()
    _update_record_fields(person.record, person.full_name, responsible)
    _replace_details(person.record, person, details)
    if tags is not None:
        record_actions.set_tags(person.record, tags)
    _index_update(person, fields, details)
    activity.record_activity(by, ActivityVerb.CHANGED, person.record,
                             changes=activity.field_diff(before, _change_snapshot(person, PERSON_FIELDS, details,
                                                                                 responsible, tags)))
    webhooks.emit(by.account, "person.updated", person)
    return person


def create_company(by: Membership, fields: dict[str, Any], details: Details | None = None,
                   tags: Iterable[str] = (), responsible: User | None = None) -> Company:
    return create_companies(by, [NewContact(fields, details, tags, responsible)])[0]


@transaction.atomic
def update_company(company: Company, by: Membership, fields: dict[str, Any], version: int | None = None,
                   details: Details | None = None, tags: Iterable[str] | None = None,
                   responsible: User | None | bool = False) -> Company:
    details = details or Details()
    before = _change_snapshot(company, COMPANY_FIELDS, details, responsible, tags)
    _apply_fields(company, fields, COMPANY_FIELDS)
    record_actions.bump_version(company.record, by, version)
    company.save()
    _update_record_fields(company.record, company.name, responsible)
    _replace_details(company.record, company, details)
    if tags is not None:
        record_actions.set_tags(company.record, tags)
    _index_update(company, fields, details)
    activity.record_activity(by, ActivityVerb.CHANGED, company.record,
                             changes=activity.field_diff(before, _change_snapshot(company, COMPANY_FIELDS, details,
                                                                                 responsible, tags)))
    webhooks.emit(by.account, "company.updated", company)
    return company


def _index_update(obj: Person | Company, fields: dict[str, Any], details: Details) -> None:
    """Writes what an update changed into the search index: the whole document when the searched
    text changed (the background, contact details, jobs or assistants), else only its title."""
    lists = (details.contact, details.positions, details.assistants)
    if "background" in fields or any(replaced is not None for replaced in lists):
        search_index.index(obj)
    else:
        search_index.retitle(obj)


@dataclass
class Filled:
    """What fill_empty_fields changed on one record: each filled field's value before and after,
    and the ids of the contact details, addresses and jobs it added (an undo takes these back)."""

    previous: dict[str, list[Any]]
    added: dict[str, list[int]]

    def __bool__(self) -> bool:
        return bool(self.previous or any(self.added.values()))


def json_value(value: Any) -> Any:
    """A field's value as Filled keeps it (JSON): dates as ISO text, everything else as it is."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def fill_empty_fields(by: Membership, obj: Person | Company, item: NewContact) -> Filled:
    """Completes an existing person or company from new data without overwriting anything: fields
    that are empty get the new value; contact details of a kind it has none of, addresses when it
    has none, and a job when the person has none are added. Writes no activity line (an import
    writes one for the whole file); the caller reindexes (see fill_contacts)."""
    allowed = PERSON_FIELDS if isinstance(obj, Person) else COMPANY_FIELDS
    wanted = {name: value for name, value in item.fields.items()
              if name in allowed and not _is_empty(value) and _is_empty(getattr(obj, name))}
    before = {name: getattr(obj, name) for name in wanted}
    if wanted:
        _apply_fields(obj, wanted, allowed)
    previous = {name: [json_value(before[name]), json_value(getattr(obj, name))] for name in wanted}
    details = item.details or Details()
    record = obj.record
    have_kinds = set(ContactDetail.objects.filter(record=record).values_list("kind", flat=True))
    new_details = [d for d in details.contact or () if d.kind not in have_kinds]
    added: dict[str, list[int]] = {"contact_details": [], "addresses": [], "positions": []}
    if new_details:
        start = ContactDetail.objects.filter(record=record).count()
        details_added = [ContactDetail(account_id=obj.account_id, record=record, kind=d.kind, label=d.label,
                                       value=value, normalized=normalized, position=start + i)
                         for i, (d, value, normalized) in enumerate(_clean_contact(new_details))]
        added["contact_details"] = [row.pk for row in ContactDetail.objects.bulk_create(details_added)]
    if details.addresses and not Address.objects.filter(record=record).exists():
        _check_lists(obj.account_id, Details(addresses=details.addresses))
        addresses = [Address(account_id=obj.account_id, record=record, position=i, **vars(a))
                     for i, a in enumerate(details.addresses)]
        added["addresses"] = [row.pk for row in Address.objects.bulk_create(addresses)]
    if isinstance(obj, Person) and details.positions and not Position.objects.filter(person=obj).exists():
        added["positions"] = [row.pk for row in Position.objects.bulk_create(_positions_of(obj, details.positions))]
    filled = Filled(previous, added)
    if filled:
        record_actions.bump_version(record, by, None)
        if wanted:
            obj.save(update_fields=[*wanted, "sort_name"])
            _update_record_fields(record, obj.full_name, False)
    return filled


@transaction.atomic
def fill_contacts(by: Membership, pairs: Sequence[tuple[Person | Company, NewContact]]) -> list[Filled]:
    """fill_empty_fields for many records, reindexing those it changed at the end in bulk."""
    results = [fill_empty_fields(by, obj, item) for obj, item in pairs]
    for model in (Person, Company):
        search_index.index_objects(model, [obj.pk for (obj, _item), filled in zip(pairs, results, strict=True)
                                           if filled and isinstance(obj, model)])
    return results


def _update_record_fields(record: Record, display_name: str, responsible: User | None | bool) -> None:
    # Contacts' callers pass False (never True) for "keep the responsible user", which the shared
    # helper does when it is not given one.
    if isinstance(responsible, bool):
        record_actions.save_record_header(record, display_name)
    else:
        record_actions.save_record_header(record, display_name, responsible)


ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_SIZE = (400, 400)


def set_photo(obj: Person | Company, upload: UploadedFile, by: Membership) -> None:
    """Checks that the upload is a JPEG, PNG or WebP image within the size limits, and stores a
    square-cropped thumbnail of it. Anything else is refused with a message; the old photo stays.
    The pixel count is checked from the header before anything is decoded (decompression bombs)."""
    if upload.size and upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is too large (at most %(mb)s MB).")
                              % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)})
    try:
        upload.seek(0)
        with images.open_image(upload, images.PHOTO_MAX_PIXELS) as image:
            if image.format not in ACCEPTED_IMAGE_FORMATS:
                raise ValidationError(_("Please upload a JPEG, PNG or WebP image."))
            image.load()
            thumbnail = _square_thumbnail(image)
    except images.ImageTooLarge as refused:
        raise ValidationError(_("The photo has too many pixels: at most %(megapixels)s megapixels, "
                                "for example 6000 × 4000.") % {"megapixels": refused.megapixels},
                              code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ValidationError(_("This file is not an image Kontor can read. Please upload a JPEG, PNG or "
                                "WebP image.")) from None
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="WEBP", quality=85)
    quota.check_room(obj.account, buffer.tell())  # a full account takes no new photo either
    old = obj.photo.name if obj.photo else ""
    obj.photo.save(f"{obj.account_id}/{secrets.token_hex(12)}.webp", ContentFile(buffer.getvalue()),
                   save=False)
    with transaction.atomic():
        record_actions.bump_version(obj.record, by, None)
        obj.save(update_fields=["photo"])
    if old:
        obj.photo.storage.delete(old)


def remove_photo(obj: Person | Company, by: Membership) -> None:
    if obj.photo:
        old = obj.photo.name
        with transaction.atomic():
            record_actions.bump_version(obj.record, by, None)
            obj.photo = ""
            obj.save(update_fields=["photo"])
        obj.photo.storage.delete(old)


def _square_thumbnail(image: Image.Image) -> Image.Image:
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image) or image
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    return ImageOps.fit(image, THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
