"""The quick ways through the reading layer give the same answers as the careful ones: blank and
odd cells, values that repeat from row to row, long files read in batches, the collector left
as it was found."""

from __future__ import annotations

import datetime
import gc
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from kontor.contacts.actions import DetailData
from kontor.contacts.models import DetailKind
from kontor.contacts.validation import PLAIN_EMAIL, clean_detail
from kontor.transfer.columns import guess_kind, guess_mapping
from kontor.transfer.rows import BATCH_ROWS, ContactRow, rows_from_cards, rows_from_table
from kontor.transfer.tables import Table, collection_paused, read_table
from kontor.transfer.vcard import CardDetail, parse_vcards

from .make_fixtures import xlsx


def rows_of(header: list[str], cells: list[list[object]]) -> list[ContactRow]:
    table = Table(sheet_names=[], sheet="", header=header, header_row=1, rows=cells,  # type: ignore[arg-type]
                  row_numbers=list(range(2, len(cells) + 2)))
    kind = guess_kind(header)
    return list(rows_from_table(table, guess_mapping(header, kind), kind))


def test_blank_text_cells_in_an_xlsx_are_empty_and_a_row_of_them_is_skipped():
    data = xlsx({"Kontakte": [["Vorname", "Nachname", "PLZ"], ["  ", "\u00a0", "\t"], ["Anna", " ", 0],
                              ["", "Müller", None]]})
    table = read_table(data, "kontakte.xlsx")
    assert table.rows == [["Anna", None, 0], [None, "Müller", None]]
    assert table.row_numbers == [3, 4]


def test_a_duration_cell_is_read_as_text():
    data = xlsx({"Kontakte": [["Nachname", "Dauer"], ["Müller", datetime.timedelta(hours=1, minutes=30)]]})
    [[name, duration]] = read_table(data, "kontakte.xlsx").rows
    assert name == "Müller" and isinstance(duration, str) and duration.startswith("1:30")


def test_reading_leaves_the_cycle_collector_as_it_found_it():
    data = xlsx({"Kontakte": [["Vorname", "Nachname"], ["Anna", "Müller"]]})
    assert gc.isenabled()
    rows_of(["Vorname", "Nachname"], read_table(data, "kontakte.xlsx").rows)  # type: ignore[arg-type]
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_wrong_salutation_is_refused_on_every_row_it_appears_on_not_only_the_first():
    rows = rows_of(["Anrede", "Nachname"], [["Quatsch", "Müller"], ["Herr Dr.", "Schmidt"], ["Quatsch", "Weber"],
                                            ["Herr Dr.", "Becker"]])
    assert [row.is_valid for row in rows] == [False, True, False, True]
    assert [(row.fields["salutation"], row.fields["title"]) for row in rows[1::2]] == [("mr", "Dr."), ("mr", "Dr.")]


def test_the_same_tags_on_many_rows_are_each_rows_own_list():
    rows = rows_of(["Nachname", "Kategorien", "Tags"], [["Müller", "Kunde; VIP", "vip, Messe"],
                                                       ["Schmidt", "Kunde; VIP", None]])
    assert rows[0].tags == ["Kunde", "VIP", "Messe"]
    assert rows[1].tags == ["Kunde", "VIP"]
    rows[1].tags.append("geändert")
    assert rows_of(["Nachname", "Kategorien"], [["Weber", "Kunde; VIP"]])[0].tags == ["Kunde", "VIP"]


def test_a_birthday_cell_holding_a_date_in_the_future_is_refused_and_one_in_the_past_kept():
    future = datetime.date.today() + datetime.timedelta(days=1)
    past, refused = rows_of(["Nachname", "Geburtstag"], [["Müller", datetime.date(1970, 3, 17)], ["Schmidt", future]])
    assert past.fields["birthday"] == datetime.date(1970, 3, 17)
    assert not refused.is_valid and "lies in the future" in refused.errors[0][1]


def test_phone_numbers_stored_as_numbers_and_google_lists_in_one_cell_still_become_details():
    [row] = rows_of(["Nachname", "Telefon", "Mobil"], [["Müller", 4989123456, "0171 1 ::: 0172 2"]])
    assert row.details == [DetailData("phone", "+4989123456", "work"), DetailData("mobile", "0171 1", "work"),
                           DetailData("mobile", "0172 2", "work")]


def test_a_long_table_is_read_in_batches_with_its_row_numbers_and_empty_rows_skipped():
    cells: list[list[object]] = [[f"Person {number}"] if number % 7 else [None] for number in range(BATCH_ROWS * 2 + 5)]
    rows = rows_of(["Nachname"], cells)
    expected = [number + 2 for number in range(BATCH_ROWS * 2 + 5) if number % 7]
    assert [row.number for row in rows] == expected
    assert rows[-1].fields["last_name"] == f"Person {BATCH_ROWS * 2 + 4}"


def test_a_table_with_no_mapped_column_gives_no_rows():
    assert rows_of(["Lieblingsfarbe"], [["blau"], ["grün"]]) == []


def test_contact_details_are_checked_the_same_for_kind_names_and_kind_members():
    assert clean_detail(DetailKind.EMAIL, " Anna@Example.com ") == ("Anna@Example.com", "anna@example.com")
    assert clean_detail("mobile", "+49 171 2345678") == clean_detail(DetailKind.MOBILE, "+49 171 2345678")
    assert clean_detail(DetailKind.WEBSITE, "example.com") == ("https://example.com", "https://example.com")


def test_vcard_lines_without_parameters_and_cards_opened_in_lower_case_are_read():
    data = (b"begin:vcard\r\nversion:3.0\r\nitem1.email:anna@example.com\r\nitem1.X-ABLabel:_$!<Home>!$_\r\n"
            b"N:M\xc3\xbcller;Anna;;;\r\nNOTE;CHARSET=Windows-1252:Gr\xfc\xdfe\r\nend:vcard\r\n")
    [card] = parse_vcards(data)
    assert (card.family_name, card.given_name, card.note) == ("Müller", "Anna", "Grüße")
    assert card.emails == [CardDetail("anna@example.com", "email", "private")]


def test_more_cards_than_one_batch_become_rows_in_file_order():
    count = BATCH_ROWS + 3
    data = b"".join(b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Person %d;Anna;;;\r\nEND:VCARD\r\n" % number
                    for number in range(count))
    rows = list(rows_from_cards(parse_vcards(data)))
    assert [row.number for row in rows] == list(range(1, count + 1))
    assert rows[-1].fields["last_name"] == f"Person {count - 1}" and all(row.is_valid for row in rows)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(PLAIN_EMAIL, fullmatch=True).filter(lambda address: len(address) <= 300))
def test_every_address_the_quick_email_check_passes_is_one_djangos_validator_accepts(address: str):
    validate_email(address)  # clean_detail refuses more than 300 characters before it looks
    assert clean_detail("email", address) == (address, address.lower())


def test_addresses_outside_the_quick_check_still_go_through_djangos_validator():
    assert clean_detail("email", "anna@[192.168.0.1]")[0] == "anna@[192.168.0.1]"
    assert clean_detail("email", "anna@müller.de")[0] == "anna@müller.de"
    for wrong in ("anna..b@example.com", "anna@-example.com", "anna@example", "anna@exa_mple.com"):
        with pytest.raises(ValidationError, match=re.escape(f"“{wrong}” is not a valid e-mail address")):
            clean_detail("email", wrong)
