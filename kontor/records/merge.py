"""Merging duplicate records into one, and undoing that: what every kind of record shares.

A merge keeps one record, the survivor, and puts the others in the trash with a pointer to it.
What hangs off the others moves to the survivor, unless the survivor already has the same:

    entries          the links of history entries (an entry on both stays linked to both)
    tasks, files     their record
    followers        each follower of another record follows the survivor too
    tags             the survivor carries the others' tags too
    custom values    a value for a field the survivor has no value of
    contact details  an e-mail address, phone number, ... the survivor does not have
    addresses        an address the survivor does not have

The kind adds its own lists (a person's jobs and assistants, a company's people: see
kontor/contacts/merge.py) through a `MergePart`. Every id that moves is written into the `Merge`
log, so that "Undo merge" (for MERGE_UNDO_DAYS days) moves back exactly what came from each
record and nothing the team added since; the survivor's field values that the merge replaced
are kept there too. A merge writes one activity line and tells the followers of all the records
once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership, User
from kontor.contacts.models import Address, ContactDetail
from kontor.files.models import Attachment
from kontor.history import activity
from kontor.history.models import ActivityVerb, EntryLink
from kontor.lib.prepared import prepared
from kontor.notifications import actions as notifications
from kontor.records import tag_counts as counters
from kontor.records.access import require
from kontor.records.actions import bump_version
from kontor.records.models import CustomValue, Merge, Record, RecordTag, Watch
from kontor.search import index as search_index
from kontor.tasks.models import Task
from kontor.webhooks import actions as webhooks

MERGE_UNDO_DAYS = 30
MAX_MERGED = 10  # records merged into one at a time
Moved = dict[str, list[int]]
ListRow = TypeVar("ListRow", ContactDetail, Address)


class MergePart(Protocol):
    """What one kind of record adds to a merge: its own fields and the lists only it has."""

    kind: str
    fields: tuple[str, ...]

    def values(self, record: Record) -> dict[str, Any]:
        """The record's own field values, JSON-safe (dates as ISO text), by field name."""

    def write_values(self, survivor: Record, values: Mapping[str, Any]) -> None:
        """Gives the survivor these field values (as `values` returns them) and saves it."""

    def move(self, survivor: Record, other: Record) -> Moved:
        """Moves the kind's own lists from `other` to the survivor; returns the ids that moved."""

    def move_back(self, survivor: Record, other: Record, moved: Moved) -> None:
        """Moves what `move` returned back to `other`, as far as it is still on the survivor."""


def require_merge(by: Membership) -> None:
    require(by, roles.can_delete_records, _("Your role does not allow merging records: it moves records to "
                                            "the trash."))


def _check(survivor: Record, others: Sequence[Record], part: MergePart) -> None:
    """Refuses a merge of records that cannot be merged, with a message for the `other_ids` field."""
    if not others:
        raise ValidationError({"other_ids": _("Choose at least one record to merge into this one.")})
    if len(others) > MAX_MERGED:
        raise ValidationError({"other_ids": _("At most %(count)s records can be merged into one at a time.")
                               % {"count": MAX_MERGED}})
    for other in others:
        if other.pk == survivor.pk:
            raise ValidationError({"other_ids": _("A record cannot be merged with itself.")})
        if other.kind != part.kind or other.account_id != survivor.account_id or other.is_deleted:
            raise ValidationError({"other_ids": _("Only records of the same kind can be merged.")})
    if len({other.pk for other in others}) != len(others):
        raise ValidationError({"other_ids": _("Each record can be named only once.")})


