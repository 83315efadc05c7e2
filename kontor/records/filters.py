"""The list filters of people, companies, deals and projects, written once.

Every list (page, chart, export, API) reads its filters from the query string, so that a filtered
list is a link. What all four kinds share lives here: tags, the words of `q`, the responsible
user, the sort order, the page, and custom fields; each kind's filter class adds its own fields
(`own_fields`) and its queries apply them.

Custom-field filters in the query string (the API uses the same names):

    custom.<key>=v            equals (select: is; repeat it for "is one of"; yes/no: true/false)
    custom.<key>.contains=v   text contains (case-insensitive)
    custom.<key>.gt=v         number greater than, date after
    custom.<key>.lt=v         number less than, date before

Each is one `record_id IN (SELECT record_id FROM customvalue WHERE field_id = ? AND value ...)`
over the (field, value, record) indexes. A key the account does not have filters nothing, so
another account's keys neither match nor reveal anything; a value that does not fit the field's
type (a word for a number) matches nothing, as an unknown tag does.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest

from kontor.accounts.models import Account
from kontor.lib.params import parse_date_param, parse_id
from kontor.lib.prepared import prepared
from kontor.records import tag_counts as counters
from kontor.records.custom_fields import clean_value, fields_of_account_id
from kontor.records.models import CustomField, CustomValue, FieldType, Kind, RecordTag, Tag

# Offset paging stays cheap on the sort indexes up to here; further back, a filter finds faster.
MAX_PAGE = 200
MAX_WORDS = 6
MAX_TAGS = 20
MAX_CUSTOM_FILTERS = 20
CUSTOM_PREFIX = "custom."
CUSTOM_OPERATORS = ("eq", "contains", "gt", "lt")
_COLUMNS: dict[str, str] = {FieldType.NUMBER: "number_value", FieldType.DATE: "date_value",
                            FieldType.BOOLEAN: "bool_value", FieldType.LONG_TEXT: "long_text_value"}

Items = TypeVar("Items", bound=QuerySet)


# -- reading the query string -------------------------------------------------------------------------

def getlist(query: Mapping, key: str) -> list[Any]:
    """All values of a key, from a QueryDict or a plain dict."""
    if hasattr(query, "getlist"):
        return list(query.getlist(key))
    return [query[key]] if key in query else []


def date_range(first: object, last: object) -> tuple[dt.date | None, dt.date | None]:
    """Two dates from the query string, in order (a range typed backwards is turned round)."""
    start, end = parse_date_param(first), parse_date_param(last)
    if start and end and end < start:
        return end, start
    return start, end


def one_line(value: object, limit: int = 200) -> str:
    # No NUL characters: no text column holds them, and PostgreSQL refuses a query that has one.
    return " ".join(str(value or "").replace("\x00", " ").split())[:limit]


def tag_names(query: Mapping) -> list[str]:
    return list(dict.fromkeys(one_line(t, 100) for t in getlist(query, "tag") if one_line(t)))[:MAX_TAGS]


@dataclass(frozen=True)
class CustomFilter:
    """One condition on a custom field, as the query string gave it (not yet checked)."""

    key: str
    operator: str  # one of CUSTOM_OPERATORS
    values: tuple[str, ...]

    @property
    def param(self) -> str:
        return CUSTOM_PREFIX + self.key + ("" if self.operator == "eq" else f".{self.operator}")


def custom_filters(query: Mapping) -> list[CustomFilter]:
    """The `custom.<key>[.op]` conditions of a query string; blank values are left out (an empty
    input of the side column means no condition)."""
    found: list[CustomFilter] = []
    for param in list(query.keys()):
        if not str(param).startswith(CUSTOM_PREFIX):
            continue
        key, _dot, operator = str(param)[len(CUSTOM_PREFIX):].partition(".")
        operator = operator or "eq"
        values = tuple(dict.fromkeys(one_line(v, 255) for v in getlist(query, param) if str(v).strip()))
        if key and operator in CUSTOM_OPERATORS and values and len(found) < MAX_CUSTOM_FILTERS:
            found.append(CustomFilter(key[:60], operator, values[:50]))
    return found


# -- the filters shared by the four kinds ---------------------------------------------------------------

@dataclass
class RecordFilters:
    """What every list filters and sorts by; a kind's subclass adds its own fields and says its
    sort orders. Read leniently: what does not parse is left out, never an error."""

    ORDERS: ClassVar[tuple[str, ...]] = ("name", "-updated_at")
    DEFAULT_ORDER: ClassVar[str] = "name"

    tags: list[str] = field(default_factory=list)
    q: str = ""
    responsible_id: int | None = None
    order: str = ""
    page: int = 1
    custom: list[CustomFilter] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.order not in self.ORDERS:
            self.order = self.DEFAULT_ORDER

    @classmethod
    def from_query(cls, query: Mapping, current_user_id: int | None = None) -> Self:
        responsible = query.get("responsible", "")
        order = str(query.get("order") or "")
        return cls(
            tags=tag_names(query),
            q=one_line(query.get("q", "")),
            responsible_id=current_user_id if responsible == "me" else parse_id(responsible),
            order=order,
            page=min(parse_id(query.get("page")) or 1, MAX_PAGE),
            custom=custom_filters(query),
            **cls.own_fields(query),
        )

    @classmethod
    def own_fields(cls, query: Mapping) -> dict[str, Any]:
        """The kind's own filters, read from the query string."""
        return {}

    @property
    def is_filtered(self) -> bool:
        return bool(self.tags or self.q or self.responsible_id or self.custom or self.has_own_filters)

    @property
    def has_own_filters(self) -> bool:
        return False


