"""Single values from imported files: dates, tags, names, salutations, genders, cells as text."""

from __future__ import annotations

import datetime
import re

import pytest

from kontor.transfer.values import (
    ValueProblem,
    cell_text,
    parse_date,
    parse_gender,
    slash_order,
    split_full_name,
    split_salutation,
    split_tags,
    yearless_date,
)

TODAY = datetime.date(2026, 12, 4)
MARCH_17 = datetime.date(1970, 3, 17)


@pytest.mark.parametrize("written", [
    "17.03.1970", "17.3.1970", "17.3.70", "17. 3. 1970", "1970-03-17", "19700317", "1970/03/17", "03/17/1970",
    "17/03/1970", "17.03.1970 00:00", "1970-03-17T00:00:00", "1970-03-17 00:00:00", "17. März 1970",
    "17 Mar 1970", "March 17, 1970", "25644", 25644, 25644.0,
    datetime.date(1970, 3, 17), datetime.datetime(1970, 3, 17, 0, 0),
])
def test_a_date_is_read_in_every_way_offices_write_it(written):
    assert parse_date(written, today=TODAY) == MARCH_17


@pytest.mark.parametrize(("written", "expected"), [
    ("--03-17", (3, 17)), ("--0317", (3, 17)), ("17.03.", (3, 17)), ("17.3", (3, 17)), ("29.02.", (2, 29)),
    ("31.02.", None), ("17.03.1970", None), (25644, None),
])
def test_a_date_without_a_year_is_told_apart(written, expected):
    assert yearless_date(written) == expected


def test_two_digit_years_are_read_as_the_latest_year_not_in_the_future():
    assert parse_date("1.2.05", today=TODAY) == datetime.date(2005, 2, 1)
    assert parse_date("1.2.27", today=TODAY) == datetime.date(1927, 2, 1)


@pytest.mark.parametrize("empty", [None, "", "  ", "0.0.00", "0/0/00", "00.00.0000"])
def test_empty_cells_and_outlooks_no_birthday_give_no_date(empty):
    assert parse_date(empty, today=TODAY) is None


@pytest.mark.parametrize("impossible", ["31.02.1970", "1970-13-01", "32.01.1970", "yesterday", "12.12.1212", -5,
                                        10_000_000, "17.03."])
def test_an_impossible_date_is_a_problem_with_the_value_in_the_message(impossible):
    with pytest.raises(ValueProblem, match="not a valid date"):
        parse_date(impossible, today=TODAY)


def test_a_slashed_date_that_could_be_two_dates_is_refused_unless_its_column_tells():
    with pytest.raises(ValueProblem, match="two different dates"):
        parse_date("03/04/1970", today=TODAY)
    assert parse_date("03/04/1970", order="dmy", today=TODAY) == datetime.date(1970, 4, 3)
    assert parse_date("03/04/1970", order="mdy", today=TODAY) == datetime.date(1970, 3, 4)
    assert parse_date("04/04/1970", today=TODAY) == datetime.date(1970, 4, 4)


def test_the_order_of_a_slashed_column_is_told_by_a_value_with_a_part_above_twelve():
    assert slash_order(["03/04/1970", None, "25/12/1980"]) == "dmy"
    assert slash_order(["03/04/1970", "12/25/1980"]) == "mdy"
    assert slash_order(["03/04/1970", 25644, "1970-03-17"]) is None


def test_whole_numbers_in_cells_read_without_a_decimal_point():
    assert cell_text(1234.0) == "1234"
    assert cell_text(4917112345678.0) == "4917112345678"
    assert cell_text(12.5) == "12.5"
    assert cell_text("  Anna ") == "Anna"
    assert cell_text(datetime.datetime(1970, 3, 17)) == "1970-03-17"
    assert cell_text(None) == ""


def test_tags_are_split_on_commas_semicolons_and_googles_separator_once_each():
    assert split_tags("Kunde, Lead;VIP") == ["Kunde", "Lead", "VIP"]
    assert split_tags("* myContacts ::: Freunde ::: * starred ::: Kunde") == ["Freunde", "Kunde"]
    assert split_tags("Kunde; kunde ;; ") == ["Kunde"]
    assert split_tags("") == []


@pytest.mark.parametrize(("written", "expected"), [
    ("Herr", ("mr", "")), ("Frau", ("ms", "")), ("Mr.", ("mr", "")), ("Mrs", ("ms", "")), ("Ms.", ("ms", "")),
    ("Divers", ("mx", "")), ("Herr Dr.", ("mr", "Dr.")), ("Frau Prof. Dr.", ("ms", "Prof. Dr.")),
    ("Dr.", ("", "Dr.")), ("", ("", "")),
])
def test_a_salutation_is_read_with_any_title_written_into_it(written, expected):
    assert split_salutation(written) == expected


def test_a_salutation_that_is_none_is_a_problem():
    with pytest.raises(ValueProblem, match="not a salutation"):
        split_salutation("Sehr geehrte Damen und Herren")


@pytest.mark.parametrize(("written", "expected"), [
    ("weiblich", "female"), ("Male", "male"), ("w", "female"), ("M", "male"), ("divers", "diverse"),
    ("Unspecified", ""), ("Nicht angegeben", ""), ("", ""),
])
def test_a_gender_is_read_in_german_and_english(written, expected):
    assert parse_gender(written) == expected


def test_an_unknown_gender_is_a_problem():
    with pytest.raises(ValueProblem, match=re.escape("“Katze” is not a gender; use female, male or diverse")):
        parse_gender("Katze")


@pytest.mark.parametrize(("written", "salutation", "title", "first", "last"), [
    ("Anna Müller", "", "", "Anna", "Müller"),
    ("Müller, Anna", "", "", "Anna", "Müller"),
    ("Frau Dr. Anna Müller", "ms", "Dr.", "Anna", "Müller"),
    ("Hans Peter von der Heide", "", "", "Hans Peter", "von der Heide"),
    ("Ludwig van Beethoven", "", "", "Ludwig", "van Beethoven"),
    ("Müller", "", "", "", "Müller"),
])
def test_a_full_name_is_cut_into_its_parts(written, salutation, title, first, last):
    parts = split_full_name(written)
    assert (parts.salutation, parts.title, parts.first_name, parts.last_name) == (salutation, title, first, last)