def chosen_values(survivor: Record, others: Sequence[Record], keep: Mapping[str, int],
                  part: MergePart) -> dict[str, Any]:
    """The field values the survivor takes from others: {field: value} for each field `keep` names
    with the id of another record ({field: record id}; a field not named keeps its value)."""
    allowed = (*part.fields, "responsible")
    errors = {f"keep.{name}": _("Unknown field.") for name in keep if name not in allowed}
    by_id = {other.pk: other for other in others}
    errors |= {f"keep.{name}": _("Choose one of the records being merged.")
               for name, record_id in keep.items() if name in allowed and record_id not in by_id
               and record_id != survivor.pk}
    if errors:
        raise ValidationError(errors)
    chosen: dict[str, Any] = {}
    for name, record_id in keep.items():
        if record_id == survivor.pk:
            continue
        source = by_id[record_id]
        chosen[name] = source.responsible_id if name == "responsible" else part.values(source)[name]
    return chosen


@transaction.atomic
def merge_records(by: Membership, survivor: Record, others: Sequence[Record], part: MergePart,
                  keep: Mapping[str, int] | None = None, version: int | None = None) -> Merge:
    """Merges `others` into `survivor` (see the module doc). `keep` names, per field, the record
    whose value survives; `version` is the survivor's version the user saw (None: no check)."""
    require_merge(by)
    _check(survivor, others, part)
    chosen = chosen_values(survivor, others, keep or {}, part)
    bump_version(survivor, by, version)
    # Locks the others against a second merge or a delete at the same moment: only records still
    # alive are taken, and a record that another request took first is refused.
    now = timezone.now()
    taken = Record.objects.filter(pk__in=[o.pk for o in others], deleted_at__isnull=True).update(
        deleted_at=now, deleted_by=by.user, merged_into=survivor, version=F("version") + 1)
    if taken != len(others):
        raise ValidationError({"other_ids": _("One of these records was deleted or merged in the meantime.")})
    previous = _write_chosen(survivor, chosen, part)
    moved: dict[str, Moved] = {}
    followers = _follower_ids([survivor, *others])
    for other in others:
        counters.adjust_for_trash(other, -1)
        moved[str(other.pk)] = {**_move_shared(survivor, other), **part.move(survivor, other)}
        other.refresh_from_db()
    merge = Merge.objects.create(account=survivor.account, kind=part.kind, survivor=survivor,
                                 merged_ids=[o.pk for o in others], moved=moved, previous=previous,
                                 merged_by=by.user, created_at=now)
    _reindex(survivor, others, moved)
    names = ", ".join(o.display_name for o in others)
    survivor.refresh_from_db()
    activity.record_activity(by, ActivityVerb.MERGED, survivor, summary=names)
    notifications.notify_merge(by, survivor, names, followers)
    webhooks.emit(by.account, f"{part.kind}.deleted", list(others))
    webhooks.emit(by.account, f"{part.kind}.updated", [survivor])
    return merge


def _write_chosen(survivor: Record, chosen: Mapping[str, Any], part: MergePart) -> dict[str, Any]:
    """Gives the survivor the chosen values; returns the values they replaced, for an undo."""
    if not chosen:
        return {}
    current = {**part.values(survivor), "responsible": survivor.responsible_id}
    previous = {name: current[name] for name in chosen}
    _write_values(survivor, chosen, part)
    return previous


def _write_values(survivor: Record, values: Mapping[str, Any], part: MergePart) -> None:
    own = {name: value for name, value in values.items() if name != "responsible"}
    if "responsible" in values:
        Record.objects.filter(pk=survivor.pk).update(responsible_id=values["responsible"])
        survivor.refresh_from_db(fields=["responsible"])
    if own:
        part.write_values(survivor, own)


def _follower_ids(records: Sequence[Record]) -> set[int]:
    return set(Watch.objects.filter(record__in=records).values_list("user_id", flat=True))


