"""A person's or company's photo through the API: set, read, replace, remove; refusals leave the old one."""

from __future__ import annotations

import io

from PIL import Image

from kontor.contacts import actions as contact_actions
from tests.contacts.test_photo_views import image_file


def _upload(api, persona, path: str, upload):  # noqa: ANN001, ANN202
    client = api(persona)
    return client.client.post(f"/api/v1{path}", {"photo": upload}, headers=client.headers)


def test_a_photo_is_set_read_and_removed(api, alice, carol):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    path = f"/people/{person.pk}/photo"
    assert api(alice).get(path).status_code == 404

    answer = _upload(api, carol, path, image_file())
    assert answer.status_code == 200
    assert answer.json() == {"record_id": person.pk, "has_photo": True, "url": f"/api/v1{path}"}
    served = api(alice).get(path)
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.size == (400, 400)

    removed = api(alice).delete(path)
    assert removed.status_code == 200 and removed.json()["has_photo"] is False
    assert api(alice).get(path).status_code == 404


def test_a_company_takes_a_photo_too(api, alice):
    company = contact_actions.create_company(alice.membership, {"name": "Schraubenwerk Süd AG"})
    answer = _upload(api, alice, f"/companies/{company.pk}/photo", image_file("logo.jpg", "JPEG"))
    assert answer.status_code == 200 and answer.json()["has_photo"] is True
    company.refresh_from_db()
    assert company.photo


def test_a_file_that_is_no_image_is_refused_and_the_old_photo_stays(api, alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    path = f"/people/{person.pk}/photo"
    _upload(api, alice, path, image_file())
    person.refresh_from_db()
    before = person.photo.name

    from django.core.files.uploadedfile import SimpleUploadedFile
    refused = _upload(api, alice, path, SimpleUploadedFile("cv.pdf", b"%PDF-1.4 not an image"))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "photo"]
    assert "not an image" in refused.json()["detail"][0]["msg"]
    missing = api(alice).post(path, {})
    assert missing.status_code == 422
    person.refresh_from_db()
    assert person.photo.name == before


def test_another_accounts_record_is_not_found(api, alice, oscar):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    path = f"/people/{person.pk}/photo"
    assert _upload(api, oscar, path, image_file()).status_code == 404
    assert api(oscar).get(path).status_code == 404
    assert api(oscar).delete(path).status_code == 404
    person.refresh_from_db()
    assert not person.photo
