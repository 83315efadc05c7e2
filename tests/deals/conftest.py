"""Helpers for the deal tests: deals made through the real actions."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kontor.deals import actions
from kontor.deals.forecast import monthly_sums
from kontor.deals.models import Deal
from kontor.deals.queries import filter_deals


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Actions write history lines in the active language; these tests read them in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def make_deal(alice) -> Callable[..., Deal]:
    """make_deal(name, value, stage="25", target=date, closed_at=datetime, by=persona, **fields)."""

    def make(name: str = "Website relaunch", value: str | int = "10000.00", stage: str = "25",
             target: dt.date | None = None, closed_at: dt.datetime | None = None, by: Any = None,
             **fields: Any) -> Deal:
        persona = by or alice
        deal = actions.create_deal(persona.membership, {"name": name, "value": Decimal(str(value)),
                                                        "target_date": target, **fields}, stage=stage)
        if closed_at is not None:
            # The moment of winning or losing, as if it had happened then.
            Deal.objects.filter(pk=deal.pk).update(closed_at=closed_at)
            deal.refresh_from_db()
        return deal

    return make


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0,
       zone: str = "Europe/Berlin") -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))


def today() -> dt.date:
    return timezone.localdate()


def forecast_sql(persona: Any, **filters: Any) -> str:
    """The SQL of the forecast query for 2027 in euros over the persona's deals (filtered as the
    overview filters them), as the database is sent it: for its plan tests."""
    deals = filter_deals(persona.account, **filters)
    with CaptureQueriesContext(connection) as queries:
        rows = monthly_sums(deals, dt.date(2027, 1, 1), dt.date(2027, 12, 1), "EUR", zoneinfo.ZoneInfo("Europe/Berlin"))
    assert rows
    return queries.captured_queries[-1]["sql"]
