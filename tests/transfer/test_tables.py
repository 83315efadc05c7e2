"""Reading spreadsheets and CSV/TXT files into a table: formats, encodings, headers, refusals."""

from __future__ import annotations

import datetime
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.transfer.tables import UnreadableFile, detect_format, read_table

from .make_fixtures import encrypted_office_file, lying_zip, ods, xls, xlsx, zip_bomb

PEOPLE: list[list[object]] = [["Vorname", "Nachname", "PLZ", "Telefon"], ["Anna", "Müller", 1234, 4989123456]]


def test_an_xlsx_is_read_with_its_header_row_numbers_and_typed_cells():
    data = xlsx({"Kontakte": [["Vorname", "Nachname", "Geburtstag", "PLZ"],
                              ["Anna", "Müller", datetime.date(1970, 3, 17), 80331],
                              ["Bernd", "Schmidt", None, 1234.0]]})
    table = read_table(data, "kontakte.xlsx")
    assert (table.sheet_names, table.sheet, table.header_row) == (["Kontakte"], "Kontakte", 1)
    assert table.header == ["Vorname", "Nachname", "Geburtstag", "PLZ"]
    assert table.rows[0][:2] == ["Anna", "Müller"]
    assert table.rows[0][2] in (datetime.date(1970, 3, 17), datetime.datetime(1970, 3, 17))
    assert table.rows[1][3] == 1234
    assert table.row_numbers == [2, 3]
    assert (table.encoding, table.delimiter) == ("", "")


def test_leading_empty_rows_a_merged_title_and_empty_rows_between_are_skipped_with_numbers_kept():
    data = xlsx({"Liste": [[], [], ["Kundenliste 2026"], [],
                           ["Vorname", "Nachname", "E-Mail", None],
                           ["Anna", "Müller", "anna@example.com", "anna@privat.de"],
                           [], [None, None],
                           ["Bernd", "Schmidt"]]},
                merged=["A3:D3", "C5:D5"])
    table = read_table(data, "liste.xlsx")
    assert table.header_row == 5
    assert table.header == ["Vorname", "Nachname", "E-Mail", "E-Mail"]  # the merged header covers both columns
    assert table.rows == [["Anna", "Müller", "anna@example.com", "anna@privat.de"], ["Bernd", "Schmidt", None, None]]
    assert table.row_numbers == [6, 9]


def test_the_first_visible_sheet_is_read_unless_another_is_chosen():
    data = xlsx({"Versteckt": [["x", "y"]], "Personen": PEOPLE, "Firmen": [["Firma"], ["ACME"]]},
                hidden=["Versteckt"])
    assert read_table(data, "a.xlsx").sheet == "Personen"
    table = read_table(data, "a.xlsx", sheet="Firmen")
    assert (table.sheet_names, table.header, table.rows) == (["Versteckt", "Personen", "Firmen"], ["Firma"], [["ACME"]])


def test_a_missing_sheet_is_refused_with_its_name():
    with pytest.raises(UnreadableFile, match="no sheet named “Gibt es nicht”"):
        read_table(xlsx({"Personen": PEOPLE}), "a.xlsx", sheet="Gibt es nicht")


def test_formulas_come_with_their_saved_value_and_unsaved_ones_stay_empty():
    data = xlsx({"Blatt": [["Nachname", "Summe"], ["Müller", "=1+1"]]})
    table = read_table(data, "a.xlsx")
    # openpyxl saves no computed value; Excel would, and calamine reads that value.
    assert table.rows == [["Müller", None]]


def test_an_ods_is_read_like_an_xlsx():
    data = ods({"Blatt 1": [["Vorname", "Nachname", "Geburtstag", "PLZ"],
                            ["Anna", "Müller", datetime.date(1970, 3, 17), 80331]]})
    assert detect_format(data, "kontakte.ods") == "ods"
    table = read_table(data, "kontakte.ods")
    assert table.header == ["Vorname", "Nachname", "Geburtstag", "PLZ"]
    assert table.rows[0][:2] == ["Anna", "Müller"]
    assert table.rows[0][2] in (datetime.date(1970, 3, 17), datetime.datetime(1970, 3, 17))
    assert table.rows[0][3] == 80331


