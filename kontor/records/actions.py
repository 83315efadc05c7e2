"""Writes that every kind of record shares: creation, optimistic locking, tags, watching, trash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Account, Membership, User
from kontor.files import actions as file_actions
from kontor.history import activity
from kontor.history.models import ActivityVerb
from kontor.records import tag_counts as counters
from kontor.records.access import require
from kontor.records.models import Record, RecordTag, Tag, Watch
from kontor.search import index as search_index
from kontor.webhooks import actions as webhooks


class StaleEdit(Exception):
    """The record changed since the editor loaded it; the save was refused."""

    def __init__(self, record: Record) -> None:
        super().__init__(_("Someone else changed this in the meantime."))
        self.record = record


class TagNameError(ValueError):
    pass


def create_record(by: Membership, kind: str, display_name: str, responsible: User | None = None) -> Record:
    """A new Record of the given kind; the creator follows it from the start."""
    return create_records(by, kind, [(display_name, responsible)])[0]


# No savepoint of its own: inside a caller's transaction a failure rolls that back as a whole.
@transaction.atomic(savepoint=False)
def create_records(by: Membership, kind: str, headers: Sequence[tuple[str, User | None]]) -> list[Record]:
    """New Records of one kind, one per (display name, responsible user or None for the creator),
    in two INSERTs whatever their number; the creator follows each from the start. An import of
    10,000 rows and the form's single save go through here alike."""
    now = timezone.now()
    records = Record.objects.bulk_create([
        Record(account=by.account, kind=kind, display_name=name[:300],
               responsible=responsible if responsible is not None else by.user,
               created_by=by.user, updated_by=by.user, created_at=now, updated_at=now)
        for name, responsible in headers], batch_size=500)
    Watch.objects.bulk_create([Watch(record=record, user=by.user, created_at=now) for record in records],
                              batch_size=500, ignore_conflicts=True)
    return records


# "Leave as it is" for optional arguments whose None means "clear it" (e.g. the responsible user).
KEEP: Any = object()


def save_record_header(record: Record, display_name: str, responsible: User | None = KEEP) -> None:
    """Stores what every kind shows of itself in lists and links: its name and, unless KEEP, its
    responsible user (None clears it)."""
    record.display_name = display_name[:300]
    update_fields = ["display_name"]
    if responsible is not KEEP:
        record.responsible = responsible
        update_fields.append("responsible")
    record.save(update_fields=update_fields)


def bump_version(record: Record, by: Membership, expected_version: int | None) -> None:
    """Claims the next version of the record, or raises StaleEdit.

    The compare-and-set is one UPDATE ... WHERE version = expected, so two editors who loaded the
    same version cannot both win, whichever process they run in."""
    records = Record.objects.filter(pk=record.pk)
    if expected_version is not None:
        records = records.filter(version=expected_version)
    now = timezone.now()
    if not records.update(version=F("version") + 1, updated_at=now, updated_by=by.user):
        record.refresh_from_db()
        raise StaleEdit(record)
    record.refresh_from_db(fields=["version", "updated_at", "updated_by"])


def normalize_tag_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TagNameError(_("A tag needs a name."))
    if len(cleaned) > 60:
        raise TagNameError(_("A tag name can have at most 60 characters."))
    return cleaned


def get_or_create_tags(account: Account, names: Iterable[str]) -> list[Tag]:
    """Tags by name (case-insensitive), created on first use."""
    wanted: dict[str, str] = {}
    for name in names:
        cleaned = normalize_tag_name(name)
        wanted.setdefault(cleaned.lower(), cleaned)
    if not wanted:
        return []
    # Compared here, not in SQL: SQLite's LIKE and LOWER fold ASCII letters only, so "ärzte" found
    # "Ärzte" on PostgreSQL and made a second tag on SQLite; and an import's thousands of names in
    # one OR of conditions went past SQLite's expression depth limit. An account has few tags.
    existing = _tags_by_lower_name(account)
    missing = [Tag(account=account, name=name) for lower, name in wanted.items() if lower not in existing]
    if missing:
        # ON CONFLICT DO NOTHING, then read again: a tag of the same name that a colleague or another
        # import (on another worker) creates at the same moment is waited for and used, instead of
        # the unique constraint failing the whole save or import. One INSERT per batch of tags.
        Tag.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
        existing = _tags_by_lower_name(account)
    return [existing[lower] for lower in wanted]


