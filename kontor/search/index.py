"""Keeping the search index right. The actions call these functions after they write something
that is searched (no signals): `index_objects` after a create or change, `remove_objects` after a
delete, `refresh_record` after a record went to the trash or came back.

What gets indexed, and how, is one registry, SOURCES: one entry per model, each saying how to turn
one object into a Document and how to load many of them for `kontor reindex`. Adding a kind to the
search is adding an entry there and calling `index_objects` from its actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.db.models import Prefetch

from kontor.accounts.models import Account
from kontor.contacts.models import Assistant, Company, ContactDetail, Person, Position
from kontor.contacts.validation import normalize_phone
from kontor.deals.models import Deal
from kontor.history.models import Comment, Entry, EntryKind, EntryLink
from kontor.lib.text import first_line, plain_text
from kontor.projects.models import Project
from kontor.records.models import CustomValue, FieldType, Record
from kontor.search.folding import fold
from kontor.search.models import Document, DocumentKind
from kontor.tasks.models import Task

TITLE_LENGTH = 300
BATCH = 1000


@dataclass(frozen=True)
class Source:
    """How one model becomes documents of the index."""

    model: type[models.Model]
    kinds: tuple[str, ...]                         # the document kinds it produces
    document: Callable[[Any], Document]            # one object → its document (not saved)
    loader: Callable[[], models.QuerySet]          # everything `document` reads, prefetched


def _clip(text: str) -> str:
    return text[:TITLE_LENGTH]


def _contact_lines(details: Iterable[ContactDetail]) -> tuple[list[str], list[str]]:
    """Contact details as lines of text, and the phone numbers' digits, which only the folded text
    holds: "0171 234" and "+49 171 234" both search for the digits "0171234"."""
    lines, digits = [], []
    for detail in details:
        lines.append(detail.value)
        if detail.is_phone:
            digits.append(detail.normalized)
    return lines, digits


def _document(account_id: int, kind: str, object_id: int, record_id: int | None, title: str,
              lines: Iterable[str], *, name: str | None = None, extra: Iterable[str] = (),
              confidential: bool = False, is_hidden: bool = False, sort_at: dt.datetime,
              sort_key: str = "") -> Document:
    text = "\n".join(line for line in lines if line)
    folded_text = fold(text)
    extra_text = " ".join(part for part in extra if part)
    if extra_text:
        folded_text = f"{folded_text}\n{extra_text}"
    return Document(account_id=account_id, kind=kind, object_id=object_id, record_id=record_id,
                    title=_clip(title), text=text, folded_title=_clip(fold(name if name is not None else title)),
                    folded_text=folded_text, confidential=confidential, is_hidden=is_hidden,
                    sort_at=sort_at, sort_key=sort_key)


def _custom_lines(record: Record) -> list[str]:
    """The record's text-like custom values (a customer number finds its person); `custom_texts`
    is prefetched by the loaders."""
    return [value.long_text_value or value.text_value or "" for value in getattr(record, "custom_texts", [])]


def _custom_prefetch() -> Prefetch:
    searched = (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.SELECT, FieldType.URL)
    return Prefetch("record__custom_values", CustomValue.objects.filter(field__type__in=searched)
                    .order_by("field__position", "pk"), to_attr="custom_texts")


def _job_lines(person: Person) -> list[str]:
    """The person's current jobs, "Einkaufsleiter, Einkauf" each, so that a job title or a
    department finds the people who hold it. Former jobs are left out: searching "Einkaufsleiter"
    means who buys now. `positions` is prefetched by the loader (and kept by create_people)."""
    return [", ".join(part for part in (position.job_title, position.department) if part)
            for position in person.positions.all() if not position.is_former]


def _person_name(person: Person) -> str:
    """What a person is found by as a name: last name first, then first name and title."""
    return f"{person.last_name} {person.first_name} {person.title}".strip()


def person_document(person: Person) -> Document:
    record = person.record
    details, digits = _contact_lines(record.contact_details.all())
    assistants: list[str] = []
    for assistant in person.assistants.all():
        assistants.append(" ".join(p for p in (assistant.name, assistant.email, assistant.phone) if p))
        if assistant.phone:
            digits.append(normalize_phone(assistant.phone))
    return _document(person.account_id, DocumentKind.PERSON, person.pk, person.pk, person.full_name,
                     [*_job_lines(person), *details, person.background, *assistants, *_custom_lines(record)],
                     name=_person_name(person), extra=digits, is_hidden=record.is_deleted,
                     sort_at=record.created_at, sort_key=person.sort_name)


def company_document(company: Company) -> Document:
    record = company.record
    details, digits = _contact_lines(record.contact_details.all())
    return _document(company.account_id, DocumentKind.COMPANY, company.pk, company.pk, company.name,
                     [*details, company.background, *_custom_lines(record)], extra=digits, is_hidden=record.is_deleted,
                     sort_at=record.created_at, sort_key=company.sort_name)


def deal_document(deal: Deal) -> Document:
    return _document(deal.account_id, DocumentKind.DEAL, deal.pk, deal.pk, deal.name,
                     [deal.description, *_custom_lines(deal.record)],
                     is_hidden=deal.record.is_deleted, sort_at=deal.record.created_at)


def project_document(project: Project) -> Document:
    return _document(project.account_id, DocumentKind.PROJECT, project.pk, project.pk, project.name,
                     [project.description, *_custom_lines(project.record)], is_hidden=project.record.is_deleted,
                     sort_at=project.record.created_at)


def entry_document(entry: Entry) -> Document:
    """A note, call, meeting or e-mail. It links to its first record still alive, and is hidden
    once every record it belongs to is in the trash."""
    return _entry_document(entry, [link.record for link in entry.links.all()])


def _entry_document(entry: Entry, records: Iterable[Record]) -> Document:
    records = sorted(records, key=lambda r: r.pk)
    alive = [r for r in records if not r.is_deleted]
    body = plain_text(entry.body) if entry.kind == EntryKind.EMAIL else entry.body
    title = entry.subject or first_line(body)
    kind = DocumentKind.EMAIL if entry.kind == EntryKind.EMAIL else DocumentKind.NOTE
    record = alive[0] if alive else (records[0] if records else None)
    return _document(entry.account_id, kind, entry.pk, record.pk if record else None, title,
                     [entry.subject, body, *_email_addresses(entry)], name=entry.subject,
                     confidential=entry.confidential, is_hidden=not alive, sort_at=entry.happened_at)


def _email_addresses(entry: Entry) -> list[str]:
    """A filed e-mail's sender and recipients, "Name <address>" each, so that searching for an
    address (or a name) finds the mails exchanged with it."""
    if entry.kind != EntryKind.EMAIL:
        return []
    try:
        email = entry.email  # the reverse one-to-one of mail.EmailMessage
    except ObjectDoesNotExist:
        return []
    people = [[email.from_name, email.from_email], *email.to, *email.cc]
    return [" ".join(part for part in (name, f"<{address}>" if address else "") if part) for name, address in people]


def comment_document(comment: Comment) -> Document:
    """A comment under a history entry or a task: found with what it hangs off, confidential with
    a confidential entry, hidden with it."""
    if comment.entry is not None:
        entry = entry_document(comment.entry)
        record_id, confidential, hidden = entry.record_id, entry.confidential, entry.is_hidden
    else:
        task = comment.task
        record_id, confidential = (task.record_id if task else None), False
        hidden = task is not None and task.record is not None and task.record.is_deleted
    return _document(comment.account_id, DocumentKind.COMMENT, comment.pk, record_id, first_line(comment.body),
                     [comment.body], name="", confidential=confidential, is_hidden=hidden,
                     sort_at=comment.created_at)


def task_document(task: Task) -> Document:
    hidden = task.record is not None and task.record.is_deleted
    return _document(task.account_id, DocumentKind.TASK, task.pk, task.record_id, task.title,
                     [task.description], is_hidden=hidden, sort_at=task.created_at)


def _contact_prefetch() -> Prefetch:
    return Prefetch("record__contact_details", ContactDetail.objects.order_by("position", "pk"))


SOURCES: dict[type[models.Model], Source] = {
    Person: Source(Person, (DocumentKind.PERSON,), person_document,
                   lambda: Person.objects.select_related("record").prefetch_related(
                       _contact_prefetch(), Prefetch("assistants", Assistant.objects.order_by("pk")),
                       Prefetch("positions", Position.objects.order_by("pk")), _custom_prefetch())),
    Company: Source(Company, (DocumentKind.COMPANY,), company_document,
                    lambda: Company.objects.select_related("record").prefetch_related(_contact_prefetch(),
                                                                                      _custom_prefetch())),
    Deal: Source(Deal, (DocumentKind.DEAL,), deal_document,
                 lambda: Deal.objects.select_related("record").prefetch_related(_custom_prefetch())),
    Project: Source(Project, (DocumentKind.PROJECT,), project_document,
                    lambda: Project.objects.select_related("record").prefetch_related(_custom_prefetch())),
    Entry: Source(Entry, (DocumentKind.NOTE, DocumentKind.EMAIL), entry_document,
                  lambda: Entry.objects.select_related("email").prefetch_related(
                      Prefetch("links", EntryLink.objects.select_related("record").only(
                          "entry_id", "record__id", "record__deleted_at")))),
    # Comments on files are found on the file's page, not here (they have no record to point at).
    Comment: Source(Comment, (DocumentKind.COMMENT,), comment_document,
                    lambda: Comment.objects.filter(file__isnull=True).select_related("entry__email", "task__record")
                    .prefetch_related(Prefetch("entry__links", EntryLink.objects.select_related("record")))),
    Task: Source(Task, (DocumentKind.TASK,), task_document,
                 lambda: Task.objects.select_related("record").only(
                     "id", "account_id", "title", "description", "created_at", "record__id",
                     "record__deleted_at")),
}


def _source(model: type[models.Model]) -> Source:
    concrete = model._meta.concrete_model
    assert concrete is not None  # typed optional, but a model class always has one
    return SOURCES[concrete]


def _write(source: Source, ids: list[int], documents: list[Document]) -> None:
    Document.objects.filter(kind__in=source.kinds, object_id__in=ids).delete()
    Document.objects.bulk_create(documents, batch_size=500)


def index_objects(model: type[models.Model], ids: Iterable[int]) -> None:
    """(Re)writes the documents of these objects from what the database holds now. Objects that
    no longer exist lose their documents."""
    source = _source(model)
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        with transaction.atomic():
            _write(source, chunk, [source.document(obj) for obj in source.loader().filter(pk__in=chunk)])


def index(obj: models.Model) -> None:
    """(Re)writes one object's document."""
    index_objects(type(obj), [obj.pk])


