"""Reading a person's name from a From header, for "Create person from sender"."""

from __future__ import annotations

import pytest

from kontor.mail.names import PersonName, split_name


@pytest.mark.parametrize("display_name, address, expected", [
    ("Anna Berger", "anna@kunde.example", PersonName("Anna", "Berger")),
    ("Berger, Anna", "anna@kunde.example", PersonName("Anna", "Berger")),
    ("Dr. Anna Berger", "", PersonName("Anna", "Berger", title="Dr.")),
    ("Prof. Dr. med. Hans-Peter Müller", "", PersonName("Hans-Peter", "Müller", title="Prof. Dr. med.")),
    ("Dipl.-Ing. Klaus Meier", "", PersonName("Klaus", "Meier", title="Dipl.-Ing.")),
    ('"Berger, Dr. Anna"', "", PersonName("Anna", "Berger", title="Dr.")),
    ("Herr Max von der Heide", "", PersonName("Max", "von der Heide", salutation="mr")),
    ("Frau Berger", "", PersonName("", "Berger", salutation="ms")),
    ("Jan van Dijk", "", PersonName("Jan", "van Dijk")),
    ("von Trotha", "", PersonName("", "von Trotha")),
    ("ANNA BERGER", "", PersonName("Anna", "Berger")),
    ("Anna Berger (Müller GmbH)", "", PersonName("Anna", "Berger")),
    ("Anna Berger | Müller GmbH", "", PersonName("Anna", "Berger")),
    ("Anna Berger, MBA", "", PersonName("Anna", "Berger")),
    ("Madonna", "", PersonName("", "Madonna")),
])
def test_a_display_name_is_split_into_title_first_and_last_name(display_name, address, expected):
    assert split_name(display_name, address) == expected


@pytest.mark.parametrize("display_name, address, expected", [
    ("", "anna.berger@kunde.example", PersonName("Anna", "Berger")),
    ("anna.berger@kunde.example", "anna.berger@kunde.example", PersonName("Anna", "Berger")),
    ("", "anna_maria.berger2@kunde.example", PersonName("Anna Maria", "Berger")),
    ("", "a.berger@kunde.example", PersonName("", "Berger")),
    ("", "hans-peter.mueller+crm@kunde.example", PersonName("Hans-Peter", "Mueller")),
    ("", "info@kunde.example", PersonName("", "Info")),
    ("  ", "berger@kunde.example", PersonName("", "Berger")),
])
def test_without_a_display_name_the_address_gives_a_sensible_guess(display_name, address, expected):
    assert split_name(display_name, address) == expected


def test_nothing_readable_still_gives_a_last_name():
    assert split_name("", "").last_name
    assert split_name('""', "").last_name


def test_long_names_are_cut_to_what_a_person_can_hold():
    name = split_name("A" * 300 + " " + "B" * 300, "")
    assert len(name.first_name) <= 100 and len(name.last_name) <= 100


@pytest.mark.parametrize("display_name", ["a" * 100_000, "(" * 100_000, "x@" * 50_000])
def test_a_huge_display_name_is_cut_before_it_is_read(display_name):
    name = split_name(display_name, "b" * 100_000 + "@kunde.example")
    assert name.last_name and len(name.last_name) <= 100


def test_the_full_name_reads_as_the_person_page_shows_it():
    assert split_name("Dr. Anna Berger").full_name == "Dr. Anna Berger"
