"""/api/v1/files: upload, list, read, download and delete, with the same rules as the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kontor.contacts import actions as contact_actions
from kontor.files import actions
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from kontor.records import actions as record_actions
from tests.files.conftest import PDF, png_bytes, put_file

from .conftest import PREFIX


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Müller"})


def _send(client, data: dict):  # noqa: ANN001, ANN202
    return client.client.post(PREFIX + "/files", data, headers=client.headers)


def _file(name: str = "Angebot.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_file_is_uploaded_read_listed_and_downloaded(api, alice, anna):
    client = api(alice)
    response = _send(client, {"record_id": anna.pk, "file": _file()})
    assert response.status_code == 201, response.json()
    data = response.json()
    assert {k: data[k] for k in ("name", "content_type", "type", "size", "record_id", "record_kind", "record_name",
                                 "entry_id", "uploaded_by_id", "has_thumbnail")} == {
        "name": "Angebot.pdf", "content_type": "application/pdf", "type": "pdf", "size": len(PDF),
        "record_id": anna.pk, "record_kind": "person", "record_name": "Anna Müller", "entry_id": None,
        "uploaded_by_id": alice.user.pk, "has_thumbnail": False}
    assert data["thumbnail_url"] is None
    assert client.get(f"/files/{data['id']}").json() == data
    assert client.get("/files").json()["items"] == [data]
    download = client.client.get(data["download_url"], headers=client.headers)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="Angebot.pdf"')
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_a_file_is_uploaded_onto_an_entry(api, alice, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Besprechung")
    response = _send(api(alice), {"entry_id": entry.pk, "file": _file("Foto.png", png_bytes())})
    assert response.status_code == 201, response.json()
    assert response.json()["entry_id"] == entry.pk and response.json()["record_id"] == anna.pk
    assert response.json()["has_thumbnail"] is True
    client = api(alice)
    preview = client.client.get(response.json()["thumbnail_url"], headers=client.headers)
    assert preview.status_code == 200 and preview["Content-Type"] == "image/webp"


def test_bad_uploads_get_a_422_and_nothing_is_written(api, alice, oscar, anna):
    client = api(alice)
    cases = [
        ({"record_id": anna.pk}, ["body", "file"]),
        ({"record_id": anna.pk, "file": _file(content=b"")}, ["body", "file"]),
        ({"file": _file()}, ["body", "record_id"]),
        ({"record_id": 999_999, "file": _file()}, ["body", "record_id"]),
        ({"entry_id": 999_999, "file": _file()}, ["body", "entry_id"]),
    ]
    for data, loc in cases:
        response = _send(client, data)
        assert response.status_code == 422, data
        assert response.json()["detail"][0]["loc"] == loc, response.json()
    oscars_person = contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    response = _send(client, {"record_id": oscars_person.pk, "file": _file()})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "record_id"]
    assert not Attachment.objects.exists()


def test_a_too_large_file_gets_413(api, alice, anna, settings):
    settings.KONTOR_MAX_UPLOAD_BYTES = 10
    response = _send(api(alice), {"record_id": anna.pk, "file": _file()})
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert not Attachment.objects.exists()


def test_the_list_filters(api, alice, bob, anna):
    company = contact_actions.create_company(alice.membership, {"name": "Berger KG"})
    offer = put_file(alice, anna.record, name="Angebot.pdf")
    photo = put_file(bob, company.record, name="Messe.png", content=png_bytes())
    client = api(alice)

    def ids(**params) -> list[int]:  # noqa: ANN003
        return [item["id"] for item in client.get("/files", params).json()["items"]]

    assert ids() == [photo.pk, offer.pk]
    assert ids(record_id=anna.pk) == [offer.pk]
    assert ids(uploaded_by_id=bob.user.pk) == [photo.pk]
    assert ids(type="image") == [photo.pk]
    assert ids(q="angebot") == [offer.pk]
    assert ids(created_before="2000-01-01T00:00:00") == []
    assert client.get("/files", {"type": "exe"}).status_code == 422
    page = client.get("/files", {"per_page": 1}).json()
    assert page["has_next"] is True and len(page["items"]) == 1


def test_files_of_trashed_records_are_left_out_until_restored(api, alice, anna):
    attachment = put_file(alice, anna.record)
    client = api(alice)
    record_actions.trash_record(anna.record, alice.membership)
    assert client.get("/files").json()["items"] == []
    assert client.get(f"/files/{attachment.pk}").status_code == 404
    record_actions.restore_record(anna.record, alice.membership)
    assert client.get(f"/files/{attachment.pk}").status_code == 200


def test_another_accounts_file_is_a_404_like_a_missing_one(api, alice, oscar, anna):
    attachment = put_file(alice, anna.record)
    client = api(oscar)
    for path in (f"/files/{attachment.pk}", f"/files/{attachment.pk}/download"):
        response = client.get(path)
        missing = client.get(path.replace(str(attachment.pk), "999999"))
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()
    assert client.delete(f"/files/{attachment.pk}").status_code == 404
    assert Attachment.objects.get().deleted_at is None


def test_delete_follows_the_role_rules(api, alice, bob, carol, anna):
    attachment = put_file(alice, anna.record)
    own = actions.upload_file(carol.membership, _file("eigen.pdf"), record=anna.record)
    assert api(carol).delete(f"/files/{attachment.pk}").status_code == 403
    assert Attachment.objects.get(pk=attachment.pk).deleted_at is None
    assert api(carol).delete(f"/files/{own.pk}").status_code == 204
    assert api(bob).delete(f"/files/{attachment.pk}").status_code == 204
    assert api(alice).get("/files").json()["items"] == []


def test_the_list_has_a_fixed_query_count(api, alice, bob, anna, django_assert_max_num_queries):
    client = api(alice)
    put_file(alice, anna.record)
    with django_assert_max_num_queries(8) as few:
        client.get("/files")
    for number in range(10):
        put_file(bob, anna.record, name=f"{number}.pdf")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/files").json()["items"]) == 11