def _tags_by_lower_name(account: Account) -> dict[str, Tag]:
    """The account's tags by their name lower-cased (the oldest, should two differ only in case)."""
    found: dict[str, Tag] = {}
    for tag in Tag.objects.filter(account=account).order_by("pk"):
        found.setdefault(tag.name.lower(), tag)
    return found


@transaction.atomic
def add_tags(record: Record, names: Iterable[str], by: Membership) -> list[Tag]:
    before = activity.tag_names(record)
    tags = get_or_create_tags(record.account, names)
    _attach(record, tags)
    _tags_changed(record, by, before)
    return tags


@transaction.atomic
def remove_tag(record: Record, tag: Tag, by: Membership) -> None:
    before = activity.tag_names(record)
    _detach(record, [tag.pk])
    _tags_changed(record, by, before)


def _tags_changed(record: Record, by: Membership, before: str) -> None:
    """The record was touched by `by`; its activity shows the tags before and after."""
    Record.objects.filter(pk=record.pk).update(updated_at=timezone.now(), updated_by=by.user)
    activity.record_activity(by, ActivityVerb.CHANGED, record,
                             changes=activity.field_diff({"tags": before}, {"tags": activity.tag_names(record)}))


@transaction.atomic
def set_tags(record: Record, names: Iterable[str]) -> None:
    """Replaces the record's tags with exactly these names (the API's `tags` field)."""
    tags = get_or_create_tags(record.account, names)
    wanted = {tag.pk for tag in tags}
    _detach(record, [tag_id for tag_id in RecordTag.objects.filter(record=record).values_list("tag_id", flat=True)
                     if tag_id not in wanted])
    _attach(record, tags)


def tag_new_records(account: Account, tagged: Sequence[tuple[Record, Iterable[str]]]) -> None:
    """Tags records that were just created (so carry no tags yet) with the names given for each,
    in a few queries for any number of records; the counters grow by exactly the taggings made."""
    names = [name for _record, wanted in tagged for name in wanted]
    if not names:
        return
    by_name = {tag.name.lower(): tag for tag in get_or_create_tags(account, names)}
    links: dict[tuple[int, int], RecordTag] = {}
    for record, wanted in tagged:
        for name in wanted:
            tag = by_name[normalize_tag_name(name).lower()]
            links.setdefault((record.pk, tag.pk), RecordTag(record=record, tag=tag))
    RecordTag.objects.bulk_create(list(links.values()), batch_size=500)
    kinds = {record.pk: record.kind for record, _wanted in tagged if record.deleted_at is None}
    counters.adjust_many([(kinds[record_id], tag_id) for record_id, tag_id in links if record_id in kinds], +1)


def _attach(record: Record, tags: Iterable[Tag]) -> None:
    """Tags the record, counting only the taggings that did not exist yet (get_or_create holds
    against a colleague adding the same tag at the same moment: the unique constraint decides)."""
    added = [tag.pk for tag in tags if RecordTag.objects.get_or_create(record=record, tag=tag)[1]]
    counters.adjust(record, added, +1)


def _detach(record: Record, tag_ids: list[int]) -> None:
    removed = [tag_id for tag_id in tag_ids if RecordTag.objects.filter(record=record, tag_id=tag_id).delete()[0]]
    counters.adjust(record, removed, -1)


def recount_tags(account: Account | None = None) -> None:
    """Sets the tag counters from the taggings (nightly, and after bulk writes such as the
    benchmark's generator that go around the tagging actions)."""
    counters.recount(Tag.objects.filter(account=account) if account else Tag.objects.all())


@transaction.atomic
def rename_tag(tag: Tag, new_name: str, by: Membership) -> Tag:
    """Renames a tag; renaming onto another tag's name merges the two."""
    require(by, roles.can_manage_tags)
    cleaned = normalize_tag_name(new_name)
    other = Tag.objects.filter(account=tag.account, name__iexact=cleaned).exclude(pk=tag.pk).first()
    if other:
        return merge_tags([tag], into=other, by=by)
    tag.name = cleaned
    tag.save(update_fields=["name"])
    return tag


