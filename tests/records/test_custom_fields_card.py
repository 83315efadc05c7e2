"""The custom-fields card of a record page: each field of the kind with the record's value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kontor.contacts import actions as contact_actions
from kontor.records import custom_fields
from kontor.records.custom_fields import create_custom_field
from kontor.records.models import FieldType, Kind


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"last_name": "Meier"})


def test_the_card_shows_each_type_of_value_of_this_record_only(alice, person):
    membership = alice.membership
    fields = {type_: create_custom_field(membership, Kind.PERSON, f"Feld {type_}", type_,
                                         options=["Gold", "Silber"] if type_ == FieldType.SELECT else [])
              for type_ in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.NUMBER, FieldType.DATE,
                            FieldType.BOOLEAN, FieldType.SELECT, FieldType.URL)}
    empty = create_custom_field(membership, Kind.PERSON, "Leer", FieldType.TEXT)
    create_custom_field(membership, Kind.COMPANY, "Firmenfeld", FieldType.TEXT)
    custom_fields.set_custom_values(person.record, membership, {
        fields[FieldType.TEXT]: "K-4711", fields[FieldType.LONG_TEXT]: "eins\nzwei",
        fields[FieldType.NUMBER]: Decimal("1234.5"), fields[FieldType.DATE]: dt.date(2020, 5, 1),
        fields[FieldType.BOOLEAN]: True, fields[FieldType.SELECT]: "Gold",
        fields[FieldType.URL]: "https://example.com"})
    other = contact_actions.create_person(membership, {"last_name": "Schulz"})
    custom_fields.set_custom_values(other.record, membership, {empty: "nicht meins"})

    rows = custom_fields.card(person.record)

    assert [(row["field"].name, row["value"]) for row in rows] == [
        ("Feld text", "K-4711"), ("Feld long_text", "eins\nzwei"), ("Feld number", Decimal("1234.5")),
        ("Feld date", dt.date(2020, 5, 1)), ("Feld boolean", True), ("Feld select", "Gold"),
        ("Feld url", "https://example.com"), ("Leer", None)]
    assert [row["shown"] for row in rows][-1] == ""
    page = alice.client.get(person.get_absolute_url()).content.decode()
    assert "eins<br>zwei" in page and 'href="https://example.com"' in page
    assert "nicht meins" not in page and "Firmenfeld" not in page


def test_a_record_without_values_is_asked_to_fill_them_in(alice, person):
    create_custom_field(alice.membership, Kind.PERSON, "Kundennummer", FieldType.TEXT)
    page = alice.client.get(person.get_absolute_url()).content.decode()
    assert "No values yet." in page and f"/people/{person.pk}/edit/#custom-fields" in page
