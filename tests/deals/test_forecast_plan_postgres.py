"""PostgreSQL's plan for the forecast's query (the sibling of test_forecast_plan.py, which pins
SQLite's): the won deals are found by a range of closed_at on deal_state_closed, the open ones by a
range of target dates on an index that holds it (deal_state_target, deal_board_cards, which
PostgreSQL chooses on the benchmark's 51,500 deals: 7 ms for a year, or deal_by_target_date), never
by reading all of a state's deals. Sequential scans are switched off inside the test's
transaction, and the deals are ANALYZEd: this proves that such an index plan exists and is the one
chosen on statistics like the benchmark's, not that PostgreSQL would choose it on 150 deals
unprompted."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from .conftest import at, forecast_sql

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="pins PostgreSQL's query plan")

OPEN_DEAL_INDEXES = ("deal_state_target", "deal_board_cards", "deal_by_target_date")


@pytest.fixture
def deals_over_ten_years(make_deal) -> None:
    """150 deals, a third won and two thirds open, their dates spread over ten years, ANALYZEd:
    so that a year is a tenth of them, and PostgreSQL weighs a range of dates against reading all
    of a state's deals as it does on the benchmark's 51,500."""
    for number in range(150):
        year, month = 2020 + number % 10, 1 + number % 12
        if number % 3 == 0:
            make_deal(stage="won", closed_at=at(year, month, 10))
        else:
            make_deal(stage=("25", "50", "75")[number % 3], target=dt.date(year, month, 15))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deals_deal")


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _deal_scans(alice, **filters) -> list[dict[str, Any]]:  # noqa: ANN001 - the persona
    """The index scans of the forecast query's plan that read deals."""
    sql = forecast_sql(alice, **filters)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = on")
    if isinstance(plan, str):
        plan = json.loads(plan)
    nodes = list(_nodes(plan[0]["Plan"]))
    assert not [node for node in nodes if node["Node Type"] == "Seq Scan"], nodes
    return [node for node in nodes if str(node.get("Index Name", "")).startswith("deal")]


def _describe(scans: list[dict[str, Any]]) -> str:
    return " | ".join(f"{node['Node Type']} {node['Index Name']} {node.get('Index Cond', '')}" for node in scans)


def test_the_forecast_searches_its_indexes_by_date_range(alice, deals_over_ten_years):
    for filters in ({}, {"state": "won"}, {"order": "name"}):
        scans = _deal_scans(alice, **filters)
        closed = [node for node in scans if node["Index Name"] == "deal_state_closed"]
        assert len(closed) == 1, (filters, _describe(scans))
        assert "closed_at >=" in closed[0]["Index Cond"] and "closed_at <" in closed[0]["Index Cond"], \
            (filters, _describe(scans))
        if filters.get("state") == "won":
            continue  # only won deals: the open deals' half of the query asks for none
        open_deals = [node for node in scans if node is not closed[0]]
        assert len(open_deals) == 1 and open_deals[0]["Index Name"] in OPEN_DEAL_INDEXES, (filters, _describe(scans))
        assert "target_date >=" in open_deals[0]["Index Cond"], (filters, _describe(scans))