@transaction.atomic
def merge_tags(tags: Iterable[Tag], into: Tag, by: Membership) -> Tag:
    require(by, roles.can_manage_tags)
    for tag in tags:
        if tag.pk == into.pk or tag.account_id != into.account_id:
            continue
        record_ids = RecordTag.objects.filter(tag=tag).values_list("record_id", flat=True)
        RecordTag.objects.bulk_create([RecordTag(record_id=rid, tag=into) for rid in record_ids],
                                      ignore_conflicts=True)
        tag.delete()
    counters.recount(Tag.objects.filter(pk=into.pk))
    into.refresh_from_db()
    return into


def delete_tag(tag: Tag, by: Membership) -> None:
    require(by, roles.can_manage_tags)
    tag.delete()


def watch(record: Record, user: User) -> None:
    Watch.objects.get_or_create(record=record, user=user)


def unwatch(record: Record, user: User) -> None:
    Watch.objects.filter(record=record, user=user).delete()


def trash_record(record: Record, by: Membership) -> None:
    """Moves a record to the trash; it can be restored for TRASH_RETENTION_DAYS days."""
    require(by, roles.can_delete_records, _("Your role does not allow deleting records."))
    with transaction.atomic():
        if Record.objects.filter(pk=record.pk, deleted_at__isnull=True).update(
                deleted_at=timezone.now(), deleted_by=by.user, version=F("version") + 1):
            counters.adjust_for_trash(record, -1)
            webhooks.emit(by.account, f"{record.kind}.deleted", record)
    record.refresh_from_db()
    search_index.refresh_record(record)
    activity.record_activity(by, ActivityVerb.DELETED, record)


def restore_record(record: Record, by: Membership) -> None:
    require(by, roles.can_delete_records, _("Your role does not allow restoring records."))
    with transaction.atomic():
        if Record.objects.filter(pk=record.pk, deleted_at__isnull=False).update(
                deleted_at=None, deleted_by=None, merged_into=None, updated_at=timezone.now(), updated_by=by.user,
                version=F("version") + 1):
            counters.adjust_for_trash(record, +1)
    record.refresh_from_db()
    search_index.refresh_record(record)
    activity.record_activity(by, ActivityVerb.RESTORED, record)


def empty_trash(by: Membership) -> int:
    """Deletes every record in the account's trash for good. Admins and the owner only."""
    require(by, roles.can_empty_trash, _("Only administrators can empty the trash."))
    return _purge(Record.objects.filter(account=by.account).in_trash())


def purge_expired_trash(now: dt.datetime | None = None) -> int:
    """Deletes records that have been in the trash longer than the retention period."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.TRASH_RETENTION_DAYS)
    return _purge(Record.objects.in_trash().filter(deleted_at__lt=cutoff))


@transaction.atomic
def delete_records_for_good(record_ids: Iterable[int]) -> int:
    """Removes records at once, without the trash, with everything that hangs off them (an import
    being undone takes back what it created). Tag counters lose exactly the live records' taggings."""
    ids = list(record_ids)
    live = RecordTag.objects.filter(record_id__in=ids, record__deleted_at__isnull=True)
    counters.adjust_many(live.values_list("record__kind", "tag_id"), -1)
    return _purge(Record.objects.filter(pk__in=ids))


@transaction.atomic
def _purge(records: QuerySet[Record]) -> int:
    from kontor.history.models import Entry

    ids = list(records.values_list("pk", flat=True))
    if not ids:
        return 0
    # Entries linked only to purged records go with them; shared ones stay with the others.
    orphan_candidates = list(Entry.objects.filter(links__record_id__in=ids).values_list("pk", flat=True))
    file_actions.forget_files_of_records(ids)
    Record.objects.filter(pk__in=ids).delete()
    Entry.objects.filter(pk__in=orphan_candidates, links__isnull=True).delete()
    # The index forgets the purged records with them (cascade); the shared entries left behind
    # are written anew, pointing at the records they still belong to, and the deleted ones go.
    search_index.index_entries(orphan_candidates)
    return len(ids)