def _move_shared(survivor: Record, other: Record) -> Moved:
    """Moves what every kind has from `other` to the survivor; returns the ids that moved."""
    have_entries = EntryLink.objects.filter(record=survivor).values("entry_id")
    links = EntryLink.objects.filter(record=other).exclude(entry_id__in=have_entries)
    entries = list(links.values_list("entry_id", flat=True))
    EntryLink.objects.filter(record=other, entry_id__in=entries).update(record=survivor)
    tasks = list(Task.objects.filter(record=other).values_list("pk", flat=True))
    Task.objects.filter(pk__in=tasks).update(record=survivor)
    files = list(Attachment.objects.filter(record=other).values_list("pk", flat=True))
    Attachment.objects.filter(pk__in=files).update(record=survivor)
    watching = _follower_ids([survivor])
    followers = sorted(_follower_ids([other]) - watching)
    Watch.objects.bulk_create([Watch(record=survivor, user_id=user_id) for user_id in followers],
                              ignore_conflicts=True)
    have_tags = set(RecordTag.objects.filter(record=survivor).values_list("tag_id", flat=True))
    tags = sorted(set(RecordTag.objects.filter(record=other).values_list("tag_id", flat=True)) - have_tags)
    RecordTag.objects.bulk_create([RecordTag(record=survivor, tag_id=tag_id) for tag_id in tags])
    counters.adjust(survivor, tags, +1)
    have_fields = CustomValue.objects.filter(record=survivor).values("field_id")
    values = list(CustomValue.objects.filter(record=other).exclude(field_id__in=have_fields)
                  .values_list("pk", flat=True))
    CustomValue.objects.filter(pk__in=values).update(record=survivor)
    return {"entries": entries, "tasks": tasks, "files": files, "followers": followers, "tags": tags,
            "custom_values": values, "contact_details": _move_details(survivor, other),
            "addresses": _move_addresses(survivor, other)}


def _move_details(survivor: Record, other: Record) -> list[int]:
    """The other's contact details the survivor lacks (same kind and normalized value count as the
    same), placed after the survivor's own."""
    def key(detail: ContactDetail) -> tuple[str, ...]:
        return detail.kind, detail.normalized or detail.value.strip().lower()

    return _move_missing(ContactDetail, survivor, other, key)


def _move_addresses(survivor: Record, other: Record) -> list[int]:
    """The other's addresses the survivor lacks (the same lines, whatever their case and spacing)."""
    def key(address: Address) -> tuple[str, ...]:
        return tuple(" ".join(line.lower().split()) for line in address.lines)

    return _move_missing(Address, survivor, other, key)


def _move_missing(model: type[ListRow], survivor: Record, other: Record,
                  key: Callable[[ListRow], tuple[str, ...]]) -> list[int]:
    """Moves the other's rows of an ordered list (contact details, addresses) whose `key` the
    survivor has no row of, after the survivor's own rows in their order; returns their ids."""
    rows = model.objects.filter(record=survivor)
    have = {key(row) for row in rows}
    start = (rows.aggregate(last=Max("position"))["last"] or 0) + 1
    moving = []
    for row in model.objects.filter(record=other).order_by("position", "pk"):
        if key(row) not in have:
            have.add(key(row))
            moving.append(row.pk)
    for offset, pk in enumerate(moving):
        model.objects.filter(pk=pk).update(record=survivor, position=start + offset)
    return moving


def _move_shared_back(survivor: Record, other: Record, moved: Moved) -> None:
    """Undoes _move_shared for what is still on the survivor: what the team deleted since stays deleted."""
    EntryLink.objects.filter(record=survivor, entry_id__in=moved.get("entries", [])).update(record=other)
    Task.objects.filter(record=survivor, pk__in=moved.get("tasks", [])).update(record=other)
    Attachment.objects.filter(record=survivor, pk__in=moved.get("files", [])).update(record=other)
    Watch.objects.filter(record=survivor, user_id__in=moved.get("followers", [])).delete()
    tags = list(RecordTag.objects.filter(record=survivor, tag_id__in=moved.get("tags", []))
                .values_list("tag_id", flat=True))
    RecordTag.objects.filter(record=survivor, tag_id__in=tags).delete()
    counters.adjust(survivor, tags, -1)
    CustomValue.objects.filter(record=survivor, pk__in=moved.get("custom_values", [])).update(record=other)
    ContactDetail.objects.filter(record=survivor, pk__in=moved.get("contact_details", [])).update(record=other)
    Address.objects.filter(record=survivor, pk__in=moved.get("addresses", [])).update(record=other)