def test_an_xls_from_excel_97_is_read_through_the_same_reader():
    data = xls("Kontakte", [["Vorname", "Nachname", "PLZ"], ["Anna", "Müller", 80331.0], [None, "Schmidt", 1234]])
    assert detect_format(data, "alt.xls") == "xls"
    table = read_table(data, "alt.xls")
    assert (table.sheet_names, table.header) == (["Kontakte"], ["Vorname", "Nachname", "PLZ"])
    assert table.rows == [["Anna", "Müller", 80331.0], [None, "Schmidt", 1234.0]]


def test_the_format_is_told_by_the_content_not_the_name():
    assert detect_format(xlsx({"A": PEOPLE}), "export.csv") == "xlsx"
    assert detect_format(b"Vorname;Nachname\nAnna;M\xfcller\n", "export.xlsx") == "csv"
    assert detect_format(b"BEGIN:VCARD\r\nFN:Anna\r\nEND:VCARD\r\n", "kontakte.txt") == "vcf"
    assert detect_format(b"junk\r\nBEGIN:VCARD\r\nFN:Anna\r\nEND:VCARD\r\n", "kontakte.vcf") == "vcf"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "This file is empty."),
    (b"  \r\n\r\n", "This file is empty."),
    (b";;;\r\n;;\r\n", "This file is empty."),
    (os.urandom(0) + bytes(range(256)) * 8, "cannot read this file"),
    (b"%PDF-1.7\n" + bytes(range(256)) * 4, "cannot read this file"),
    (b"PK\x03\x04" + b"\x00" * 100, "damaged"),
    (encrypted_office_file(), "protected with a password"),
    (xls("Kontakte", [["Nachname"], ["Müller"]], password=True), "protected with a password"),
    (zip_bomb(), "unpacks to far more data"),
    (zip_bomb(inflated_mb=150), "unpacks to far more data"),
    (lying_zip(), "damaged"),
])
def test_files_that_cannot_be_read_end_with_a_clear_message(data, message):
    with pytest.raises(UnreadableFile, match=message):
        read_table(data, "kontakte.xlsx")


