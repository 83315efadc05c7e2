"""The forecast arithmetic at its edges: which deal counts how much in which month."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from kontor.deals import actions
from kontor.deals.forecast import add_months, default_range, forecast, months_between, parse_month
from kontor.deals.queries import filter_deals
from kontor.records.actions import set_tags

from .conftest import at

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
JAN = dt.date(2027, 1, 1)
DEC = dt.date(2027, 12, 1)


def _forecast(alice, first=JAN, last=DEC, currency="EUR", tz=BERLIN, **filters):
    result = forecast(filter_deals(alice.account, **filters), first, last, currency, tz)
    if not filters:  # the overview without a filter asks a query compiled once: the same sums
        assert forecast(filter_deals(alice.account), first, last, currency, tz,
                        all_of_account=alice.account.pk) == result
    return result


def _month(result, key):
    return next(m for m in result.months if m.key == key)


def test_an_open_deal_counts_its_value_times_its_probability_in_its_target_month(alice, make_deal):
    make_deal(value="10000.00", stage="75", target=dt.date(2027, 3, 15))
    result = _forecast(alice)
    march = _month(result, "2027-03")
    assert march.weighted_open == Decimal("7500.00")
    assert march.won == Decimal("0.00")
    assert march.total == Decimal("7500.00")
    assert result.total == Decimal("7500.00")


def test_every_month_of_the_range_is_there_even_without_deals(alice):
    result = _forecast(alice)
    assert [m.key for m in result.months] == [f"2027-{n:02}" for n in range(1, 13)]
    assert result.is_empty
    assert result.total == Decimal("0.00")


def test_deals_outside_the_range_leave_it_empty(alice, make_deal):
    make_deal(stage="50", target=dt.date(2026, 12, 31))
    make_deal(stage="50", target=dt.date(2028, 1, 1))
    make_deal(stage="won", closed_at=at(2026, 12, 31, 23, 59))
    assert _forecast(alice).is_empty


def test_open_deals_at_zero_percent_count_nothing(alice, make_deal):
    make_deal(stage="0", target=dt.date(2027, 3, 1))
    assert _forecast(alice).is_empty


def test_lost_deals_count_nothing(alice, make_deal):
    make_deal(stage="lost", target=dt.date(2027, 3, 1), closed_at=at(2027, 3, 2))
    assert _forecast(alice).is_empty


def test_a_won_deal_counts_in_full_in_the_month_it_was_won_not_its_target_month(alice, make_deal):
    make_deal(value="4000.00", stage="won", target=dt.date(2027, 6, 30), closed_at=at(2027, 4, 10))
    result = _forecast(alice)
    assert _month(result, "2027-04").won == Decimal("4000.00")
    assert _month(result, "2027-06").total == Decimal("0.00")
    assert result.won == Decimal("4000.00")


def test_won_and_weighted_open_are_kept_apart_in_the_same_month(alice, make_deal):
    make_deal(value="1000.00", stage="won", closed_at=at(2027, 5, 3))
    make_deal(value="2000.00", stage="50", target=dt.date(2027, 5, 20))
    may = _month(_forecast(alice), "2027-05")
    assert (may.won, may.weighted_open, may.total) == (Decimal("1000.00"), Decimal("1000.00"),
                                                       Decimal("2000.00"))


def test_the_month_a_deal_was_won_follows_the_users_time_zone(alice, make_deal):
    # 00:30 on 1 February in Berlin is still 31 January in New York (and in UTC).
    make_deal(value="500.00", stage="won", closed_at=at(2027, 2, 1, 0, 30))
    in_berlin = _forecast(alice, tz=BERLIN)
    in_new_york = _forecast(alice, tz=NEW_YORK)
    assert _month(in_berlin, "2027-02").won == Decimal("500.00")
    assert _month(in_berlin, "2027-01").won == Decimal("0.00")
    assert _month(in_new_york, "2027-01").won == Decimal("500.00")


def test_the_range_starts_and_ends_at_midnight_in_the_users_time_zone(alice, make_deal):
    make_deal(value="100.00", stage="won", closed_at=at(2026, 12, 31, 23, 59))  # before the range
    make_deal(value="200.00", stage="won", closed_at=at(2027, 1, 1, 0, 0))  # its first moment
    make_deal(value="300.00", stage="won", closed_at=at(2027, 12, 31, 23, 59))  # its last minute
    make_deal(value="400.00", stage="won", closed_at=at(2028, 1, 1, 0, 0))  # after it
    result = _forecast(alice)
    assert _month(result, "2027-01").won == Decimal("200.00")
    assert _month(result, "2027-12").won == Decimal("300.00")
    assert result.won == Decimal("500.00")


def test_summer_time_does_not_move_a_deal_into_the_wrong_month(alice, make_deal):
    # 31 October 2027, 23:30 in Berlin (after the clocks went back) is 22:30 UTC: still October.
    make_deal(value="700.00", stage="won", closed_at=at(2027, 10, 31, 23, 30))
    make_deal(value="800.00", stage="won", closed_at=at(2027, 3, 31, 23, 30))  # summer time: still March
    result = _forecast(alice)
    assert _month(result, "2027-10").won == Decimal("700.00")
    assert _month(result, "2027-03").won == Decimal("800.00")


def test_target_dates_on_the_first_and_last_day_belong_to_their_month(alice, make_deal):
    make_deal(value="100.00", stage="50", target=dt.date(2027, 2, 1))
    make_deal(value="300.00", stage="50", target=dt.date(2027, 2, 28))
    make_deal(value="500.00", stage="50", target=dt.date(2027, 3, 1))
    result = _forecast(alice)
    assert _month(result, "2027-02").weighted_open == Decimal("200.00")
    assert _month(result, "2027-03").weighted_open == Decimal("250.00")


def test_open_deals_on_different_days_add_up_in_their_month(alice, make_deal):
    for day, stage in ((3, "25"), (3, "75"), (17, "50"), (30, "75")):
        make_deal(value="100.00", stage=stage, target=dt.date(2027, 6, day))
    make_deal(value="100.00", stage="won", closed_at=at(2027, 6, 9))
    june = _month(_forecast(alice), "2027-06")
    assert (june.won, june.weighted_open) == (Decimal("100.00"), Decimal("225.00"))


def test_a_range_of_one_month_counts_only_that_month(alice, make_deal):
    make_deal(value="100.00", stage="won", closed_at=at(2027, 3, 31, 23, 30))
    make_deal(value="200.00", stage="won", closed_at=at(2027, 4, 1, 0, 30))
    make_deal(value="400.00", stage="50", target=dt.date(2027, 3, 31))
    result = _forecast(alice, first=dt.date(2027, 3, 1), last=dt.date(2027, 3, 1))
    assert [m.key for m in result.months] == ["2027-03"]
    assert (result.won, result.weighted_open) == (Decimal("100.00"), Decimal("200.00"))


def test_a_deal_reopened_after_being_won_counts_again_as_open_in_its_target_month(alice, make_deal):
    deal = make_deal(value="1000.00", stage="50", target=dt.date(2027, 8, 15))
    actions.win_deal(deal, alice.membership)
    actions.change_stage(deal, alice.membership, "75")
    deal.refresh_from_db()
    assert deal.closed_at is None
    result = forecast(filter_deals(alice.account), *default_range(dt.date.today()), "EUR", BERLIN)
    assert all(m.won == 0 for m in result.months)
    august = _month(_forecast(alice), "2027-08")
    assert (august.won, august.weighted_open) == (Decimal("0.00"), Decimal("750.00"))


def test_value_types_count_value_times_count(alice, make_deal):
    make_deal(value="95.00", value_type="hourly", value_count=40, stage="50", target=dt.date(2027, 9, 1))
    make_deal(value="1200.00", value_type="monthly", value_count=12, stage="won", closed_at=at(2027, 9, 2))
    september = _month(_forecast(alice), "2027-09")
    assert september.weighted_open == Decimal("1900.00")
    assert september.won == Decimal("14400.00")


def test_each_currency_has_its_own_forecast(alice, make_deal):
    make_deal(value="1000.00", stage="75", target=dt.date(2027, 4, 1))
    make_deal(value="3000.00", currency="USD", stage="75", target=dt.date(2027, 4, 1))
    make_deal(value="50.00", currency="CHF", stage="won", closed_at=at(2027, 4, 1))
    assert _month(_forecast(alice, currency="EUR"), "2027-04").total == Decimal("750.00")
    assert _month(_forecast(alice, currency="USD"), "2027-04").total == Decimal("2250.00")
    assert _month(_forecast(alice, currency="CHF"), "2027-04").total == Decimal("50.00")
    assert _forecast(alice, currency="GBP").is_empty


def test_cents_are_exact_and_fractions_of_a_cent_round_only_at_the_end(alice, make_deal):
    for _ in range(3):
        make_deal(value="0.10", stage="25", target=dt.date(2027, 7, 1))  # 0.025 each
    make_deal(value="0.10", stage="won", closed_at=at(2027, 7, 1))
    make_deal(value="0.20", stage="won", closed_at=at(2027, 7, 1))
    july = _month(_forecast(alice), "2027-07")
    assert july.won == Decimal("0.30")
    assert july.weighted_open_exact == Decimal("0.075")
    assert july.weighted_open == Decimal("0.08")
    assert july.total == Decimal("0.38")
    assert isinstance(july.total, Decimal)


def test_large_values_stay_exact(alice, make_deal):
    for _ in range(3):
        make_deal(value="999999999.99", stage="won", closed_at=at(2027, 1, 5))
    assert _month(_forecast(alice), "2027-01").won == Decimal("2999999999.97")


def test_the_list_filters_narrow_the_forecast(alice, bob, make_deal):
    make_deal(value="1000.00", stage="50", target=dt.date(2027, 5, 1), by=bob)
    tagged = make_deal(value="3000.00", stage="50", target=dt.date(2027, 5, 1))
    from kontor.records.actions import set_tags

    set_tags(tagged.record, ["Messe"])
    assert _forecast(alice).total == Decimal("2000.00")
    assert _forecast(alice, tags=["Messe"]).total == Decimal("1500.00")
    assert _forecast(alice, responsible_id=bob.user.pk).total == Decimal("500.00")
    assert _forecast(alice, state="won").is_empty


def test_deals_in_the_trash_and_of_other_accounts_do_not_count(alice, oscar, make_deal):
    from kontor.records.actions import trash_record

    trashed = make_deal(value="1000.00", stage="75", target=dt.date(2027, 5, 1))
    trash_record(trashed.record, alice.membership)
    make_deal(value="1000.00", stage="75", target=dt.date(2027, 5, 1), by=oscar)
    assert _forecast(alice).is_empty


def test_the_forecast_is_one_query_whatever_the_number_of_deals(alice, make_deal, django_assert_num_queries):
    for month in range(1, 13):
        make_deal(stage="50", target=dt.date(2027, month, 10))
        make_deal(stage="won", closed_at=at(2027, month, 10))
        set_tags(make_deal(stage="75", target=dt.date(2027, month, 20)).record, ["x"])
    deals = filter_deals(alice.account, tags=["x"])
    with django_assert_num_queries(1):
        forecast(deals, JAN, DEC, "EUR", BERLIN)


def test_month_helpers():
    assert add_months(dt.date(2027, 1, 1), -1) == dt.date(2026, 12, 1)
    assert add_months(dt.date(2027, 11, 1), 14) == dt.date(2029, 1, 1)
    assert months_between(dt.date(2026, 7, 1), dt.date(2027, 7, 1)) == 13
    assert default_range(dt.date(2027, 3, 31)) == (dt.date(2026, 9, 1), dt.date(2027, 9, 1))
    assert parse_month("2027-02") == dt.date(2027, 2, 1)
    for bad in ("", "2027", "2027-13", "x-y", "0-01", None, "2027-02-01"):
        assert parse_month(bad) is None
