"""GET /api/v1/deals/forecast: expected revenue per month as decimal strings."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from kontor.deals import actions as deal_actions
from kontor.deals.models import Deal
from kontor.records.actions import set_tags


def _make(persona, value, stage, target=None, closed_at=None, **fields):
    deal = deal_actions.create_deal(persona.membership, {"name": "Deal", "value": Decimal(value),
                                                         "target_date": target, **fields}, stage=stage)
    if closed_at is not None:
        Deal.objects.filter(pk=deal.pk).update(closed_at=closed_at)
    return deal


def test_one_open_deal_at_75_percent_adds_three_quarters_of_its_value_to_its_month(api, alice):
    _make(alice, "10000", "75", dt.date(2027, 1, 20))
    response = api(alice).get("/deals/forecast", {"from": "2026-12", "to": "2027-02"})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "currency": "EUR", "from": "2026-12", "to": "2027-02",
        "months": [
            {"month": "2026-12", "won": "0.00", "weighted_open": "0.00", "total": "0.00"},
            {"month": "2027-01", "won": "0.00", "weighted_open": "7500.00", "total": "7500.00"},
            {"month": "2027-02", "won": "0.00", "weighted_open": "0.00", "total": "0.00"},
        ],
        "won": "0.00", "weighted_open": "7500.00", "total": "7500.00",
    }


def test_without_a_range_it_covers_six_months_back_to_six_months_ahead(api, alice):
    months = api(alice).get("/deals/forecast").json()["months"]
    this_month = timezone.localdate().strftime("%Y-%m")
    assert len(months) == 13
    assert months[6]["month"] == this_month


def test_won_months_follow_the_time_zone_of_the_keys_user(api, alice):
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    _make(alice, "500", "won", closed_at=dt.datetime(2027, 2, 1, 0, 30, tzinfo=berlin))
    client = api(alice)
    in_berlin = client.get("/deals/forecast", {"from": "2027-01", "to": "2027-02"}).json()["months"]
    assert [m["won"] for m in in_berlin] == ["0.00", "500.00"]
    alice.user.time_zone = "America/New_York"
    alice.user.save()
    in_new_york = client.get("/deals/forecast", {"from": "2027-01", "to": "2027-02"}).json()["months"]
    assert [m["won"] for m in in_new_york] == ["500.00", "0.00"]


def test_the_list_filters_and_the_currency_choose_the_deals(api, alice, bob):
    tagged = _make(alice, "1000", "50", dt.date(2027, 3, 1))
    set_tags(tagged.record, ["Messe"])
    _make(bob, "3000", "50", dt.date(2027, 3, 1))
    _make(alice, "800", "50", dt.date(2027, 3, 1), currency="USD")
    client = api(alice)

    def total(**params):
        response = client.get("/deals/forecast", {"from": "2027-03", "to": "2027-03", **params})
        assert response.status_code == 200, response.json()
        return response.json()["total"]

    assert total() == "2000.00"
    assert total(tag="Messe") == "500.00"
    assert total(tag="Nirgends") == "0.00"
    assert total(responsible_id=bob.user.pk) == "1500.00"
    assert total(state="won") == "0.00"
    assert total(currency="USD") == "400.00"
    assert total(currency="usd") == "400.00"


def test_bad_ranges_and_currencies_answer_422(api, alice):
    client = api(alice)
    for params, loc in [({"from": "2027-13"}, ["query", "from"]), ({"from": "27-01"}, ["query", "from"]),
                        ({"from": "2027-05", "to": "2027-04"}, ["query", "to"]),
                        ({"from": "2020-01", "to": "2025-01"}, ["query", "to"]),
                        ({"currency": "XXX"}, ["query", "currency"])]:
        response = client.get("/deals/forecast", params)
        assert response.status_code == 422, params
        assert loc in [error["loc"] for error in response.json()["detail"]], response.json()


def test_the_forecast_costs_a_fixed_number_of_queries(api, alice, django_assert_max_num_queries):
    for month in range(1, 13):
        _make(alice, "100", "50", dt.date(2027, month, 5))
    client = api(alice)
    client.get("/deals/forecast")
    with django_assert_max_num_queries(4):
        response = client.get("/deals/forecast", {"from": "2027-01", "to": "2027-12", "tag": "x"})
    assert response.status_code == 200