def tag_filter(account: Account, kind: str, selected: list[str]) -> list[dict[str, Any]]:
    """The side column's tags with counts, ticked where selected; a selected tag that no record
    carries (any more) still shows, so that it can be unticked."""
    chosen = {name.lower() for name in selected}
    tags = [{"name": name, "count": count, "checked": name.lower() in chosen}
            for name, count in counters.counted_names(account.pk, kind)]
    known = {str(tag["name"]).lower() for tag in tags}
    return tags + [{"name": name, "count": 0, "checked": True} for name in selected if name.lower() not in known]


# -- applying them ---------------------------------------------------------------------------------------

def _tag_set(tags: Iterable[str]) -> set[str]:
    return {" ".join(name.split()).lower() for name in tags if name and name.strip()}


# Up to this many records of a kind carrying a tag, a tag filter reads that tag's taggings and sorts
# what it found; above it, the list walks its sort index and asks each record whether it carries
# the tags. Where the two cost the same: reading n taggings against probing 50 x total / n records.
RARE_TAG = 2000


def _tag_counts_of(kind: str) -> Callable[[int, list[str]], list[tuple[int, int]]]:
    """(id, count of live records of the kind) of the account's tags with these names (lower-case)."""

    @prepared
    def tag_counts(account_id: int, names: list[str]) -> QuerySet[Tag, tuple[int, int]]:
        return (Tag.objects.annotate(lower_name=Lower("name")).filter(account_id=account_id, lower_name__in=names)
                .values_list("pk", counters.counter(kind)))

    return tag_counts


_TAG_COUNTS = {kind: _tag_counts_of(kind) for kind in Kind}


def filter_by_tags(items: Items, account: Account, kind: str, tags: Sequence[str]) -> Items:
    """The items carrying every one of the named tags (case-insensitive; an unknown name matches
    nothing). The plan follows the tags' stored counts (kontor/records/tag_counts.py), as a
    database with statistics would choose it:

    - the rarest tag on at most RARE_TAG records of the kind: `record_id IN (its taggings)`, read
      on the (tag, record) index, sorted afterwards;
    - otherwise, and for every further tag: `EXISTS (that tagging)`, one (tag, record) probe per
      record as the list walks its sort index. A tag on 29 % of 100,000 people shows its first 50
      after about 170 probes, where reading its 29,000 taggings took 90 ms."""
    plan = tag_plan(account, kind, tags)
    return items.none() if plan is None else with_tag_plan(items, *plan)


