"""The forecast's query reads its two indexes alone (deal_state_closed for the won deals,
deal_state_target for the open ones), never the deals table: the chart over tens of thousands of
deals would otherwise look up every deal in range row by row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from .conftest import at, forecast_sql

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="pins SQLite's query plan")


@pytest.fixture
def two_deals(make_deal) -> None:
    make_deal(stage="50", target=dt.date(2027, 3, 15))
    make_deal(stage="won", closed_at=at(2027, 2, 1))


def _plan(alice, **filters) -> list[str]:
    """The steps of the forecast query's plan that read deals."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + forecast_sql(alice, **filters))
        return [row[-1] for row in cursor.fetchall() if "deals_deal" in row[-1]]


@sqlite_only
@pytest.mark.parametrize("filters", [{}, {"state": "won"}, {"order": "name"}])
def test_the_forecast_reads_only_its_covering_indexes(alice, two_deals, filters):
    plan = _plan(alice, **filters)
    assert plan
    assert all("COVERING INDEX deal_state_" in step for step in plan), plan


# sqlite_stat1 of the benchmark's account (bench/): index name (a LIKE pattern) -> statistics.
BENCH_STATISTICS = {
    "sqlite_autoindex_deals_deal_%": "51500 1",
    "deal_state_closed": "51500 12875 4292 3 3 3 3 1 1",
    "deal_state_target": "51500 12875 4292 14 14 9 3 1 1",
    "deal_board_sums": "51500 12875 4292 2146 2146 1 1 1",
    "deal_board_cards": "51500 12875 4292 2146 9 1",
    "deal_currency": "51500 12875 12875",
    "deal_by_%": "51500 12875 20 1",
    "deals_deal_company_id_%": "51500 3",
    "deals_deal_account_id_%": "51500 12875",
}


@sqlite_only
def test_with_many_deals_the_forecast_searches_both_indexes_by_month(alice, two_deals):
    """The statistics of an account with 50,000 deals (as ANALYZE writes them): the won deals are
    found by the range of closed_at, the open ones by the range of target dates."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for index, stat in BENCH_STATISTICS.items():
            cursor.execute("UPDATE sqlite_stat1 SET stat = %s WHERE tbl = 'deals_deal' AND idx LIKE %s",
                           [stat, index])
        cursor.execute("ANALYZE sqlite_schema")
    plan = _plan(alice)
    assert any(step.startswith("SEARCH") and "COVERING INDEX deal_state_closed (account_id=? AND state=? AND "
               "closed_at>? AND closed_at<?)" in step for step in plan), plan
    assert any(step.startswith("SEARCH") and "COVERING INDEX deal_state_target (account_id=? AND state=? AND "
               "target_date>? AND target_date<?)" in step for step in plan), plan
