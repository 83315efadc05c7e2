"""The import pages: upload, mapping and preview, progress, outcome, error report, the list."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kontor.contacts.models import Person
from kontor.transfer import actions
from kontor.transfer.models import Import, ImportState
from kontor.transfer.views import undo_text
from tests.transfer.import_files import run, vcard, xlsx

ROWS = [["Anna", "Adler", "anna@adler.de", "Adler GmbH", "Chefin", "", ""],
        ["Emil", "Ernst", "kein-mail", "", "", "", ""]]


def _upload(persona, data=None, name="kontakte.xlsx", **extra):
    file = SimpleUploadedFile(name, data if data is not None else xlsx(ROWS))
    return persona.client.post("/imports/new/", {"file": file, **extra})


def test_the_people_list_offers_the_import(alice):
    assert b'href="/imports/new/?kind=people"' in alice.client.get("/people/").content


def test_uploading_a_file_leads_to_its_mapping_and_preview(alice):
    response = _upload(alice)
    imp = Import.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{imp.pk}/"
    page = alice.client.get(response["Location"]).content.decode()
    assert "Vorname" in page and "anna@adler.de" in page  # a column and a sample
    assert "1 new, 0 duplicates, 1 with errors" in page
    assert "Import 1 person" in page
    assert imp.state == ImportState.DRAFT and not Person.objects.exists()


def test_a_file_that_cannot_be_read_gets_a_clear_message(alice):
    response = _upload(alice, b"not a spreadsheet at all \x00\xff", name="kaputt.xlsx")
    assert response.status_code == 422 and b'id="upload-error"' in response.content
    assert not Import.objects.exists()


def test_a_member_sees_that_only_a_vcard_can_be_imported(carol):
    page = carol.client.get("/imports/new/").content.decode()
    assert "vCard file (one contact)" in page and 'accept=".vcf"' in page
    response = _upload(carol)
    assert response.status_code == 422 and not Import.objects.exists()


def test_changing_a_mapping_and_starting_imports_with_that_mapping(alice, django_capture_on_commit_callbacks):
    _upload(alice)
    imp = Import.objects.get()
    post = {f"column-{i}": key or "" for i, key in enumerate(imp.mapping)}
    post.update({"column-2": "", "duplicates": "skip", "tag": "Messe", "start": "1"})  # the e-mail column ignored
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.client.post(f"/imports/{imp.pk}/", post)
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.state == ImportState.DONE and imp.created == 2 and imp.mapping[2] is None
    assert set(Person.objects.values_list("last_name", flat=True)) == {"Adler", "Ernst"}
    assert not Person.objects.get(last_name="Ernst").record.contact_details.exists()


def test_the_progress_page_shows_the_outcome_and_the_errors(alice):
    imp = run(alice.membership, xlsx(ROWS))
    page = alice.client.get(f"/imports/{imp.pk}/").content.decode()
    assert "The import is done" in page and "1 created" in page
    assert "kein-mail" in page and f"/imports/{imp.pk}/report/" in page and "Undo import" in page
    assert "hx-trigger=\"every 1s\"" not in page


def test_a_running_import_polls_for_its_progress(alice):
    imp = actions.upload_import(alice.membership, xlsx(ROWS), "kontakte.xlsx")
    Import.objects.filter(pk=imp.pk).update(state=ImportState.RUNNING, progress=42)
    page = alice.client.get(f"/imports/{imp.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger=\"every 1s\"" in page and "42 %" in page and "<html" not in page


def test_choosing_a_sheet_of_suppliers_on_the_page_switches_to_companies(alice):
    suppliers = [["Firmenname", "Ort"], ["Lieferant Süd GmbH", "Dresden"]]
    imp = actions.upload_import(alice.membership, xlsx(ROWS, sheets={"Lieferanten": suppliers}), "kontakte.xlsx")
    # The page posts the whole form: the kind select still says people, the columns are the old ones.
    page = alice.client.post(f"/imports/{imp.pk}/", {"sheet": "Lieferanten", "kind": "people", "column-0": "first_name",
                                                     "duplicates": "skip", "tag": ""}).content.decode()
    imp.refresh_from_db()
    assert imp.kind == "companies" and imp.sheet == "Lieferanten"
    assert "1 new, 0 duplicates, 0 with errors" in page


def test_the_error_report_holds_the_rows_that_were_not_imported_with_the_reason(alice):
    imp = run(alice.membership, xlsx(ROWS))
    response = alice.client.get(f"/imports/{imp.pk}/report/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][-1] == "Error" and rows[0][0] == "Vorname"
    assert len(rows) == 2 and rows[1][1] == "Ernst" and "kein-mail" in rows[1][-1]


def test_the_error_report_gives_back_a_phone_number_exactly_and_never_runs_a_formula(alice):
    rows = [["@SUM(1+1)", "", "kein-mail", "", "", "+49 30 1234", ""]]
    imp = run(alice.membership, xlsx(rows))
    sheet = load_workbook(io.BytesIO(alice.client.get(f"/imports/{imp.pk}/report/").content)).active
    cells = {cell.value: cell for cell in sheet[2]}
    assert cells["+49 30 1234"].quotePrefix  # not "'+49 30 1234": the fixed row imports as it was
    assert cells["@SUM(1+1)"].data_type == "s" and cells["@SUM(1+1)"].quotePrefix


def test_the_error_report_is_in_german_for_a_german_user(alice):
    alice.user.language = "de"
    alice.user.save()
    imp = run(alice.membership, xlsx(ROWS))
    response = alice.client.get(f"/imports/{imp.pk}/report/", headers={"Accept-Language": "de"})
    assert list(load_workbook(io.BytesIO(response.content)).active.values)[0][-1] == "Fehler"


def test_the_undo_asks_first_and_says_what_it_removes(alice):
    imp = run(alice.membership, xlsx(ROWS))
    page = alice.client.get(f"/imports/{imp.pk}/undo/").content.decode()
    assert "Undoing this import removes 1 person and 1 company." in page
    assert Person.objects.exists()
    response = alice.client.post(f"/imports/{imp.pk}/undo/")
    assert response.status_code == 302 and not Person.objects.exists()
    page = alice.client.get(f"/imports/{imp.pk}/").content.decode()
    assert "This import has been undone" in page and "The import has been undone." in page


@pytest.mark.parametrize("people, companies, fields, text", [
    (1180, 3, 42, "removes 1,180 people and 3 companies and restores 42 fields"),
    (12, 0, 0, "removes 12 people"),
    (0, 1, 0, "removes 1 company"),
    (0, 0, 1, "restores 1 field"),
    (0, 0, 0, "changes nothing"),
])
def test_the_undo_names_only_what_it_really_does(people, companies, fields, text):
    assert undo_text(actions.UndoSummary(people, companies, fields)) == text


def test_the_imports_page_lists_every_import_of_the_account(alice, bob, oscar):
    run(alice.membership, xlsx(ROWS))
    run(bob.membership, vcard("Fritz", "Fuchs").encode(), name="fritz.vcf")
    run(oscar.membership, xlsx(ROWS), name="fremd.xlsx")
    page = alice.client.get("/imports/").content.decode()
    assert "kontakte.xlsx" in page and "fritz.vcf" in page and "Bob Berger" in page
    assert "fremd.xlsx" not in page


def test_the_imports_page_needs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    for _ in range(3):
        run(alice.membership, xlsx(ROWS))
    with django_assert_max_num_queries(8):
        alice.client.get("/imports/")


def test_another_accounts_import_is_not_found(alice, oscar):
    imp = run(alice.membership, xlsx(ROWS))
    for url in (f"/imports/{imp.pk}/", f"/imports/{imp.pk}/report/", f"/imports/{imp.pk}/undo/"):
        assert oscar.client.get(url).status_code == 404
    assert oscar.client.post(f"/imports/{imp.pk}/undo/").status_code == 404
    assert Person.objects.filter(account=alice.account).exists()


def test_after_24_hours_the_undo_button_is_gone_and_the_undo_refused(alice):
    import datetime as dt

    from django.utils import timezone

    imp = run(alice.membership, xlsx(ROWS))
    Import.objects.filter(pk=imp.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    assert "Undo import" not in alice.client.get(f"/imports/{imp.pk}/").content.decode()
    response = alice.client.post(f"/imports/{imp.pk}/undo/")
    assert response.status_code == 302 and Person.objects.exists()


def test_the_notification_of_a_finished_import_leads_to_it(alice):
    imp = run(alice.membership, xlsx(ROWS))
    page = alice.client.get("/notifications/").content.decode()
    assert "Your import has finished: kontakte.xlsx" in page and "1 created" in page
    notification = alice.user.notifications.get()
    assert alice.client.get(f"/notifications/{notification.pk}/")["Location"] == f"/imports/{imp.pk}/"
