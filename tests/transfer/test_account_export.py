"""The owner's "take your data with you": one zip with every kind of data and every file."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.records.actions import trash_record
from kontor.tasks import actions as task_actions
from kontor.transfer.account_export import TABLES, safe_file_name, write_account_zip
from tests.transfer.export_world import make_company, make_deal, make_person, make_project


def download(persona) -> zipfile.ZipFile:
    response = persona.client.post(reverse("export:account"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="muller-sohne-gmbh-')
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def table(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def world(alice, bob):
    company = make_company(alice)
    person = make_person(alice, "Müller", "Jürgen", company=company, tags=("Kunde",))
    deal = make_deal(alice, company=company, people=[person])
    project = make_project(alice, company=company, people=[person])
    note = history_actions.add_note(alice.membership, [person.record, deal.record], "Erstes Gespräch, =1+1")
    secret = history_actions.add_note(bob.membership, [company.record], "Nur für uns", confidential=True)
    history_actions.add_comment(bob.membership, "Gute Idee", entry=note)
    task_actions.create_task(alice.membership, {"title": "Anrufen"}, record=person.record)
    attachment = file_actions.upload_file(alice.membership, SimpleUploadedFile("../Angebot 2027.pdf", b"%PDF-1.4\n"),
                                          record=person.record, entry=note)
    gone = make_person(alice, "Gelöscht", "Gustav")
    trash_record(gone.record, alice.membership)
    return {"company": company, "person": person, "deal": deal, "project": project, "note": note,
            "secret": secret, "file": attachment}


def test_the_owner_downloads_every_kind_of_data_and_every_file(alice, world):
    archive = download(alice)
    names = set(archive.namelist())
    assert set(TABLES) | {"README.txt"} <= names
    assert [row["Last name"] for row in table(archive, "people.csv")] == ["Müller"]
    assert [row["Name"] for row in table(archive, "companies.csv")] == ["Müller & Söhne GmbH"]
    assert [row["Name"] for row in table(archive, "deals.csv")] == ["Relaunch Webshop"]
    assert [row["Name"] for row in table(archive, "projects.csv")] == ["Webshop 2027"]
    assert [row["Title"] for row in table(archive, "tasks.csv")] == ["Anrufen"]
    assert {row["Name"] for row in table(archive, "tags.csv")} == {"Kunde"}
    assert [(row["Record"], row["Tag"]) for row in table(archive, "tagged_records.csv")] == [("Jürgen Müller", "Kunde")]


def test_history_entries_come_with_their_record_links_and_comments(alice, world):
    archive = download(alice)
    history = {row["ID"]: row for row in table(archive, "history.csv")}
    assert history[str(world["note"].pk)]["Text"] == "Erstes Gespräch, =1+1"
    assert history[str(world["secret"].pk)]["Confidential"] == "yes"  # the owner reads everything
    links = {(row["Entry ID"], row["Record type"], row["Record"]) for row in table(archive, "history_links.csv")}
    note = str(world["note"].pk)
    assert {(note, "Person", "Jürgen Müller"), (note, "Deal", "Relaunch Webshop")} <= links
    assert [row["Text"] for row in table(archive, "comments.csv")] == ["Gute Idee"]


def test_contact_details_addresses_and_positions_are_their_own_tables(alice, world):
    archive = download(alice)
    details = {(row["Record"], row["Type"], row["Value"]) for row in table(archive, "contact_details.csv")}
    assert ("Jürgen Müller", "E-mail", "juergen.mueller@example.com") in details
    assert ("Müller & Söhne GmbH", "Website", "https://mueller.example") in details
    cities = {(row["Record"], row["City"]) for row in table(archive, "addresses.csv")}
    assert cities == {("Jürgen Müller", "Düsseldorf"), ("Müller & Söhne GmbH", "Berlin")}
    position = table(archive, "positions.csv")[0]
    assert (position["Person"], position["Company"], position["Job title"], position["Primary"]) == (
        "Jürgen Müller", "Müller & Söhne GmbH", "Einkaufsleiter", "yes")


def test_files_are_stored_under_their_id_and_a_safe_name(alice, world):
    archive = download(alice)
    attachment = world["file"]
    path = f"files/{attachment.pk}-{safe_file_name(attachment.name)}"
    assert archive.read(path) == b"%PDF-1.4\n"
    listed = table(archive, "files.csv")[0]
    assert (listed["File name"], listed["Path in this zip"], listed["Record"]) == (
        attachment.name, path, "Jürgen Müller")


def test_records_in_the_trash_are_left_out(alice, world):
    archive = download(alice)
    for name in ("people.csv", "contact_details.csv", "addresses.csv", "tagged_records.csv"):
        assert "Gelöscht" not in archive.read(name).decode("utf-8"), name


@pytest.mark.parametrize("persona", ["dave", "bob", "carol"])
def test_only_the_owner_may_download_the_account(persona, world, request):
    response = request.getfixturevalue(persona).client.post(reverse("export:account"))
    assert response.status_code == 403


def test_the_download_is_a_post_so_no_link_elsewhere_can_start_one(alice, world):
    assert alice.client.get(reverse("export:account")).status_code == 405


def test_the_settings_page_offers_the_download_to_the_owner_only(alice, dave):
    assert reverse("export:account") in alice.client.get(reverse("accounts:settings")).content.decode()
    assert reverse("export:account") not in dave.client.get(reverse("accounts:settings")).content.decode()


def test_the_outsider_downloads_only_their_own_account(oscar, world):
    response = oscar.client.post(reverse("export:account"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert table(archive, "people.csv") == []
    assert not [name for name in archive.namelist() if name.startswith("files/")]


def test_a_file_whose_bytes_are_gone_is_listed_without_a_path(alice, world):
    world["file"].file.storage.delete(world["file"].file.name)
    target = io.BytesIO()
    write_account_zip(alice.account, target)
    archive = zipfile.ZipFile(target)
    assert table(archive, "files.csv")[0]["Path in this zip"] == ""


def _give_photo(persona, obj) -> None:
    from PIL import Image

    from kontor.contacts.actions import set_photo

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(buffer, "JPEG")
    set_photo(obj, SimpleUploadedFile("foto.jpg", buffer.getvalue(), "image/jpeg"), persona.membership)


def test_photos_of_people_and_logos_of_companies_come_along(alice, world):
    _give_photo(alice, world["person"])
    _give_photo(alice, world["company"])
    archive = download(alice)
    rows = table(archive, "photos.csv")
    assert [(row["Record"], row["Record type"]) for row in rows] == [
        ("Jürgen Müller", "Person"), ("Müller & Söhne GmbH", "Company")]
    person_photo = rows[0]["Path in this zip"]
    assert person_photo == f"photos/{world['person'].pk}-Jürgen Müller.webp"
    with world["person"].photo as stored:
        assert archive.read(person_photo) == stored.read()


def test_a_photo_whose_bytes_are_gone_is_listed_without_a_path(alice, world):
    _give_photo(alice, world["person"])
    world["person"].photo.storage.delete(world["person"].photo.name)
    target = io.BytesIO()
    write_account_zip(alice.account, target)
    assert table(zipfile.ZipFile(target), "photos.csv")[0]["Path in this zip"] == ""


@pytest.mark.parametrize("name, safe", [("../../etc/passwd", "_.._etc_passwd"), ("a/b\\c.txt", "a_b_c.txt"),
                                        (".hidden", "hidden"), ("", "file"), ("Angebot.pdf", "Angebot.pdf")])
def test_file_names_cannot_leave_the_files_folder(name, safe):
    assert safe_file_name(name) == safe


def test_the_lists_carry_their_custom_fields(alice, world):
    from kontor.records.custom_fields import create_custom_field, set_custom_values
    from kontor.records.models import FieldType, Kind

    field = create_custom_field(alice.membership, Kind.DEAL, "Quelle", FieldType.TEXT)
    set_custom_values(world["deal"].record, alice.membership, {field: "Messe"})
    assert [row["Quelle"] for row in table(download(alice), "deals.csv")] == ["Messe"]