def index_record(record: Record) -> None:
    """(Re)writes the document of a person, company, deal or project by its record (after its
    custom values changed)."""
    index_records(record.kind, [record.pk])


def index_records(kind: str, record_ids: Iterable[int]) -> None:
    """(Re)writes the documents of records of one kind (person, company, deal or project)."""
    model = next((source.model for source in SOURCES.values() if kind in source.kinds), None)
    if model is not None:
        index_objects(model, record_ids)


def retitle(obj: Person | Company) -> None:
    """After a change that left a person's or company's searched text as it was (a new name, a
    birthday): only the document's title is written. Rewriting the whole document would read every
    list it holds (contact details, jobs, assistants, custom values) for nothing. A person or
    company without a document yet gets its whole one."""
    if isinstance(obj, Person):
        kind, title, name = DocumentKind.PERSON, obj.full_name, _person_name(obj)
    else:
        kind, title, name = DocumentKind.COMPANY, obj.name, obj.name
    written = Document.objects.filter(kind=kind, object_id=obj.pk).update(
        title=_clip(title), folded_title=_clip(fold(name)), sort_key=obj.sort_name)
    if not written:
        index(obj)


def remove_objects(model: type[models.Model], ids: Iterable[int]) -> None:
    Document.objects.filter(kind__in=_source(model).kinds, object_id__in=list(ids)).delete()


