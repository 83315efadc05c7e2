"""Finding people and companies that are already there, and what an import does with them."""

from __future__ import annotations

from kontor.contacts import actions as contact_actions
from kontor.contacts import matching
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.contacts.models import Company, Person
from kontor.records.actions import trash_record
from kontor.transfer import actions
from kontor.transfer.models import ItemAction
from tests.transfer.import_files import run, xlsx


def _anna(by, email="anna@adler.de", company=None, **fields):
    details = Details(contact=[DetailData("email", email)] if email else [],
                      positions=[PositionData(company)] if company else None)
    return contact_actions.create_person(by, {"first_name": "Anna", "last_name": "Adler", **fields}, details)


def test_a_person_matches_by_email_in_any_case(alice):
    anna = _anna(alice.membership)
    keys = [matching.PersonKey(emails=("ANNA@Adler.de",)), matching.PersonKey(emails=("nobody@adler.de",))]
    assert matching.find_people(alice.account.pk, keys) == [anna.pk, None]


def test_without_email_a_person_matches_by_name_and_company(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Adler GmbH"})
    anna = _anna(alice.membership, email="", company=company)
    keys = [matching.PersonKey(first_name="anna", last_name="ADLER", company="adler gmbh"),
            matching.PersonKey(first_name="Anna", last_name="Adler", company="Bauer KG"),
            matching.PersonKey(first_name="Anna", last_name="Adler")]
    assert matching.find_people(alice.account.pk, keys) == [anna.pk, None, None]


def test_people_in_the_trash_and_in_other_accounts_do_not_match(alice, oscar):
    trash_record(_anna(alice.membership).record, alice.membership)
    _anna(oscar.membership)
    assert matching.find_people(alice.account.pk, [matching.PersonKey(emails=("anna@adler.de",))]) == [None]


def test_companies_match_by_name_in_any_case(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Adler GmbH"})
    assert matching.find_companies(alice.account.pk, ["ADLER gmbh ", "Bauer"]) == [company.pk, None]


def test_matching_ten_thousand_keys_takes_a_few_queries(alice, django_assert_max_num_queries):
    keys = [matching.PersonKey(emails=(f"p{i}@example.com",)) for i in range(5000)]
    keys += [matching.PersonKey(first_name="X", last_name=f"Y{i}") for i in range(5000)]
    with django_assert_max_num_queries(45):
        assert set(matching.find_people(alice.account.pk, keys)) == {None}


ROWS = [["Anna", "Adler", "anna@adler.de", "", "", "0171 2345678", ""],
        ["Bernd", "Bauer", "bernd@bauer.de", "", "", "", ""]]


def test_the_preview_counts_new_rows_duplicates_and_errors(alice):
    _anna(alice.membership)
    rows = [*ROWS, ["Emil", "Ernst", "kein-mail", "", "", "", ""]]
    preview = actions.preview(actions.upload_import(alice.membership, xlsx(rows), "k.xlsx"))
    assert (preview.new, preview.duplicates, preview.errors, preview.to_import) == (1, 1, 1, 1)
    assert [verdict.status for _cells, verdict in preview.rows] == ["duplicate", "new", "error"]


def test_duplicates_are_skipped_by_default(alice):
    anna = _anna(alice.membership)
    imp = run(alice.membership, xlsx(ROWS))
    assert (imp.created, imp.skipped, imp.updated) == (1, 1, 0)
    anna.record.refresh_from_db()
    assert anna.record.version == 1 and Person.objects.count() == 2


def test_duplicates_can_have_their_empty_fields_filled(alice):
    anna = _anna(alice.membership, first_name="")
    imp = run(alice.membership, xlsx(ROWS), duplicates="fill")
    assert (imp.created, imp.updated, imp.skipped) == (1, 1, 0)
    anna = Person.objects.get(pk=anna.pk)
    assert anna.first_name == "Anna"
    assert anna.record.contact_details.get(kind="phone").value == "0171 2345678"
    item = imp.items.get(action=ItemAction.FILLED)
    assert item.previous == {"first_name": ["", "Anna"]}


def test_filling_never_overwrites_a_value(alice):
    anna = _anna(alice.membership, first_name="Annette")
    run(alice.membership, xlsx(ROWS), duplicates="fill")
    assert Person.objects.get(pk=anna.pk).first_name == "Annette"


def test_duplicates_can_be_created_anyway(alice):
    _anna(alice.membership)
    imp = run(alice.membership, xlsx(ROWS), duplicates="create")
    assert imp.created == 2 and Person.objects.filter(last_name="Adler").count() == 2


def test_a_row_repeating_an_earlier_row_of_the_file_is_a_duplicate(alice):
    rows = [*ROWS, ["Anna", "Adler", "ANNA@adler.de", "", "", "", ""]]
    preview = actions.preview(actions.upload_import(alice.membership, xlsx(rows), "k.xlsx"))
    assert preview.rows[2][1].status == "duplicate" and preview.rows[2][1].earlier_row == 2
    imp = run(alice.membership, xlsx(rows))
    assert imp.created == 2 and Person.objects.filter(last_name="Adler").count() == 1


def test_a_companies_import_skips_companies_with_the_same_name(alice):
    contact_actions.create_company(alice.membership, {"name": "Adler GmbH"})
    data = xlsx([["adler gmbh", "info@adler.de"], ["Bauer KG", ""]], header=["Firma", "E-Mail"])
    imp = run(alice.membership, data, kind="companies")
    assert (imp.created, imp.skipped) == (1, 1) and Company.objects.count() == 2
