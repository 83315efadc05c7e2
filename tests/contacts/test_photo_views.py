import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kontor.contacts import actions


def image_file(name: str = "photo.png", image_format: str = "PNG", size: tuple[int, int] = (600, 400)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 92, 99)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def test_a_good_png_is_stored_and_served_to_the_team(alice, carol):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    response = carol.client.post(reverse("people:photo", args=[person.pk]), {"photo": image_file()})
    assert response["Location"] == reverse("people:edit", args=[person.pk])
    person.refresh_from_db()
    assert person.photo
    served = alice.client.get(reverse("people:photo", args=[person.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert "private" in served["Cache-Control"]
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.size == (400, 400)
    page = alice.client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert f'src="{reverse("people:photo", args=[person.pk])}?v=' in page


def test_an_outsider_cannot_see_the_photo(alice, oscar):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    alice.client.post(reverse("people:photo", args=[person.pk]), {"photo": image_file()})
    assert oscar.client.get(reverse("people:photo", args=[person.pk])).status_code == 404


def test_a_text_file_named_jpg_is_refused_with_a_message(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    fake = SimpleUploadedFile("photo.jpg", b"this is just text", content_type="image/jpeg")
    response = alice.client.post(reverse("people:photo", args=[person.pk]), {"photo": fake}, follow=True)
    assert b"not an image Kontor can read" in response.content
    person.refresh_from_db()
    assert not person.photo


def test_a_gif_is_refused(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    response = alice.client.post(reverse("people:photo", args=[person.pk]),
                                 {"photo": image_file("anim.gif", "GIF")}, follow=True)
    assert b"Please upload a JPEG, PNG or WebP image." in response.content
    person.refresh_from_db()
    assert not person.photo


def test_a_too_large_photo_is_refused(alice, settings):
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (1024 * 1024 + 1), content_type="image/png")
    response = alice.client.post(reverse("people:photo", args=[person.pk]), {"photo": big}, follow=True)
    assert b"The photo is too large" in response.content
    person.refresh_from_db()
    assert not person.photo


def test_an_upload_without_a_file_says_so(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    response = alice.client.post(reverse("people:photo", args=[person.pk]), {}, follow=True)
    assert response.status_code == 200
    assert b"message-error" in response.content


def test_remove_the_photo(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    alice.client.post(reverse("people:photo", args=[person.pk]), {"photo": image_file()})
    alice.client.post(reverse("people:photo", args=[person.pk]), {"remove": "1"})
    person.refresh_from_db()
    assert not person.photo
    assert alice.client.get(reverse("people:photo", args=[person.pk])).status_code == 404


def test_a_company_logo_works_the_same(alice):
    company = actions.create_company(alice.membership, {"name": "Acme"})
    logo = image_file("logo.jpg", "JPEG")
    alice.client.post(reverse("companies:photo", args=[company.pk]), {"photo": logo})
    assert alice.client.get(reverse("companies:photo", args=[company.pk]))["Content-Type"] == "image/webp"
