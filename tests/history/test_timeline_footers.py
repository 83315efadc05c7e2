"""Every entry of a timeline carries its own edit, delete, paperclip and comment links, whoever reads
it (the footers are rendered once per process and copied with each page's record, entry and CSRF
token: timeline_tags._shared_footer)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions


@pytest.fixture
def anna(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Albers"})


def _entry_html(page: str, entry_id: int) -> str:
    start = page.index(f'id="entry-{entry_id}"')
    end = page.find('<li class="entry ', start)
    return page[start:end if end != -1 else len(page)]


def test_each_entry_links_to_itself_with_what_the_reader_may_do(alice, carol, anna):
    own = history_actions.add_note(alice.membership, [anna.record], "Angebot geschickt")
    theirs = history_actions.add_note(carol.membership, [anna.record], "Rückruf erbeten")
    commented = history_actions.add_note(carol.membership, [anna.record], "Termin vereinbart")
    history_actions.add_comment(alice.membership, "Danke!", entry=commented)
    for reader, editable, deletable in ((alice, {own}, {own, theirs, commented}),
                                        (carol, {theirs, commented}, {theirs, commented})):
        page = reader.client.get(anna.record.get_absolute_url()).content.decode()
        assert "987654321" not in page
        for entry in (own, theirs, commented):
            html = _entry_html(page, entry.pk)
            record = anna.record.pk
            assert (reverse("history:edit", args=[record, entry.pk]) in html) == (entry in editable)
            assert (reverse("history:delete", args=[record, entry.pk]) in html) == (entry in deletable)
            assert f'hx-target="#entry-files-{entry.pk}"' in html
            assert reverse("files:upload_entry", args=[record, entry.pk]) in html
            assert f'id="comments-{entry.pk}"' in html
            assert reverse("history:comment", args=[record, entry.pk]) in html
            ids = set(re.findall(r"/notes/on/\d+/(\d+)/", html)) | set(re.findall(r"/files/on/\d+/(\d+)/", html))
            assert ids == {str(entry.pk)}
        commented_html = _entry_html(page, commented.pk)
        assert "Danke!" in commented_html and "Comment (1)" in commented_html


def test_a_german_reader_gets_german_footers_after_an_english_one(alice, carol, anna):
    carol.membership.user.language = "de"
    carol.membership.user.save(update_fields=["language"])
    history_actions.add_note(carol.membership, [anna.record], "Notiz")
    assert ">Comment</a>" in alice.client.get(anna.record.get_absolute_url()).content.decode()
    page = carol.client.get(anna.record.get_absolute_url()).content.decode()
    assert ">Kommentieren</a>" in page and ">Bearbeiten</a>" in page


def test_footers_shared_between_records_and_requests_carry_each_page_s_record_and_token(alice, anna, settings):
    bert = contact_actions.create_person(alice.membership, {"first_name": "Bert", "last_name": "Brandt"})
    notes = {person: history_actions.add_note(alice.membership, [person.record], "Angebot") for person in (anna, bert)}
    pages = {}
    for debug in (False, True):  # with DEBUG on, the footers are rendered on every page
        settings.DEBUG = debug
        for person, note in notes.items():
            page = alice.client.get(person.record.get_absolute_url()).content.decode()
            (token,) = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
            html = _entry_html(page, note.pk)
            assert reverse("files:upload_entry", args=[person.record.pk, note.pk]) in html
            assert reverse("history:edit", args=[person.record.pk, note.pk]) in html
            assert f'name="csrfmiddlewaretoken" value="{token}"' in html and "\ue000" not in page
            pages[person, debug] = html.replace(token, "token")
    assert all(pages[person, False] == pages[person, True] for person in notes)
