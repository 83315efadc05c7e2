"""The inbox pages with what a hand-edited address or a script may send: numbers in other scripts,
superscripts, NUL bytes, ids larger than any column. Each answer is a page or a 404, never a 500,
and nothing is filed by it."""

from __future__ import annotations

import pytest

from kontor.mail.models import InboundState

from .arrivals import arrive

ODD_NUMBERS = ["²", "١٢", "-1", "1\x00", "9" * 40, "x" * 3000, ""]


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_an_odd_page_number_shows_the_first_page(alice, value):
    arrive(alice)
    response = alice.client.get("/inbox/", {"page": value})
    assert response.status_code == 200
    assert 'data-testid="inbox-item"' in response.content.decode()


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_an_odd_attachment_number_is_a_404(alice, value):
    item = arrive(alice, attachments=(("Angebot.pdf", b"%PDF-1.4"),))
    assert alice.client.get(f"/inbox/{item.pk}/attachment/", {"number": value}).status_code == 404


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_an_odd_record_id_is_refused_in_place_and_files_nothing(alice, value):
    item = arrive(alice)
    assert alice.client.get(f"/inbox/{item.pk}/file/", {"record": value, "q": value}).status_code == 200
    response = alice.client.post(f"/inbox/{item.pk}/file/", {"record": value})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == InboundState.INBOX
