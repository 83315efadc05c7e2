"""Importing spreadsheets and vCards: what gets written, what is refused, and that a failure
leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Company, ContactDetail, Person, Position
from kontor.history.models import Activity, ActivityVerb
from kontor.notifications.models import Notification, NotificationType
from kontor.records.models import Tag
from kontor.search.models import Document
from kontor.transfer import actions, tables
from kontor.transfer.models import Import, ImportItem, ImportMapping, ImportState
from tests.transfer.import_files import PEOPLE_HEADER, run, vcard, xlsx

ROWS = [
    ["Anna", "Adler", "anna@adler.de", "Adler GmbH", "Geschäftsführerin", "0171 2345678", "Kunde"],
    ["Bernd", "Bauer", "bernd@bauer.de", "adler gmbh", "Einkauf", "", "Kunde, Messe"],
    ["Clara", "Christ", "", "", "", "", ""],
]


def test_a_spreadsheet_of_people_is_imported_with_their_companies_and_jobs(alice):
    imp = run(alice.membership, xlsx(ROWS))
    assert imp.state == ImportState.DONE and imp.progress == 100
    assert (imp.rows, imp.created, imp.updated, imp.skipped, imp.error_count) == (3, 3, 0, 0, 0)
    anna = Person.objects.get(last_name="Adler")
    assert anna.record.contact_details.get(kind="email").value == "anna@adler.de"
    assert anna.record.contact_details.get(kind="phone").value == "0171 2345678"
    # "adler gmbh" is the same company as "Adler GmbH": one company, two jobs there
    company = Company.objects.get()
    assert company.name == "Adler GmbH" and imp.companies_created == 1
    assert set(Position.objects.filter(company=company).values_list("job_title", flat=True)) == {
        "Geschäftsführerin", "Einkauf"}
    assert Position.objects.get(person=anna).is_primary


def test_an_existing_company_is_found_by_its_name_in_any_case(alice):
    existing = contact_actions.create_company(alice.membership, {"name": "ADLER GMBH"})
    imp = run(alice.membership, xlsx(ROWS[:1]))
    assert Company.objects.get() == existing and imp.companies_created == 0
    assert Position.objects.get().company == existing


def test_imported_tags_are_counted_exactly(alice):
    run(alice.membership, xlsx(ROWS))
    tags = {tag.name: tag.person_count for tag in Tag.objects.filter(account=alice.account)}
    assert tags == {"Kunde": 2, "Messe": 1}


def test_every_imported_record_can_carry_a_tag_the_user_chose(alice):
    run(alice.membership, xlsx(ROWS), tag="Import Dezember")
    tag = Tag.objects.get(name="Import Dezember")
    assert tag.person_count == 3 and tag.company_count == 1


def test_imported_people_are_found_by_the_search(alice):
    run(alice.membership, xlsx(ROWS))
    assert Document.objects.filter(account=alice.account, kind="person", title__contains="Adler").exists()
    assert Document.objects.filter(account=alice.account, kind="person").count() == 3


def test_the_import_writes_one_activity_line_not_one_per_row(alice):
    run(alice.membership, xlsx(ROWS))
    activities = Activity.objects.filter(account=alice.account)
    assert list(activities.values_list("verb", flat=True)) == [ActivityVerb.IMPORTED]
    line = activities.get()
    assert line.summary == "kontakte.xlsx" and line.changes["created"] == 3


def test_the_importer_is_notified_when_it_is_done_and_followers_are_not(alice, bob):
    run(alice.membership, xlsx(ROWS))
    notification = Notification.objects.get()
    assert notification.recipient == alice.user and notification.type == NotificationType.IMPORT
    assert "kontakte.xlsx" in notification.headline()
    assert not Notification.objects.filter(recipient=bob.user).exists()


def test_rows_with_errors_are_reported_and_the_others_imported(alice):
    rows = [*ROWS[:2], ["Dora", "", "dora@example.com", "", "", "", ""], ["Emil", "Ernst", "kein-mail", "", "", "", ""]]
    imp = run(alice.membership, xlsx(rows))
    assert (imp.created, imp.error_count) == (2, 2)
    by_row = {e["row"]: e for e in imp.errors}
    assert set(by_row) == {4, 5}
    assert by_row[5]["column"] == "E-Mail" and "kein-mail" in by_row[5]["message"]
    assert not Person.objects.filter(first_name__in=["Dora", "Emil"]).exists()


def test_a_companies_file_creates_companies_with_their_contact_details(alice):
    data = xlsx([["Adler GmbH", "info@adler.de", "Hamburg"], ["Bauer KG", "", "Köln"]],
                header=["Firma", "E-Mail", "Ort"])
    imp = run(alice.membership, data, kind="companies")
    assert imp.kind == "companies" and imp.created == 2
    adler = Company.objects.get(name="Adler GmbH")
    assert adler.record.contact_details.get().value == "info@adler.de"
    assert adler.record.addresses.get().city == "Hamburg"
    assert not Person.objects.exists()


def test_another_sheet_can_be_chosen(alice):
    data = xlsx(ROWS[:1], sheets={"Messe": [PEOPLE_HEADER, ["Fritz", "Fuchs", "", "", "", "", ""]]})
    imp = actions.upload_import(alice.membership, data, "kontakte.xlsx")
    assert imp.sheet == "Kontakte"
    actions.configure_import(imp, sheet="Messe")
    actions.start_import(imp, alice.membership)
    actions.run_import(imp.pk)
    assert list(Person.objects.values_list("last_name", flat=True)) == ["Fuchs"]


SUPPLIERS = [["Firmenname", "Ort", "Telefon"], ["Lieferant Süd GmbH", "Dresden", "0351 100"]]


def test_a_sheet_of_companies_after_a_sheet_of_people_is_imported_as_companies(alice):
    imp = actions.upload_import(alice.membership, xlsx(ROWS[:1], sheets={"Lieferanten": SUPPLIERS}), "kontakte.xlsx")
    assert imp.kind == "people"
    actions.configure_import(imp, sheet="Lieferanten")
    assert imp.kind == "companies" and imp.mapping[0] == "name"
    actions.start_import(imp, alice.membership)
    actions.run_import(imp.pk)
    assert list(Company.objects.values_list("name", flat=True)) == ["Lieferant Süd GmbH"]
    assert not Person.objects.exists()


def test_a_kind_chosen_with_the_sheet_is_kept(alice):
    imp = actions.upload_import(alice.membership, xlsx(ROWS[:1], sheets={"Lieferanten": SUPPLIERS}), "kontakte.xlsx")
    actions.configure_import(imp, sheet="Lieferanten", kind="people")
    assert imp.kind == "people"


def test_the_mapping_is_remembered_for_the_next_file_with_the_same_headings(alice):
    imp = actions.upload_import(alice.membership, xlsx(ROWS), "a.xlsx")
    mapping = list(imp.mapping)
    mapping[5] = None  # the phone column is ignored this time
    actions.configure_import(imp, mapping=mapping)
    actions.start_import(imp, alice.membership)
    assert ImportMapping.objects.filter(account=alice.account).count() == 1
    again = actions.upload_import(alice.membership, xlsx(ROWS[:1]), "b.xlsx")
    assert again.mapping == mapping


def test_a_vcard_file_imports_its_contacts(alice):
    data = (vcard("Anna", "Adler", "anna@adler.de", "Adler GmbH") + vcard("Bernd", "Bauer")).encode()
    imp = run(alice.membership, data, name="kontakte.vcf")
    assert imp.format == "vcf" and imp.created == 2
    assert Person.objects.get(last_name="Adler").positions.get().company.name == "Adler GmbH"


def test_a_member_may_import_a_single_vcard(carol):
    imp = run(carol.membership, vcard("Anna", "Adler").encode(), name="anna.vcf")
    assert imp.created == 1


def test_a_member_may_not_import_a_spreadsheet_or_several_cards(carol):
    with pytest.raises(PermissionDenied, match="^Your role allows importing a single vCard"):
        actions.upload_import(carol.membership, xlsx(ROWS), "kontakte.xlsx")
    with pytest.raises(PermissionDenied, match="^This file holds 2 contacts; your role allows") as refused:
        actions.upload_import(carol.membership, (vcard("A", "Adler") + vcard("B", "Bauer")).encode(), "all.vcf")
    assert str(refused.value) == ("This file holds 2 contacts; your role allows importing a single vCard "
                                  "(one contact).")
    assert not Import.objects.exists()


@pytest.mark.parametrize("data, name, message", [
    (b"", "leer.xlsx", "The file is empty."),
    (b"\x00\x01 not a spreadsheet \xff" * 20, "x.xlsx", "Kontor cannot read this file as a spreadsheet"),
    (b"PK\x03\x04broken zip", "kaputt.xlsx", "This file is damaged; Kontor cannot open it."),
])
def test_a_file_that_cannot_be_read_is_refused_with_a_message(alice, data, name, message):
    with pytest.raises(tables.UnreadableFile, match=re.escape(message)):
        actions.upload_import(alice.membership, data, name)
    assert not Import.objects.exists()


def test_a_crash_while_writing_leaves_nothing_behind_and_the_import_failed(alice, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_notify", crash)  # the very last step of the writing
    imp = run(alice.membership, xlsx(ROWS))
    assert imp.state == ImportState.FAILED and "Nothing was imported" in imp.message
    assert not Person.objects.exists() and not Company.objects.exists() and not ImportItem.objects.exists()
    assert not Tag.objects.filter(person_count__gt=0).exists()
    assert not Activity.objects.filter(account=alice.account).exists()


def test_the_job_runs_an_import_only_once(alice):
    imp = run(alice.membership, xlsx(ROWS))
    assert actions.run_import(imp.pk) is None
    assert Person.objects.count() == 3


def test_an_import_whose_worker_died_shows_as_failed(alice):
    imp = actions.upload_import(alice.membership, xlsx(ROWS), "kontakte.xlsx")
    Import.objects.filter(pk=imp.pk).update(state=ImportState.RUNNING,
                                            started_at=timezone.now() - dt.timedelta(hours=1))
    imp.refresh_from_db()
    assert imp.shown_state == ImportState.FAILED
    actions.mark_stale_failed(imp)
    assert imp.state == ImportState.FAILED and imp.message


def test_creating_many_people_costs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    company = contact_actions.create_company(alice.membership, {"name": "Adler GmbH"})
    items = [contact_actions.NewContact(
        {"last_name": f"Person {i}"},
        contact_actions.Details(contact=[contact_actions.DetailData("email", f"p{i}@example.com")],
                                addresses=[contact_actions.AddressData(city="Köln")],
                                positions=[contact_actions.PositionData(company, job_title="Einkauf")]),
        tags=["Kunde"]) for i in range(200)]
    with django_assert_max_num_queries(30):
        people = contact_actions.create_people(alice.membership, items, log_each=False)
    assert len(people) == 200 and ContactDetail.objects.filter(kind="email").count() == 200
    assert Tag.objects.get(name="Kunde").person_count == 200


def test_the_activity_line_reads_as_one_sentence_for_the_whole_file(alice):
    from kontor.history.templatetags.comment_tags import activity_text

    run(alice.membership, xlsx(ROWS))
    line = Activity.objects.get()
    assert activity_text(line) == "Alice Adler imported 3 people from kontakte.xlsx."


def test_the_importer_gets_a_mail_when_the_worker_is_done(alice, mailoutbox, django_capture_on_commit_callbacks):
    imp = actions.upload_import(alice.membership, xlsx(ROWS), "kontakte.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_import(imp, alice.membership)  # the job runs on commit, in-process in tests
    imp.refresh_from_db()
    assert imp.state == ImportState.DONE
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["alice@example.com"]
    assert "kontakte.xlsx" in mailoutbox[0].subject
    assert f"/imports/{imp.pk}/" in mailoutbox[0].body and "3 created" in mailoutbox[0].body


def test_abandoned_drafts_and_old_files_are_removed(alice):
    draft = actions.upload_import(alice.membership, xlsx(ROWS), "liegen-gelassen.xlsx")
    done = run(alice.membership, xlsx(ROWS))
    later = timezone.now() + dt.timedelta(days=31)
    assert actions.forget_old_uploads(later) == 2
    assert not Import.objects.filter(pk=draft.pk).exists()
    done.refresh_from_db()
    assert not done.upload and done.state == ImportState.DONE


def test_a_photo_in_a_vcard_is_stored_like_an_uploaded_photo(alice):
    import base64
    import io as bytes_io

    from PIL import Image

    buffer = bytes_io.BytesIO()
    Image.new("RGB", (60, 60), "teal").save(buffer, format="JPEG")
    photo = base64.b64encode(buffer.getvalue()).decode()
    card = vcard("Anna", "Adler").replace("END:VCARD", f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nEND:VCARD")
    broken = vcard("Bernd", "Bauer").replace("END:VCARD", "PHOTO;ENCODING=b;TYPE=JPEG:bm90IGFuIGltYWdl\r\nEND:VCARD")
    imp = run(alice.membership, (card + broken).encode(), name="mit-foto.vcf")
    assert imp.created == 2
    stored = Person.objects.get(last_name="Adler").photo.name
    assert stored is not None
    assert stored.endswith(".webp")
    assert not Person.objects.get(last_name="Bauer").photo


def test_an_unknown_responsible_colleague_keeps_the_person_in_with_a_note(alice, bob):
    data = xlsx([["Anna", "Adler", "anna@adler.example", "Bob Berger"],
                 ["Ben", "Brandt", "ben@brandt.example", "Zoe Zander"]],
                header=["Vorname", "Nachname", "E-Mail", "Verantwortlich"])
    imp = run(alice.membership, data, "kontakte.xlsx")
    assert imp.state == ImportState.DONE
    assert imp.created == 2 and imp.error_count == 0
    people = {person.last_name: person for person in Person.objects.filter(account=alice.account)}
    assert people["Adler"].record.responsible == bob.user
    assert people["Brandt"].record.responsible == alice.user
    assert imp.warnings == [{"row": 3, "column": "Verantwortlich",
                             "message": "There is no colleague “Zoe Zander” in this account; whoever imports is "
                                        "responsible instead."}]
    page = alice.client.get(f"/imports/{imp.pk}/").content.decode()
    assert "Imported, with something left out" in page and "Zoe Zander" in page


def test_a_birthday_without_a_year_is_named_among_the_warnings(alice):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Adler;Anna;;;\r\nFN:Anna Adler\r\nBDAY:--0317\r\nEND:VCARD\r\n"
    imp = run(alice.membership, card.encode(), "anna.vcf")
    assert imp.state == ImportState.DONE and imp.created == 1
    assert len(imp.warnings) == 1 and imp.warnings[0]["row"] == 1
