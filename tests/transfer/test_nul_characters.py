"""NUL characters in an imported file: PostgreSQL can store them neither in text nor in JSON, so
the import drops them right after reading, on every database alike, and never fails for them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kontor.contacts.models import Company, Person
from kontor.records.models import Tag
from kontor.transfer import actions
from kontor.transfer.models import Import, ImportState
from tests.transfer.import_files import run, vcard, xlsx

# Excel writes a NUL character in a cell as the escape "_x0000_", which readers turn back into one.
NUL = "_x0000_"


def test_nul_characters_in_spreadsheet_cells_and_headings_are_dropped(alice):
    header = ["Vorname", f"Nach{NUL}name", "E-Mail", "Firma", "Position", "Telefon", "Tags"]
    imp = run(alice.membership, xlsx([[f"An{NUL}na", f"Adler{NUL}", "", f"Adler{NUL} GmbH", "", "", f"Kun{NUL}de"]],
                                     header=header))
    assert (imp.state, imp.errors) == (ImportState.DONE, [])
    assert imp.header[1] == "Nachname"
    person = Person.objects.get()
    assert (person.first_name, person.last_name) == ("Anna", "Adler")
    assert Company.objects.get().name == "Adler GmbH"
    assert list(Tag.objects.values_list("name", flat=True)) == ["Kunde"]


def test_a_nul_character_deep_in_a_csv_file_is_dropped(alice):
    # Far beyond the part of the file read to tell text from binary.
    lines = ["Vorname;Nachname"] + [f"Person{i};Muster" for i in range(5000)] + ["Zo\x00e;Zander\x00"]
    imp = run(alice.membership, "\n".join(lines).encode(), "kontakte.csv")
    assert (imp.state, imp.created, imp.errors) == (ImportState.DONE, 5001, [])
    assert Person.objects.filter(first_name="Zoe", last_name="Zander").exists()


def test_a_nul_character_in_a_vcard_value_is_dropped(alice):
    cards = [vcard(f"Person{i}", "Muster") for i in range(600)] + [vcard("Zo\x00e", "Zander", "zoe@zander.de\x00")]
    imp = run(alice.membership, "".join(cards).encode(), "kontakte.vcf")
    assert (imp.state, imp.created, imp.errors) == (ImportState.DONE, 601, [])
    zoe = Person.objects.get(last_name="Zander")
    assert zoe.first_name == "Zoe"
    assert list(zoe.record.contact_details.values_list("value", flat=True)) == ["zoe@zander.de"]


def test_a_file_name_with_a_nul_character_is_kept_without_it(alice):
    imp = actions.upload_import(alice.membership, xlsx([["Anna", "Adler", "", "", "", "", ""]]), "kon\x00takte.xlsx")
    assert Import.objects.get(pk=imp.pk).file_name == "kontakte.xlsx"


def test_a_tag_with_a_nul_character_is_refused_at_its_field(alice):
    imp = actions.upload_import(alice.membership, xlsx([["Anna", "Adler", "", "", "", "", ""]]), "kontakte.xlsx")
    with pytest.raises(ValidationError, match="Null characters are not allowed") as refused:
        actions.configure_import(imp, tag="Mes\x00se")
    assert set(refused.value.message_dict) == {"tag"}
    assert Import.objects.get(pk=imp.pk).tag == ""


def test_the_import_page_shows_the_refused_tag_next_to_its_field(alice):
    imp = actions.upload_import(alice.membership, xlsx([["Anna", "Adler", "", "", "", "", ""]]), "kontakte.xlsx")
    response = alice.client.post(f"/imports/{imp.pk}/", {"tag": "Mes\x00se", "duplicates": "skip"})
    assert response.status_code == 200
    assert set(response.context["errors"]) == {"tag"}
    assert Import.objects.get(pk=imp.pk).tag == ""