def tag_plan(account: Account, kind: str, tags: Sequence[str]) -> tuple[int | None, list[int]] | None:
    """How filter_by_tags filters by these tags: the id of the rarest tag if it is read by its
    taggings, and the ids of the tags probed per record; None if a name is no tag of the kind."""
    names = _tag_set(tags)
    if not names:
        return None, []  # only blanks: no tag to filter by
    found = _TAG_COUNTS[Kind(kind)](account.pk, sorted(names))
    if len(found) < len(names):
        return None
    found.sort(key=lambda row: row[1])
    (rarest, rarest_count), *others = found
    if rarest_count <= RARE_TAG:
        return rarest, [tag_id for tag_id, _count in others]
    return None, [tag_id for tag_id, _count in found]


def with_tag_plan(items: Items, rarest: int | None, probed: list[int]) -> Items:
    """The items filtered as tag_plan says (ids only: a prepared query may build it from stand-ins)."""
    if rarest is not None:
        items = items.filter(record_id__in=RecordTag.objects.filter(tag_id=rarest).values("record_id"))
    for tag_id in probed:
        items = items.filter(Exists(RecordTag.objects.filter(tag_id=tag_id, record_id=OuterRef("record_id"))))
    return items


class EqualsAny(Func):
    """`column = ANY(array)` (PostgreSQL): unlike `column IN (subquery)`, the array is worked out
    once before the query, so the planner cannot choose to probe the subquery row by row."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def name_contains(account: Account, kind: str, word: str, *plain: str) -> Q:
    """The records of a kind whose name contains `word`, as a list's "Name contains" filter means it:
    as typed in any of the `plain` columns (case-insensitive), or folded as the quick search folds
    it, so that "mueller" finds "Müller", "muller" finds "Mueller" and "weiss" finds "Weiß". The
    match looks the name up in the search index's trigram table (title only), so it costs an
    indexed lookup rather than a scan of every name; words shorter than three letters, which that
    index cannot look up, match as typed in the `plain` columns."""
    from kontor.search.backends import matching
    from kontor.search.folding import Query
    from kontor.search.models import Document

    query = Query(word)
    if not query.clauses:
        typed = Q()
        for column in plain:
            typed |= Q(**{f"{column}__icontains": word})
        return typed
    # The index holds every name folded, so what matches as typed matches folded too: asking only
    # the index keeps the database from reading every name of the kind.
    folded = Document.objects.filter(matching(query, [kind], title_only=True), account=account, kind=kind)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        # `= ANY(ARRAY(...))`, not `IN (...)`: the matches are found first (on search_title_trgm)
        # and sorted, as on SQLite. Given IN, PostgreSQL guessed that walking the name index
        # would meet 50 matches early, and for a name like Schmidt, which sorts late, it read
        # 62,000 people and as many documents (160 ms instead of 13 ms at 100,000 people).
        return Q(EqualsAny(F("record_id"), ArraySubquery(folded.values("record_id"))))
    return Q(record_id__in=folded.values("record_id"))


def linked_name_contains(account: Account, kind: str, word: str) -> Q:
    """Deals and projects whose own name or whose company's name contains the word (folded)."""
    from kontor.contacts.models import Company

    companies = Company.objects.filter(name_contains(account, Kind.COMPANY, word, "name"), account=account)
    return name_contains(account, kind, word, "name") | Q(company_id__in=companies.values("record_id"))


