"""/api/v1/imports: upload a file, follow the import, read the outcome, undo it."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kontor.contacts.models import Person
from kontor.transfer.models import Import
from tests.api.conftest import PREFIX
from tests.transfer.import_files import vcard, xlsx

ROWS = [["Anna", "Adler", "anna@adler.de", "Adler GmbH", "Chefin", "", ""],
        ["Emil", "Ernst", "kein-mail", "", "", "", ""]]


def _post(client, data=None, name="kontakte.xlsx", capture=None, **fields):
    body = {"file": SimpleUploadedFile(name, xlsx(ROWS) if data is None else data), **fields}
    if capture is None:
        return client.client.post(PREFIX + "/imports", body, headers=client.headers)
    with capture(execute=True):
        return client.client.post(PREFIX + "/imports", body, headers=client.headers)


def test_a_file_is_imported_in_the_background(api, alice, django_capture_on_commit_callbacks):
    client = api(alice)
    response = _post(client, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 202
    started = response.json()
    assert started["state"] in ("pending", "running", "done") and started["file_name"] == "kontakte.xlsx"
    found = client.get(f"/imports/{started['id']}").json()
    assert (found["state"], found["progress"], found["rows"], found["created"]) == ("done", 100, 2, 1)
    assert found["errors"] == [{"row": 3, "column": "E-Mail", "message": found["errors"][0]["message"]}]
    assert found["mapping"]["Nachname"] == "last_name" and found["can_undo"] is True
    assert Person.objects.get().last_name == "Adler"


def test_the_mapping_and_the_duplicates_choice_can_be_given(api, alice, django_capture_on_commit_callbacks):
    client = api(alice)
    mapping = json.dumps({"E-Mail": None, "Firma": None})
    response = _post(client, capture=django_capture_on_commit_callbacks, mapping=mapping, duplicates="create")
    found = client.get(f"/imports/{response.json()['id']}").json()
    assert found["created"] == 2 and found["mapping"]["E-Mail"] is None and found["duplicates"] == "create"


def test_a_dry_run_counts_without_storing_anything(api, alice):
    response = _post(api(alice), dry_run="true")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["created"], body["error_count"]) == (None, 1, 1)
    assert not Import.objects.exists() and not Person.objects.exists()


def test_an_unreadable_file_is_refused_at_once(api, alice):
    for data, name in ((b"", "leer.csv"), (b"\x00\xffgarbage" * 50, "x.xlsx"), (b"PK\x03\x04junk", "y.xlsx")):
        response = _post(api(alice), data, name)
        assert response.status_code == 422, name
        assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert not Import.objects.exists()


def test_a_mapping_that_is_not_json_or_names_unknown_columns_is_refused(api, alice):
    assert _post(api(alice), mapping="not json").status_code == 422
    response = _post(api(alice), mapping=json.dumps({"Fax": "fax"}))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "mapping", "Fax"]
    assert _post(api(alice), mapping=json.dumps({"Nachname": "no_such_field"})).status_code == 422
    assert not Import.objects.exists()


def test_a_member_may_import_one_vcard_but_no_spreadsheet(api, carol, django_capture_on_commit_callbacks):
    client = api(carol)
    assert _post(client).status_code == 403
    response = _post(client, vcard("Anna", "Adler").encode(), "anna.vcf", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 202


def test_imports_are_listed_newest_first(api, alice, django_capture_on_commit_callbacks):
    client = api(alice)
    _post(client, name="erste.xlsx", capture=django_capture_on_commit_callbacks)
    _post(client, name="zweite.xlsx", capture=django_capture_on_commit_callbacks)
    items = client.get("/imports").json()["items"]
    assert [item["file_name"] for item in items] == ["zweite.xlsx", "erste.xlsx"]


def test_an_import_can_be_undone_within_24_hours(api, alice, django_capture_on_commit_callbacks):
    client = api(alice)
    import_id = _post(client, capture=django_capture_on_commit_callbacks).json()["id"]
    response = client.post(f"/imports/{import_id}/undo")
    assert response.status_code == 200 and response.json()["state"] == "undone"
    assert not Person.objects.exists()
    assert client.post(f"/imports/{import_id}/undo").status_code == 409


def test_an_old_import_cannot_be_undone(api, alice, django_capture_on_commit_callbacks):
    client = api(alice)
    import_id = _post(client, capture=django_capture_on_commit_callbacks).json()["id"]
    Import.objects.filter(pk=import_id).update(finished_at=timezone.now() - dt.timedelta(days=2))
    assert client.get(f"/imports/{import_id}").json()["can_undo"] is False
    assert client.post(f"/imports/{import_id}/undo").status_code == 409
    assert Person.objects.exists()


def test_the_error_report_downloads_as_xlsx(api, alice, django_capture_on_commit_callbacks):
    client = api(alice)
    import_id = _post(client, capture=django_capture_on_commit_callbacks).json()["id"]
    response = client.get(f"/imports/{import_id}/report")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_another_accounts_import_is_not_found(api, alice, oscar, django_capture_on_commit_callbacks):
    import_id = _post(api(alice), capture=django_capture_on_commit_callbacks).json()["id"]
    client = api(oscar)
    assert client.get(f"/imports/{import_id}").status_code == 404
    assert client.post(f"/imports/{import_id}/undo").status_code == 404
    assert client.get("/imports").json()["items"] == []