def _reindex(survivor: Record, others: Sequence[Record], moved: Mapping[str, Moved]) -> None:
    """The search finds the survivor with what it gained, and the others no more (or again)."""
    search_index.index_records(survivor.kind, [survivor.pk])
    for other in others:
        search_index.refresh_record(other)
    search_index.index_entries([pk for part in moved.values() for pk in part.get("entries", [])])
    search_index.index_objects(Task, [pk for part in moved.values() for pk in part.get("tasks", [])])


# -- undo --------------------------------------------------------------------------------------------

def undo_deadline(merge: Merge) -> dt.datetime:
    return merge.created_at + dt.timedelta(days=MERGE_UNDO_DAYS)


def undoable_merge(survivor: Record, now: dt.datetime | None = None) -> Merge | None:
    """The survivor's latest merge that can still be undone, or None (one query)."""
    since = (now or timezone.now()) - dt.timedelta(days=MERGE_UNDO_DAYS)
    found = _latest_merge(survivor.pk, since)
    return found[0] if found else None


@prepared
def _latest_merge(survivor_id: int, since: dt.datetime) -> QuerySet[Merge]:
    return (Merge.objects.filter(survivor_id=survivor_id, undone_at__isnull=True, created_at__gte=since)
            .order_by("-created_at", "-pk")[:1])


@transaction.atomic
def undo_merge(by: Membership, merge: Merge, part: MergePart, now: dt.datetime | None = None) -> list[Record]:
    """Restores the merged records from the trash and moves back exactly what came from each of
    them; the survivor gets back the field values the merge replaced. Returns the restored records."""
    require_merge(by)
    now = now or timezone.now()
    locked = Merge.objects.select_for_update().filter(pk=merge.pk, account=by.account).first()
    if locked is None or locked.undone_at is not None:
        raise ValidationError(_("This merge has already been undone."))
    if now > undo_deadline(locked):
        raise ValidationError(_("A merge can be undone for %(days)s days; this one is final.")
                              % {"days": MERGE_UNDO_DAYS})
    survivor = locked.survivor
    others = list(Record.objects.filter(pk__in=locked.merged_ids, merged_into=survivor, deleted_at__isnull=False))
    if survivor.is_deleted or len(others) != len(locked.merged_ids):
        raise ValidationError(_("This merge cannot be undone any more: a record of it was restored, deleted "
                                "or merged again."))
    bump_version(survivor, by, None)
    for other in others:
        moved = locked.moved.get(str(other.pk), {})
        part.move_back(survivor, other, moved)
        _move_shared_back(survivor, other, moved)
    Record.objects.filter(pk__in=[o.pk for o in others]).update(
        deleted_at=None, deleted_by=None, merged_into=None, updated_at=now, updated_by=by.user,
        version=F("version") + 1)
    for other in others:
        other.refresh_from_db()
        counters.adjust_for_trash(other, +1)
    _write_values(survivor, locked.previous, part)
    locked.undone_at = now
    locked.save(update_fields=["undone_at"])
    _reindex(survivor, others, locked.moved)
    survivor.refresh_from_db()
    activity.record_activity(by, ActivityVerb.MERGE_UNDONE, survivor,
                             summary=", ".join(o.display_name for o in others))
    webhooks.emit(by.account, f"{part.kind}.updated", [survivor])
    return others


def may_merge(membership: Membership) -> bool:
    return roles.can_delete_records(membership.role)


def may_find_duplicates(membership: Membership) -> bool:
    """The duplicates pages are for owners and administrators (a clean-up of the whole account)."""
    return roles.can_manage_team(membership.role)


def require_duplicates(membership: Membership) -> None:
    if not may_find_duplicates(membership):
        raise PermissionDenied(_("Only owners and administrators look for duplicates."))


def responsible_name(user: User | None) -> str:
    return user.name if user else ""
