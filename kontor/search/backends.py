"""How each database finds the documents that match a query. Both look the folded strings up in a
trigram index; everything around the match (account, kind, confidentiality, order, paging) is the
same ORM query for both (see queries.py).

SQLite: the FTS5 tables with the trigram tokenizer (migration 0002); a quoted string in a MATCH
finds it anywhere in a word, like LIKE '%...%' but through the index.
PostgreSQL: LIKE '%...%' on the folded columns, which the pg_trgm GIN indexes serve.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from kontor.search.folding import Clause, Query
from kontor.search.models import RECORD_KINDS, Document, DocumentKind

FTS_TABLES = {"records": "search_fts_records", "texts": "search_fts_texts"}
# The lower 31 bits of an FTS5 rowid are the document id (see migration 0003).
ID_MASK = 2**31 - 1
NEWEST_WINDOW = 10_000
PROBE_LIMIT = 5_000


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_expression(clauses: Sequence[Clause], title_only: bool) -> str:
    column = "folded_title : " if title_only else ""
    alternatives = []
    for clause in clauses:
        terms = ["(" + " OR ".join(column + _fts_string(v) for v in sorted(term)) + ")" for term in clause]
        alternatives.append("(" + " AND ".join(terms) + ")")
    return " OR ".join(alternatives)


def _sqlite_match(query: Query, kinds: Sequence[str], title_only: bool) -> Q:
    expression = _fts_expression(query.clauses, title_only)
    groups = []
    if any(kind in RECORD_KINDS for kind in kinds):
        groups.append(FTS_TABLES["records"])
    if any(kind not in RECORD_KINDS for kind in kinds):
        groups.append(FTS_TABLES["texts"])
    sql = " UNION ALL ".join(f"SELECT rowid & {ID_MASK} FROM {table} WHERE {table} MATCH %s" for table in groups)
    return Q(pk__in=RawSQL(sql, [expression] * len(groups)))


def _sqlite_newest(query: Query, documents: QuerySet[Document], offset: int, limit: int) -> list[int]:
    """Walks the texts' FTS5 table backwards in its date-keyed rowids (migration 0003), joining each
    match to its document, until the page is full: a common word costs about as little as a rare one.

    The walk looks at the newest NEWEST_WINDOW matches only. When they hold too few of the wanted
    documents (a kind or an account that is rare among a word's matches), the set of all matches
    is probed along the (account, kind, date) index instead, which is quick exactly then."""
    where, params = _where_sql(documents)
    table = FTS_TABLES["texts"]
    sql = (f"SELECT d.id FROM (SELECT rowid AS key FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC "
           f"LIMIT {NEWEST_WINDOW}) f JOIN search_document d ON d.id = (f.key & {ID_MASK}) "
           f"WHERE {where} ORDER BY f.key DESC LIMIT %s OFFSET %s")
    expression = _fts_expression(query.clauses, False)
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *params, limit, offset])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) == limit or _match_count(table, expression, NEWEST_WINDOW + 1) <= NEWEST_WINDOW:
        return ids  # a full page, or the window held every match there is
    newest = documents.order_by("-sort_at", "-id")
    if documents.count() <= PROBE_LIMIT:
        # Few candidates: ask the index about each, newest first, by its rowid.
        probe = RawSQL(f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH %s AND rowid = "
                       f"((CAST(strftime('%%s', search_document.sort_at) AS INTEGER) << 31) | search_document.id))",
                       [expression], output_field=BooleanField())
        return list(newest.filter(probe).values_list("pk", flat=True)[offset:offset + limit])
    matches = newest.filter(_sqlite_match(query, [DocumentKind.NOTE], False))
    return list(matches.values_list("pk", flat=True)[offset:offset + limit])


def _match_count(table: str, expression: str, at_most: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH %s LIMIT %s)",
                       [expression, at_most])
        return cursor.fetchone()[0]


def _where_sql(documents: QuerySet[Document]) -> tuple[str, list]:
    """The WHERE clause of a document queryset (account, kinds, visibility) for use in raw SQL on
    the table aliased "d"."""
    compiler = documents.query.get_compiler(using=documents.db)
    where, params = documents.query.where.as_sql(compiler, connection)
    return where.replace('"search_document".', "d."), list(params)


def _postgresql_match(query: Query, title_only: bool) -> Q:
    found = Q(pk__in=[])
    for clause in query.clauses:
        every = Q()
        for term in clause:
            spelled = Q()
            for variant in term:
                spelled |= Q(folded_title__contains=variant)
                if not title_only:
                    spelled |= Q(folded_text__contains=variant)
            every &= spelled
        found |= every
    return found


def matching(query: Query, kinds: Sequence[str], title_only: bool = False) -> Q:
    """Documents (of these kinds) whose folded name, or with title_only=False also their folded
    text, contain every term of one of the query's clauses."""
    if connection.vendor == "sqlite":
        return _sqlite_match(query, kinds, title_only)
    return _postgresql_match(query, title_only)


def newest_texts(query: Query, documents: QuerySet[Document], offset: int, limit: int) -> list[int]:
    """Ids of the matching documents among `documents` (notes, e-mails, tasks), newest first."""
    if connection.vendor == "sqlite":
        return _sqlite_newest(query, documents, offset, limit)
    matches = documents.filter(_postgresql_match(query, False)).order_by("-sort_at", "-id")
    return list(matches.values_list("pk", flat=True)[offset:offset + limit])


# The kinds whose lists sort by the documents' sort_key (migration 0006).
NAMED_KINDS = (DocumentKind.PERSON, DocumentKind.COMPANY)


def names_in_order(account_id: int, kind: str, queries: Sequence[Query], limit: int) -> list[int]:
    """The record ids of the first `limit` live people or companies (`kind`) of the account whose
    name matches every query, in their list's order by name (sort_name, then id): found and sorted
    in the index, without reading a person or record row (migration 0006). Every query needs
    clauses (words of three letters or more)."""
    if connection.vendor == "sqlite":
        table = "search_fts_names"
        expression = " AND ".join(f"({_fts_expression(query.clauses, False)})" for query in queries)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND account = %s AND kind = %s "
                           "ORDER BY sort_key, rowid LIMIT %s", [expression, account_id, str(kind), limit])
            return [row[0] for row in cursor.fetchall()]
    found = Document.objects.filter(account_id=account_id, kind=kind, is_hidden=False)
    for query in queries:
        found = found.filter(_postgresql_match(query, title_only=True))
    return list(found.order_by("sort_key", "record_id").values_list("record_id", flat=True)[:limit])


def name_prefix(prefix: str) -> Q:
    """Documents whose folded name starts with the prefix, through the (account, folded_title)
    index: as a range on SQLite (whose LIKE ignores indexes), as LIKE 'x%' on PostgreSQL."""
    if connection.vendor == "sqlite":
        return Q(folded_title__gte=prefix, folded_title__lt=prefix + "\U0010ffff")
    return Q(folded_title__startswith=prefix)
