"""The start page's notes and activity lines, written from their rows' skeletons
(history/templatetags/start_tags.py): each row's own texts escaped, its shape (confidential, on
records or not, linked or not) as the template says, and no row's text in another row."""

from __future__ import annotations

import re

from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.records import actions as record_actions


def _card(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def _notes(persona) -> list[str]:  # noqa: ANN001 - the persona
    card = _card(persona.client.get(reverse("start")).content.decode(), "latest-notes")
    return re.findall(r'<li class="entry.*?</li>', card, re.DOTALL)


def test_each_note_shows_its_own_author_records_and_text_escaped(alice, bob):
    firm = contact_actions.create_company(alice.membership, {"name": "Müller & Söhne <GmbH>"})
    person = contact_actions.create_person(alice.membership, {"last_name": "Weber"})
    history_actions.add_note(alice.membership, [firm.record, person.record], "Offer <b>sent</b> 100% & more")
    history_actions.add_note(bob.membership, [person.record], "Call back on www.example.com please")
    newest, older = _notes(alice)
    assert "Bob Berger" in newest and 'href="http://www.example.com" rel="nofollow"' in newest
    assert "Offer" not in newest and "Müller" not in newest
    assert "Alice Adler" in older
    assert "Offer &lt;b&gt;sent&lt;/b&gt; 100% &amp; more" in older
    assert f'<a href="{firm.get_absolute_url()}#entry-' in older and "Müller &amp; Söhne &lt;GmbH&gt;</a>" in older
    assert older.index("Müller") < older.index("Weber")  # the records by name


def test_a_long_note_is_cut_and_a_confidential_one_is_marked(alice):
    person = contact_actions.create_person(alice.membership, {"last_name": "Weber"})
    history_actions.add_note(alice.membership, [person.record], "x" * 300)
    history_actions.add_note(alice.membership, [person.record], "Merger talks", confidential=True)
    confidential, long = _notes(alice)
    assert confidential.startswith('<li class="entry entry-confidential">') and "confidential</span>" in confidential
    assert long.startswith('<li class="entry">') and "confidential" not in long
    assert "x" * 279 + "…" in long and "x" * 280 not in long


def test_a_note_whose_records_are_all_in_the_trash_names_none(alice):
    gone = contact_actions.create_person(alice.membership, {"last_name": "Weg"})
    kept = contact_actions.create_person(alice.membership, {"last_name": "Bleibt"})
    history_actions.add_note(alice.membership, [gone.record], "About Weg")
    history_actions.add_note(alice.membership, [kept.record], "About Bleibt")
    record_actions.trash_record(gone.record, alice.membership)
    on_kept, on_gone = _notes(alice)
    assert "About Weg" in on_gone and "<span>on " not in on_gone and "Weg</a>" not in on_gone
    assert "<span>on " in on_kept and "Bleibt</a>" in on_kept


def test_activity_lines_link_live_records_and_a_deletion_s_line_stays_unlinked(alice):
    kept = contact_actions.create_person(alice.membership, {"last_name": "Bleibt & Co"})
    gone = contact_actions.create_person(alice.membership, {"last_name": "Weg"})
    record_actions.trash_record(gone.record, alice.membership)
    card = _card(alice.client.get(reverse("start")).content.decode(), "team-activity")
    lines = re.findall(r'<li class="activity-line">.*?</li>', card, re.DOTALL)
    assert len(lines) == 2  # the lines about a record in the trash are left out but its deletion
    trashed, created_kept = lines
    assert '<span class="activity-text">Alice Adler moved Weg to the trash.</span>' in trashed
    assert (f'<a href="{kept.get_absolute_url()}" class="activity-text">Alice Adler created Bleibt &amp; Co.</a>'
            in created_kept)
    assert all("<time datetime=" in line for line in lines)
