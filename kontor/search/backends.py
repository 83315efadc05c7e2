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
from django.db.models import Q
from django.db.models.expressions import RawSQL

from kontor.search.folding import Clause, Query
from kontor.search.models import RECORD_KINDS

FTS_TABLES = {"records": "search_fts_records", "texts": "search_fts_texts"}


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
    sql = " UNION ALL ".join(f"SELECT rowid FROM {table} WHERE {table} MATCH %s" for table in groups)
    return Q(pk__in=RawSQL(sql, [expression] * len(groups)))


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


def name_prefix(prefix: str) -> Q:
    """Documents whose folded name starts with the prefix, through the (account, folded_title)
    index: as a range on SQLite (whose LIKE ignores indexes), as LIKE 'x%' on PostgreSQL."""
    if connection.vendor == "sqlite":
        return Q(folded_title__gte=prefix, folded_title__lt=prefix + "\U0010ffff")
    return Q(folded_title__startswith=prefix)
