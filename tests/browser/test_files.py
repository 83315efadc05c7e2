"""Files clicked through in Chromium: choose a file on a person's Files card, drop one onto it,
attach one to a note with the paperclip, find them in the Files area, on a phone too."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from tests.browser.login import PASSWORD, anna_account, log_in

PDF = b"%PDF-1.4\n%%EOF\n"

pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def _log_in(page: Page) -> tuple:
    owner = anna_account()
    person = contact_actions.create_person(owner, {"first_name": "Jonas", "last_name": "Weber"})
    log_in(page)
    return owner, person


def _drop(page: Page, selector: str, name: str, content: bytes, mime: str) -> None:
    """Drops a file onto an element as the operating system's file manager would."""
    data = page.evaluate_handle(
        """([name, bytes, mime]) => { const transfer = new DataTransfer();
             transfer.items.add(new File([new Uint8Array(bytes)], name, {type: mime})); return transfer; }""",
        [name, list(content), mime])
    page.dispatch_event(selector, "dragenter", {"dataTransfer": data})
    page.dispatch_event(selector, "drop", {"dataTransfer": data})


def test_files_are_chosen_dropped_and_attached_to_a_note(page: Page):
    owner, person = _log_in(page)
    history_actions.add_note(owner, [person.record], "Angebot besprochen")
    page.goto(f"/people/{person.pk}/")
    card = page.locator("[data-testid=record-files]")
    expect(card.locator("[data-file-submit]")).to_be_hidden()  # uploads start on choosing

    card.locator("input[type=file]").set_input_files(
        {"name": "Angebot.pdf", "mimeType": "application/pdf", "buffer": PDF})
    expect(card.locator("[data-testid=file]").filter(has_text="Angebot.pdf")).to_be_visible()

    _drop(page, f"#files-{person.pk} .file-drop", "Messe.png", _png(), "image/png")
    photo = card.locator("[data-testid=file]").filter(has_text="Messe.png")
    expect(photo.locator("img")).to_be_visible()
    # The thumbnail really loads (through the access-checked view), not just its <img>.
    page.wait_for_function(f"() => Array.from(document.querySelectorAll('#files-{person.pk} img'))"
                           ".some(image => image.complete && image.naturalWidth > 0)")

    entry = page.locator(".entry").filter(has_text="Angebot besprochen")
    entry.locator(".entry-attach summary").click()
    entry.locator("input[type=file]").set_input_files(
        {"name": "Protokoll.pdf", "mimeType": "application/pdf", "buffer": PDF})
    expect(entry.locator("[data-testid=file]").filter(has_text="Protokoll.pdf")).to_be_visible()
    assert Attachment.objects.filter(entry__isnull=False).get().name == "Protokoll.pdf"

    page.goto("/files/")
    expect(page.locator("[data-testid=file]")).to_have_count(3)
    if os.environ.get("KONTOR_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['KONTOR_SCREENSHOTS']}/desktop_files.png", full_page=True)
        page.goto(f"/people/{person.pk}/")
        page.screenshot(path=f"{os.environ['KONTOR_SCREENSHOTS']}/desktop_person.png", full_page=True)
        page.goto("/files/")
    page.locator(".file-filters [name=q]").fill("messe")
    expect(page.locator("[data-testid=file]")).to_have_count(1)


def test_the_files_area_fits_a_phone(phone_page: Page):
    owner, person = _log_in(phone_page)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kontor.files import actions
    for number in range(3):
        actions.upload_file(owner, SimpleUploadedFile(f"Ein recht langer Dateiname für ein Angebot {number}.pdf", PDF),
                            record=person.record)
    photo = actions.upload_file(owner, SimpleUploadedFile("Foto.png", _png()), record=person.record)
    for path in ("/files/", f"/people/{person.pk}/", f"/files/{photo.pk}/"):
        phone_page.goto(path)
        expect(phone_page.locator("[data-testid=file], .file-preview").first).to_be_visible()
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways: {width}px"
        if os.environ.get("KONTOR_SCREENSHOTS"):
            phone_page.screenshot(path=f"{os.environ['KONTOR_SCREENSHOTS']}/phone{path.replace('/', '_')}.png",
                                  full_page=True)


def test_a_colleague_comments_on_a_file_in_place_and_the_uploader_is_told(page: Page):
    owner, person = _log_in(page)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kontor.accounts.roles import Role
    from kontor.files import actions
    from kontor.notifications.models import Notification
    colleague = account_actions.add_user(owner.account, "ben@example.com", PASSWORD, "Ben Berger", Role.MEMBER,
                                         language="en")
    offer = actions.upload_file(colleague, SimpleUploadedFile("Angebot.pdf", PDF), record=person.record)
    page.goto(f"/files/{offer.pk}/")
    card = page.locator(f"#file-comments-{offer.pk}")
    expect(card).to_contain_text("No comments yet.")
    card.locator("textarea[name=body]").fill("Page 2: the discount is missing.")
    card.locator("label").filter(has_text="Ben Berger").locator("input").check()
    url_before = page.url
    card.locator("button[type=submit]").click()
    expect(card.locator(".comment")).to_contain_text("Page 2: the discount is missing.")
    expect(card.locator("textarea[name=body]")).to_have_value("")
    assert page.url == url_before  # in place, no page load
    told = Notification.objects.get(recipient=colleague.user)
    assert told.url.startswith(f"/files/{offer.pk}/#comment-")
