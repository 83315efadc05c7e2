"""Reads that every kind of record shares: tags for the tag pages, the list filters and the
autocomplete, the trash."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, F, QuerySet, Value

from kontor.accounts.models import Account
from kontor.lib.prepared import prepared
from kontor.records import tag_counts as counters
from kontor.records.models import Kind, Record, RecordTag, Tag

TRASH_PAGE_SIZE = 100


@prepared
def tag_names_of(ids: list[int]) -> QuerySet[RecordTag, tuple[int, str]]:
    """(record id, tag name) of these records' tags, by name: a page of rows in one query,
    compiled once per page length (kontor/lib/prepared.py). `record__pk__in` asks the same SQL as
    `record_id__in` without checking each id as a possible model instance."""
    return (RecordTag.objects.filter(record__pk__in=ids).order_by("tag__name", "tag_id")
            .values_list("record_id", "tag__name"))


def tag_counts(account: Account, kind: str) -> list[Tag]:
    """The account's tags used on live records of a kind, each with .count, by name."""
    return counters.counted(Tag.objects.filter(account=account), kind)


def tag_usage(account: Account) -> list[Tag]:
    """All the account's tags, each with .count of the live records (of any kind) carrying it."""
    total = sum((F(counters.counter(kind)) for kind in Kind.values), Value(0))
    return list(Tag.objects.filter(account=account).annotate(count=total).order_by("name"))


def suggest_tags(account: Account, text: str, exclude_record: Record | None = None,
                 limit: int = 10) -> list[str]:
    """Tag names for autocomplete: those starting with the text first, then those containing it."""
    tags = Tag.objects.filter(account=account)
    if exclude_record is not None:
        tags = tags.exclude(pk__in=RecordTag.objects.filter(record=exclude_record).values("tag_id"))
    text = " ".join(text.split())
    if not text:
        return list(tags.order_by("name").values_list("name", flat=True)[:limit])
    starting = tags.filter(name__istartswith=text).order_by("name").values_list("name", flat=True)
    containing = (tags.filter(name__icontains=text).exclude(name__istartswith=text).order_by("name")
                  .values_list("name", flat=True))
    first = list(starting[:limit])
    return first + list(containing[:limit - len(first)])


def trash_page(account: Account, before: dt.datetime | None) -> tuple[list[Record], bool]:
    """One page of the account's trash, newest deletion first (keyset on deleted_at, older than
    `before` when given), each record with .purged_on; and whether older ones follow."""
    retention = Value(dt.timedelta(days=settings.TRASH_RETENTION_DAYS))
    records = (Record.objects.filter(account=account).in_trash()
               .annotate(purged_on=ExpressionWrapper(F("deleted_at") + retention, output_field=DateTimeField()))
               .select_related("deleted_by").order_by("-deleted_at", "-pk"))
    if before is not None:
        records = records.filter(deleted_at__lt=before)
    page = list(records[:TRASH_PAGE_SIZE + 1])
    return page[:TRASH_PAGE_SIZE], len(page) > TRASH_PAGE_SIZE


def trash_count(account: Account) -> int:
    return Record.objects.filter(account=account).in_trash().count()
