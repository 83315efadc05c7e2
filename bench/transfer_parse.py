"""Times the pure reading layer of the import (no database): a 50,000-row xlsx through
read_table + guess_mapping + rows_from_table, and 10,000 vCards through parse_vcards +
rows_from_cards. The issue asks for at least 50,000 rows/s and 5,000 cards/s.

Times are the CPU time of this process (everything happens in memory, nothing waits), so other
work on a shared machine does not count against the figures.

    python -c "import django; django.setup(); from bench.transfer_parse import measure; print(measure())"
"""

from __future__ import annotations

import base64
import datetime
import io
import random
import time
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook

from kontor.transfer.columns import guess_kind, guess_mapping
from kontor.transfer.rows import rows_from_cards, rows_from_table
from kontor.transfer.tables import read_table
from kontor.transfer.vcard import parse_vcards

ROWS = 50_000
CARDS = 10_000
ROWS_TARGET = 50_000
CARDS_TARGET = 5_000
HEADER = ["Anrede", "Titel", "Vorname", "Nachname", "Firma", "Position", "Abteilung", "E-Mail-Adresse",
          "E-Mail 2: Adresse", "Telefon geschäftlich", "Mobiltelefon", "Straße geschäftlich",
          "Postleitzahl geschäftlich", "Ort geschäftlich", "Land/Region geschäftlich", "Geburtstag", "Kategorien",
          "Notizen"]
FIRST = ["Anna", "Bernd", "Clara", "Dieter", "Elif", "Frank", "Greta", "Hans", "Ines", "Jonas", "Katrin", "Lukas"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Koch", "Richter", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann"]
CITIES = [("10115", "Berlin"), ("20095", "Hamburg"), ("50667", "Köln"), ("80331", "München"), ("04109", "Leipzig")]
PHOTO = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8).decode()


def spreadsheet(rows: int = ROWS, seed: int = 1) -> bytes:
    """An Outlook-like xlsx of `rows` people: text, numbers (zip codes), real dates."""
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kontakte")
    sheet.append(HEADER)
    for number in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        zip_code, city = rng.choice(CITIES)
        sheet.append([rng.choice(["Frau", "Herr"]), rng.choice(["", "", "Dr."]), first, last,
                      f"Firma {number % 500} GmbH", "Einkauf", "Vertrieb", f"{first}.{number}@example.com".lower(),
                      "", f"089 {rng.randint(100000, 999999)}", f"0171 {rng.randint(1000000, 9999999)}",
                      f"Hauptstraße {rng.randint(1, 200)}", int(zip_code), city, "Deutschland",
                      datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 18000)),
                      "Kunde; Messe 2026", "Kennengelernt auf der Messe"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def vcards(count: int = CARDS, seed: int = 1) -> bytes:
    """`count` cards, alternating Outlook's 2.1 (quoted-printable, Windows-1252) and Apple's 3.0
    (groups, labels), every tenth with a small photo."""
    rng = random.Random(seed)
    parts: list[bytes] = []
    for number in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if number % 2:
            lines = ["BEGIN:VCARD", "VERSION:2.1", f"N;CHARSET=Windows-1252:{last};{first};;Dr.",
                     f"FN;CHARSET=Windows-1252:{first} {last}", "ORG:Beispiel GmbH;Einkauf", "TITLE:Leitung",
                     "TEL;WORK;VOICE:+49 89 123456", "TEL;CELL;VOICE:0171 2345678",
                     "ADR;WORK;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:;;Hauptstra=DFe 1;M=FCnchen;;80331;=",
                     "Deutschland", f"EMAIL;PREF;INTERNET:{first.lower()}.{number}@example.com", "BDAY:19700317",
                     "END:VCARD"]
            parts.append(("\r\n".join(lines) + "\r\n").encode("cp1252"))
        else:
            lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{last};{first};;;", f"FN:{first} {last}",
                     "ORG:Beispiel AG;", f"item1.EMAIL;type=INTERNET;type=pref:{first.lower()}.{number}@example.com",
                     "item1.X-ABLabel:_$!<Other>!$_", "TEL;type=CELL;type=VOICE;type=pref:+49 171 1234567",
                     "item2.ADR;type=HOME;type=pref:;;Gartenweg 5;Berlin;;10115;Deutschland",
                     "NOTE:Kommas\\, Semikolons\\; und\\nZeilen", "CATEGORIES:Kunde,VIP"]
            if number % 10 == 0:
                lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}")
            lines.append("END:VCARD")
            parts.append(("\n".join(lines) + "\n").encode())
    return b"".join(parts)


def _time_table(data: bytes) -> tuple[float, int]:
    started = time.process_time()
    table = read_table(data, "kontakte.xlsx")
    kind = guess_kind(table.header)
    rows = list(rows_from_table(table, guess_mapping(table.header, kind), kind))
    seconds = time.process_time() - started
    if sum(row.is_valid for row in rows) != len(table.rows):
        raise RuntimeError("Some generated rows were refused; the benchmark data is wrong.")
    return seconds, len(rows)


def _time_cards(data: bytes) -> tuple[float, int]:
    started = time.process_time()
    rows = list(rows_from_cards(parse_vcards(data)))
    seconds = time.process_time() - started
    if not all(row.is_valid for row in rows):
        raise RuntimeError("Some generated cards were refused; the benchmark data is wrong.")
    return seconds, len(rows)


def measure(say: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Rows of {"name", "value", "unit", "target"}: xlsx rows per second and vCards per second
    read and checked, each the best of three runs."""
    sheet = spreadsheet()
    say(f"reading {ROWS} xlsx rows ({len(sheet) / 1_000_000:.1f} MB)")
    seconds, rows = min(_time_table(sheet) for _ in range(3))
    rows_per_second = rows / seconds
    say(f"xlsx: {seconds:.2f} s, {rows_per_second:,.0f} rows/s")
    cards = vcards()
    say(f"reading {CARDS} vCards ({len(cards) / 1_000_000:.1f} MB)")
    card_seconds, count = min(_time_cards(cards) for _ in range(3))
    cards_per_second = count / card_seconds
    say(f"vCard: {card_seconds:.2f} s, {cards_per_second:,.0f} cards/s")
    return [{"name": f"read and check {ROWS} xlsx rows", "value": round(rows_per_second), "unit": "rows/s",
             "target": ROWS_TARGET},
            {"name": f"read and check {CARDS} vCards", "value": round(cards_per_second), "unit": "cards/s",
             "target": CARDS_TARGET}]
