"""How many live records of each kind carry each tag.

The people, company, deal and project lists show the account's tags with counts in their side
column on every page view. Counting the taggings of 100,000 records each time costs more than the
rest of the page, so each Tag keeps one counter per kind:

1. The actions that tag, untag, trash or restore a record adjust the counters by exactly the
   change they made (a tagging that already existed, or a record that was already in the trash,
   changes nothing), with F() updates in the same transaction as the change itself.
2. Bulk writers that go around those actions (merging tags, the benchmark's generator) recount the
   tags they touched from the taggings.
3. A nightly job recounts every tag, so a counter can never stay wrong for long.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kontor.lib.prepared import prepared
from kontor.records.models import Kind, Record, RecordTag, Tag


def counter(kind: str) -> str:
    return f"{Kind(kind).value}_count"


def adjust(record: Record, tag_ids: Iterable[int], delta: int) -> None:
    """Counts `delta` more (or fewer) live records of the record's kind for these tags."""
    ids = list(tag_ids)
    if ids and record.deleted_at is None:
        field = counter(record.kind)
        Tag.objects.filter(pk__in=ids).update(**{field: F(field) + delta})


def adjust_many(taggings: Iterable[tuple[str, int]], delta: int) -> None:
    """Counts `delta` more (or fewer) live records per (kind, tag id) pair given, one UPDATE per tag
    and kind touched: the bulk writers' (imports, their undo) variant of adjust()."""
    totals: Counter[tuple[str, int]] = Counter(taggings)
    by_change: dict[tuple[str, int], list[int]] = {}
    for (kind, tag_id), times in totals.items():
        by_change.setdefault((kind, times * delta), []).append(tag_id)
    for (kind, change), tag_ids in by_change.items():
        field = counter(kind)
        Tag.objects.filter(pk__in=tag_ids).update(**{field: F(field) + change})


def adjust_for_trash(record: Record, delta: int) -> None:
    """The record left the trash (+1) or went into it (-1): so did each of its taggings."""
    field = counter(record.kind)
    tag_ids = RecordTag.objects.filter(record=record).values("tag_id")
    Tag.objects.filter(pk__in=tag_ids).update(**{field: F(field) + delta})


def recount(tags: QuerySet[Tag]) -> None:
    """Sets every counter of these tags from the taggings themselves."""
    for kind in Kind.values:
        live = (RecordTag.objects.filter(tag=OuterRef("pk"), record__kind=kind, record__deleted_at__isnull=True)
                .values("tag").annotate(total=Count("pk")).values("total"))
        tags.update(**{counter(kind): Coalesce(Subquery(live), Value(0))})


def _in_use(tags: QuerySet[Tag], kind: str) -> QuerySet[Tag]:
    """The tags on live records of a kind, by name."""
    return tags.filter(**{f"{counter(kind)}__gt": 0}).order_by("name")


def counted(account_tags: QuerySet[Tag], kind: str) -> list[Tag]:
    """The tags in use on live records of a kind, each with .count, by name."""
    return list(_in_use(account_tags, kind).annotate(count=F(counter(kind))))


def counted_names(account_id: int, kind: str) -> list[tuple[str, int]]:
    """(name, count) of the tags in use on live records of a kind, by name: what `counted` gives,
    as plain rows for the lists' side column, which every list page shows."""
    return _COUNTED_NAMES[Kind(kind)](account_id)


def _counted_names_of(kind: str) -> Callable[[int], list[tuple[str, int]]]:
    @prepared
    def names(account_id: int) -> QuerySet[Tag, tuple[str, int]]:
        return _in_use(Tag.objects.filter(account_id=account_id), kind).values_list("name", counter(kind))

    return names


_COUNTED_NAMES = {kind: _counted_names_of(kind) for kind in Kind}


def counted_within(items: QuerySet) -> dict[str, int]:
    """How many of these records (a filtered list: a queryset of a kind's table, whose primary key
    is the record's id) carry each tag, by the tag's name lower-cased. One grouped query over the
    (record, tag) index of the filtered records' taggings, as faceted search counts: the lists'
    side column shows it while a filter is on, the stored counters while none is."""
    rows = (RecordTag.objects.filter(record_id__in=items.order_by().values("pk"))
            .values("tag__name").annotate(total=Count("pk")).values_list("tag__name", "total"))
    return {name.lower(): total for name, total in rows}