def refresh_record(record: Record) -> None:
    """After a record went to the trash or came back: it, its tasks and the notes it shares are
    hidden or found again (a note stays found while one of its records is alive)."""
    model = next((source.model for source in SOURCES.values() if record.kind in source.kinds), None)
    if model is not None:
        index_objects(model, [record.pk])
    else:
        Document.objects.filter(kind=record.kind, object_id=record.pk).update(is_hidden=record.is_deleted)
    Document.objects.filter(kind=DocumentKind.TASK, record_id=record.pk).update(is_hidden=record.is_deleted)
    index_entries(EntryLink.objects.filter(record=record).values_list("entry_id", flat=True))
    index_objects(Comment, Comment.objects.filter(task__record=record).values_list("pk", flat=True))


def index_entries(ids: Iterable[int]) -> None:
    """(Re)writes entries and the comments under them, which share their record, confidentiality
    and visibility."""
    ids = list(ids)
    index_objects(Entry, ids)
    index_objects(Comment, Comment.objects.filter(entry_id__in=ids).values_list("pk", flat=True))


def index_new_entry(entry: Entry, records: Iterable[Record]) -> None:
    """Writes the document of an entry just created on these records, from the objects the action
    holds (with an e-mail's EmailMessage as `entry.email`). A new entry has no document and no
    comments yet, so this is one INSERT, where `index_entries` reads the entry and its links back,
    deletes and looks for comments: filing mail at speed depends on it."""
    _entry_document(entry, records).save(force_insert=True)


def remove_comments_of(*, entry: Entry | None = None, task: Task | None = None) -> None:
    """Before an entry or a task is deleted: its comments go with it (a cascade the index does not see)."""
    comments = Comment.objects.filter(entry=entry) if entry is not None else Comment.objects.filter(task=task)
    remove_objects(Comment, comments.values_list("pk", flat=True))


def _chunks(queryset: models.QuerySet, size: int) -> Iterator[list[Any]]:
    """The queryset in primary-key order, `size` objects at a time, each chunk with its prefetches."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def reindex(account: Account | None = None, progress: Callable[[str, int], None] | None = None) -> int:
    """Rebuilds the index from scratch (for one account, or all), source by source, in chunks so
    that memory stays flat at a million notes. Returns the number of documents written."""
    documents = Document.objects.all() if account is None else Document.objects.filter(account=account)
    documents.delete()
    written = 0
    for source in SOURCES.values():
        objects = source.loader()
        if account is not None:
            objects = objects.filter(account=account)
        for chunk in _chunks(objects, 2000):
            with transaction.atomic():
                Document.objects.bulk_create([source.document(obj) for obj in chunk], batch_size=500)
            written += len(chunk)
            if progress:
                progress(str(source.model._meta.verbose_name_plural), written)
    return written