def _condition(definition: CustomField, condition: CustomFilter) -> Q | None:
    """The lookup on CustomValue for one condition; None when a value does not fit the type."""
    kind = definition.type
    column = _COLUMNS.get(kind, "text_value")
    if condition.operator == "contains":
        if kind in (FieldType.NUMBER, FieldType.DATE, FieldType.BOOLEAN):
            return None
        return Q(**{f"{column}__icontains": condition.values[0]})
    try:
        values = [clean_value(definition, value) for value in condition.values]
    except ValidationError:
        return None
    if condition.operator in ("gt", "lt"):
        if kind not in (FieldType.NUMBER, FieldType.DATE):
            return None
        return Q(**{f"{column}__{condition.operator}": values[0]})
    if kind in (FieldType.TEXT, FieldType.URL, FieldType.LONG_TEXT):
        # Equals ignores case, as the quick search does: "k-4711" finds "K-4711".
        return Q(**{f"{column}__iexact": values[0]})
    if len(values) > 1:
        return Q(**{f"{column}__in": values})
    return Q(**{column: values[0]})


def filter_by_custom_fields(items: Items, account: Account, kind: str,
                            conditions: Sequence[CustomFilter]) -> Items:
    """Records whose custom values meet every condition (see the module docstring)."""
    if not conditions:
        return items
    fields = {f.key: f for f in CustomField.objects.filter(account=account, kind=kind,
                                                           key__in=[c.key for c in conditions])}
    for condition in conditions:
        definition = fields.get(condition.key)
        if definition is None:
            continue
        lookup = _condition(definition, condition)
        if lookup is None:
            return items.none()
        matching = CustomValue.objects.filter(lookup, field=definition).values("record_id")
        items = items.filter(record_id__in=matching)
    return items


def filter_records(items: Items, account: Account, kind: str, *, tags: Sequence[str] = (),
                   responsible_id: int | None = None,
                   custom: Sequence[CustomFilter] = ()) -> Items:
    """The filters every kind shares, on a queryset of the kind's table (whose primary key is
    `record_id`): all tags, the responsible user, the custom-field conditions."""
    if responsible_id is not None:
        items = items.filter(record__responsible_id=responsible_id)
    items = filter_by_tags(items, account, kind, tags)
    return filter_by_custom_fields(items, account, kind, custom)


# -- the side column ----------------------------------------------------------------------------------------

def custom_filter_fields(account: Account, kind: str, chosen: Sequence[CustomFilter]) -> list[dict[str, Any]]:
    """The custom fields offered in a list's side column, each with the values now chosen by
    operator ({"eq": [...], "contains": "...", "gt": "...", "lt": "..."})."""
    by_key: dict[str, dict[str, Any]] = {}
    for condition in chosen:
        entry = by_key.setdefault(condition.key, {})
        entry[condition.operator] = list(condition.values) if condition.operator == "eq" else condition.values[0]
    rows = []
    for definition in fields_of_account_id(account.pk, kind):
        current = by_key.get(definition.key, {})
        rows.append({"field": definition, "param": CUSTOM_PREFIX + definition.key, "current": current,
                     "eq": (current.get("eq") or [""])[0], "is_active": bool(current)})
    return rows


def chosen_column(account: Account, kind: str, query: Mapping) -> CustomField | None:
    """The custom field a list shows as a column (`column=<key>` in the query string), if any."""
    key = one_line(query.get("column", ""), 60)
    if not key:
        return None
    return CustomField.objects.filter(account=account, kind=kind, key=key).first()


# -- links that change the filters ------------------------------------------------------------------

def query_with_tag(request: HttpRequest, name: str) -> str:
    """The current query string with one more tag filter (and back on the first page)."""
    query = request.GET.copy()
    tags = query.getlist("tag")
    if name.lower() not in {tag.lower() for tag in tags}:
        query.setlist("tag", [*tags, name])
    query.pop("page", None)
    return query.urlencode()


def tag_link(request: HttpRequest | None, name: str) -> str:
    """A list row's tag as a link that adds it to the list's filters (escaped HTML). A page shows the
    same few tags on many rows, so each is made once per request."""
    if request is None:
        return f'<a class="tag" href="?">{html.escape(name)}</a>'
    links: dict[str, str] = request.__dict__.setdefault("_kontor_tag_links", {})
    link = links.get(name)
    if link is None:
        query = html.escape(query_with_tag(request, name))
        link = links[name] = f'<a class="tag" href="?{query}">{html.escape(name)}</a>'
    return link