def test_an_html_table_or_an_xml_spreadsheet_named_xls_is_refused_with_the_way_out():
    html = b"<html><body><table><tr><td>Nachname</td></tr><tr><td>M\xfcller</td></tr></table></body></html>"
    with pytest.raises(UnreadableFile, match="web page"):
        read_table(html, "export.xls")
    xml = (b'<?xml version="1.0"?>\r\n<?mso-application progid="Excel.Sheet"?>\r\n'
           b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>')
    with pytest.raises(UnreadableFile, match="Excel 2003 XML"):
        read_table(xml, "export.xml")


def test_a_zip_that_is_no_spreadsheet_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(UnreadableFile, match="cannot read this file as a spreadsheet"):
        read_table(buffer.getvalue(), "brief.docx")


def test_a_vcard_given_to_the_table_reader_is_refused_as_such():
    with pytest.raises(UnreadableFile, match="vCard"):
        read_table(b"BEGIN:VCARD\r\nFN:Anna\r\nEND:VCARD\r\n", "a.vcf")


def test_more_rows_than_the_limit_are_refused_with_the_limit_in_the_message():
    data = ("Nachname\n" + "Müller\n" * 11).encode()
    with pytest.raises(UnreadableFile, match="more than 10 rows"):
        read_table(data, "a.csv", max_rows=10)
    assert len(read_table(data, "a.csv", max_rows=11).rows) == 11


# --- CSV and text ----------------------------------------------------------------------------


def test_a_german_excel_csv_in_windows_1252_with_semicolons_reads_its_umlauts_right():
    data = "Vorname;Nachname;Straße\r\nJürgen;Müller;Hauptstraße 1\r\n".encode("cp1252")
    table = read_table(data, "export.csv")
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.header == ["Vorname", "Nachname", "Straße"]
    assert table.rows == [["Jürgen", "Müller", "Hauptstraße 1"]]


def test_utf8_with_and_without_bom_is_read_as_utf8():
    text = "Vorname,Nachname\r\nZoë,Øster-Müller\r\n"
    table = read_table(text.encode("utf-8-sig"), "a.csv")
    assert (table.encoding, table.header[0], table.rows) == ("utf-8-sig", "Vorname", [["Zoë", "Øster-Müller"]])
    assert read_table(text.encode("utf-8"), "a.csv").encoding == "utf-8"


def test_excels_unicode_text_is_utf16_with_tabs():
    data = "Vorname\tNachname\tFirma\r\nAnna\tMüller\tSöhne, Töchter & Co.\r\n".encode("utf-16")
    table = read_table(data, "Unicode-Text.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.rows == [["Anna", "Müller", "Söhne, Töchter & Co."]]


def test_quoted_cells_keep_their_new_lines_delimiters_and_quotes():
    data = 'Nachname,Notizen,Firma\r\nMüller,"Erste Zeile\r\nzweite, mit Komma",ACME "Süd"\r\nSchmidt,,\r\n'.encode()
    table = read_table(data, "a.csv")
    assert table.rows == [["Müller", "Erste Zeile\r\nzweite, mit Komma", 'ACME "Süd"'], ["Schmidt", None, None]]
    assert table.row_numbers == [2, 3]


def test_the_delimiter_is_the_one_found_the_same_number_of_times_on_each_line():
    data = b"Name;Firma;Ort\nM\xfcller, Anna;ACME, Inc.;Berlin\nSchmidt;B;K\xf6ln\n"
    table = read_table(data, "a.csv")
    assert table.delimiter == ";" and table.rows[0] == ["Müller, Anna", "ACME, Inc.", "Berlin"]
    assert read_table(b"Name|Ort\nA|B\n", "a.txt").delimiter == "|"
    assert read_table(b"Nachname\nM\xfcller\n", "a.txt").rows == [["Müller"]]


def test_excels_sep_line_names_the_delimiter_and_is_not_the_header():
    table = read_table(b"sep=,\r\nNachname,Ort\r\nM\xc3\xbcller;Sohn,Berlin\r\n", "a.csv")
    assert (table.delimiter, table.header, table.header_row) == (",", ["Nachname", "Ort"], 2)
    assert table.rows == [["Müller;Sohn", "Berlin"]] and table.row_numbers == [3]


def test_a_mac_roman_file_is_not_read_as_windows_1252_mojibake():
    table = read_table("Nachname;Ort\nMüller;Köln\n".encode("mac_roman"), "a.csv")
    assert table.encoding == "mac_roman" and table.rows == [["Müller", "Köln"]]


def test_a_dos_file_is_not_read_as_mac_roman_mojibake():
    table = read_table("Nachname;Ort\nMüller;Köln\n".encode("cp850"), "a.csv")
    assert table.rows == [["Müller", "Köln"]]


def test_umlauts_garbled_by_an_earlier_conversion_are_repaired_and_said_so():
    garbled = "Nachname;Ort\nMüller;Köln\n".encode().decode("cp1252").encode()
    table = read_table(garbled, "a.csv")
    assert table.rows == [["Müller", "Köln"]]
    assert table.notes


def test_text_in_no_known_encoding_is_refused_rather_than_guessed():
    data = "Nachname;Ort\n山田;東京\n鈴木;大阪\n".encode("shift_jis")
    with pytest.raises(UnreadableFile, match="character encoding"):
        read_table(data, "a.csv")


def test_a_utf16_bom_with_broken_bytes_is_refused():
    with pytest.raises(UnreadableFile, match="claims to be UTF-16 text but contains bytes that are not"):
        read_table(b"\xff\xfeN\x00a\x00\x00\xd8", "a.csv")


# --- whatever arrives ------------------------------------------------------------------------



@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["a.csv", "a.xlsx", "a.vcf", "a.txt", "a"]))
def test_any_bytes_give_a_table_or_a_clear_refusal(data, name):
    try:
        table = read_table(data, name)
    except UnreadableFile as refused:
        assert str(refused)
    else:
        assert all(len(row) == len(table.header) for row in table.rows)
        assert len(table.rows) == len(table.row_numbers)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(';,\t"\n\r aäß€Müller1.@')), max_size=300),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_any_text_in_any_usual_encoding_gives_a_table_or_a_clear_refusal(text, encoding):
    try:
        read_table(text.encode(encoding), "a.csv")
    except UnreadableFile as refused:
        assert str(refused)


def test_a_csv_cell_guarded_against_formulas_reads_as_its_text() -> None:
    table = read_table(b"Name;Telefon;Notiz\nAdler;'+49 89 123;'=SUMME(A1)\nBerg;'Hallo;it's\n",
                       "people.csv")
    assert table.rows[0][1:] == ["+49 89 123", "=SUMME(A1)"]
    assert table.rows[1][1:] == ["'Hallo", "it's"]
