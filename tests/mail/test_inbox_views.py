"""The inbox pages: the list, reading a message, filing it, a person from its sender, discarding;
each in place with htmx and as plain pages and forms."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Person
from kontor.history.models import Entry
from kontor.mail import filing, intake
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail, InboundState
from kontor.projects import actions as project_actions

from .arrivals import arrive

HTMX = {"HX-Request": "true"}


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Kunde GmbH"})


def test_the_inbox_lists_what_waits_with_sender_subject_first_lines_and_why(alice):
    arrive(alice, attachments=(("Angebot.pdf", b"%PDF-1.4"),))
    page = alice.client.get("/inbox/").content.decode()
    assert "Anna Berger" in page and "anna.berger@kunde.example" in page
    assert "Anfrage Relaunch" in page
    assert "wir hätten gern ein Angebot" in page
    assert "No person or company has" in page
    assert "1 attachment" in page
    assert "Download .eml" in page


def test_an_empty_inbox_explains_itself_and_shows_the_dropbox_address(alice):
    page = alice.client.get("/inbox/").content.decode()
    assert "Your inbox is empty" in page
    assert dropbox_for(alice.membership).address in page


def test_the_header_shows_how_many_messages_wait(alice):
    assert 'id="inbox-shortcut"' in alice.client.get("/").content.decode()
    assert 'data-testid="inbox-count"' not in alice.client.get(reverse("notifications:bell")).content.decode()
    arrive(alice)
    arrive(alice)
    bell = alice.client.get(reverse("notifications:bell")).content.decode()
    assert 'hx-swap-oob="true"' in bell
    assert 'data-testid="inbox-count">2</span>' in bell
    assert "Inbox: 2 messages waiting" in bell


def test_pages_pay_no_query_for_the_inbox_count(alice):
    arrive(alice)
    with CaptureQueriesContext(connection) as queries:
        page = alice.client.get("/people/").content.decode()
    assert not [q for q in queries.captured_queries if "mail_inboundmail" in q["sql"]]
    assert 'id="inbox-shortcut"' in page


def test_htmx_fragments_do_not_count_the_inbox(alice):
    with CaptureQueriesContext(connection) as queries:
        alice.client.get("/inbox/", headers=HTMX)
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"] and "mail_inboundmail" in q["sql"]]


def test_the_inbox_page_costs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    for number in range(30):
        arrive(alice, subject=f"Anfrage {number}")
    alice.client.get("/inbox/")
    # session, user, membership with account and dropbox, the page of messages
    with django_assert_max_num_queries(4):
        response = alice.client.get("/inbox/")
    assert response.content.decode().count('data-testid="inbox-item"') == 25
    assert "Anfrage 29" in response.content.decode()
    assert "Anfrage 4" in alice.client.get("/inbox/?page=2").content.decode()


def test_reading_a_message_shows_its_text_and_attachments(alice):
    waiting = arrive(alice, attachments=(("Angebot.pdf", b"%PDF-1.4 offer"),))
    page = alice.client.get(f"/inbox/{waiting.pk}/").content.decode()
    assert "Viele Grüße" in page and "Angebot.pdf" in page
    download = alice.client.get(f"/inbox/{waiting.pk}/attachment/?number=1")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download.content == b"%PDF-1.4 offer"
    assert alice.client.get(f"/inbox/{waiting.pk}/attachment/?number=2").status_code == 404


def test_the_raw_message_downloads_as_eml(alice):
    waiting = arrive(alice)
    response = alice.client.get(f"/inbox/{waiting.pk}/raw/")
    assert response["Content-Type"] == "message/rfc822"
    assert 'filename="Anfrage Relaunch.eml"' in response["Content-Disposition"]
    assert b"Subject: Anfrage Relaunch" in b"".join(response.streaming_content)


def test_the_picker_finds_records_by_name(alice, firm):
    waiting = arrive(alice)
    response = alice.client.get(f"/inbox/{waiting.pk}/file/?results=1&q=kunde", headers=HTMX)
    assert f'value="{firm.pk}"' in response.content.decode()
    assert "<form" not in response.content.decode()
    full = alice.client.get(f"/inbox/{waiting.pk}/file/?q=kunde").content.decode()
    assert "File on" in full and f'value="{firm.pk}"' in full


def test_ticked_records_stay_ticked_through_another_search(alice, firm):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Berger"})
    waiting = arrive(alice)
    page = alice.client.get(f"/inbox/{waiting.pk}/file/?q=berger&record={firm.pk}").content.decode()
    assert f'value="{firm.pk}" checked' in page
    assert f'value="{anna.pk}"' in page


def test_filing_with_htmx_replaces_the_message_with_where_it_went(alice, firm):
    anna = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Berger"})
    waiting = arrive(alice)
    response = alice.client.post(f"/inbox/{waiting.pk}/file/", {"record": [firm.pk, anna.pk]}, headers=HTMX)
    page = response.content.decode()
    assert "Filed on Kunde GmbH, Anna Berger." in page
    assert 'hx-swap-oob="true"' in page
    entry = Entry.objects.get()
    assert set(entry.records.all()) == {firm.record, anna.record}


def test_filing_without_js_redirects_to_the_inbox_with_a_message(alice, firm):
    waiting = arrive(alice)
    response = alice.client.post(f"/inbox/{waiting.pk}/file/", {"record": firm.pk}, follow=True)
    assert response.redirect_chain[-1][0] == "/inbox/"
    assert "Filed on Kunde GmbH." in response.content.decode()


def test_filing_on_nothing_or_on_an_unknown_record_is_refused_in_place(alice, oscar, firm):
    waiting = arrive(alice)
    theirs = contact_actions.create_company(oscar.membership, {"name": "Outsider"})
    for data in ({}, {"record": theirs.pk}, {"record": "abc"}, {"record": 999_999}):
        response = alice.client.post(f"/inbox/{waiting.pk}/file/", data, headers=HTMX)
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
        assert response["HX-Retarget"] == f"#inbox-panel-{waiting.pk}"
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX and not Entry.objects.exists()


def test_create_person_shows_the_name_first_and_then_creates_and_files(alice):
    waiting = arrive(alice, sender="Dr. Anna Berger <anna.berger@kunde.example>")
    form = alice.client.get(f"/inbox/{waiting.pk}/person/", headers=HTMX).content.decode()
    assert 'value="Anna"' in form and 'value="Berger"' in form and 'value="Dr."' in form
    assert "anna.berger@kunde.example" in form
    response = alice.client.post(f"/inbox/{waiting.pk}/person/", {"first_name": "Anna", "last_name": "Berger-Klein",
                                                                 "title": "Dr.", "salutation": "ms"}, headers=HTMX)
    assert "Dr. Anna Berger-Klein has been created" in response.content.decode()
    person = Person.objects.get()
    assert (person.last_name, person.salutation) == ("Berger-Klein", "ms")
    waiting.refresh_from_db()
    assert waiting.state == InboundState.FILED


def test_create_person_without_a_last_name_is_refused_in_place(alice):
    waiting = arrive(alice)
    response = alice.client.post(f"/inbox/{waiting.pk}/person/", {"first_name": "Anna", "last_name": ""},
                                 headers=HTMX)
    assert 'role="alert"' in response.content.decode()
    assert not Person.objects.exists()


def test_discard_asks_first_without_js_and_can_be_undone(alice):
    waiting = arrive(alice)
    assert "Discard this message?" in alice.client.get(f"/inbox/{waiting.pk}/discard/").content.decode()
    response = alice.client.post(f"/inbox/{waiting.pk}/discard/", headers=HTMX)
    assert "has been discarded" in response.content.decode() and "Undo" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == InboundState.DISCARDED
    discarded = alice.client.get("/inbox/?show=discarded").content.decode()
    assert "Anfrage Relaunch" in discarded and "Bring back" in discarded
    back = alice.client.post(f"/inbox/{waiting.pk}/restore/", headers=HTMX)
    assert 'data-testid="inbox-item"' in back.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX


def test_discard_and_bring_back_without_js(alice):
    waiting = arrive(alice)
    response = alice.client.post(f"/inbox/{waiting.pk}/discard/", follow=True)
    assert "You can bring it back" in response.content.decode()
    response = alice.client.post(f"/inbox/{waiting.pk}/restore/", follow=True)
    assert "The message is back in your inbox." in response.content.decode()


def test_a_colleagues_or_another_accounts_message_is_a_404_on_every_page(alice, bob, oscar, firm):
    waiting = arrive(alice)
    for persona in (bob, oscar):
        for path in ("", "raw/", "attachment/?number=1", "file/", "person/", "discard/"):
            assert persona.client.get(f"/inbox/{waiting.pk}/{path}").status_code == 404, path
        for path in ("file/", "person/", "discard/", "restore/"):
            assert persona.client.post(f"/inbox/{waiting.pk}/{path}", {"record": firm.pk}).status_code == 404
        assert "Anfrage Relaunch" not in persona.client.get("/inbox/").content.decode()
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX
    assert not Entry.objects.exists() and not Person.objects.exists()
    assert InboundMail.objects.count() == 1


def test_a_filed_message_is_gone_from_the_inbox_pages(alice, firm):
    waiting = arrive(alice)
    alice.client.post(f"/inbox/{waiting.pk}/file/", {"record": firm.pk})
    assert alice.client.get(f"/inbox/{waiting.pk}/file/").status_code == 404
    assert alice.client.post(f"/inbox/{waiting.pk}/discard/").status_code == 404



def test_a_message_kontor_could_not_read_is_listed_read_and_downloaded_all_the_same(alice):
    waiting = arrive(alice, raw=b"\x00\xff\xfe garbage without any headers \x00" * 20)
    assert waiting.state == InboundState.INBOX and waiting.why
    assert alice.client.get("/inbox/").status_code == 200
    assert alice.client.get(f"/inbox/{waiting.pk}/").status_code == 200
    assert alice.client.get(f"/inbox/{waiting.pk}/raw/").status_code == 200
    assert alice.client.get(f"/inbox/{waiting.pk}/person/").status_code == 200


def test_an_unreadable_message_is_explained_in_a_sentence_with_the_parsers_notes_folded_away(alice):
    waiting = arrive(alice, raw=b"\x00\xff\xfe garbage without any headers \x00" * 20)
    for url in ("/inbox/", f"/inbox/{waiting.pk}/"):
        page = alice.client.get(url).content.decode()
        assert 'data-testid="inbox-unreadable"' in page
        assert "Kontor could not read this message. It is kept exactly as it arrived" in page
        assert "it is kept as it arrived." not in page  # the note stored in the server's language
        assert '<summary>Technical details</summary><span lang="en">' in page
        assert "no mail headers found" in page
    assert "garbage without any headers" not in alice.client.get("/inbox/").content.decode()


def test_the_content_of_an_unreadable_message_is_folded_away_on_its_page(alice):
    waiting = arrive(alice, raw=b"\x00\xff\xfe garbage without any headers \x00" * 20)
    page = alice.client.get(f"/inbox/{waiting.pk}/").content.decode()
    folded = page.split('<details class="inbox-raw-text">', 1)
    assert len(folded) == 2 and "garbage without any headers" in folded[1]
    assert "garbage without any headers" not in folded[0]


def test_a_readable_message_shows_why_it_waits_without_technical_details(alice):
    waiting = arrive(alice)
    for url in ("/inbox/", f"/inbox/{waiting.pk}/"):
        page = alice.client.get(url).content.decode()
        assert "No person or company has" in page
        assert 'data-testid="inbox-unreadable"' not in page and "Technical details" not in page


def test_administrators_see_project_mail_nobody_could_file_and_members_do_not(alice, carol, dave):
    project = project_actions.create_project(alice.membership, {"name": "Website"})
    [inbound] = intake.receive(b"\x00\xff not a message", [project.email_address], "smtp")
    filing.file_inbound(inbound)
    assert 'data-testid="inbox-item"' in dave.client.get("/inbox/").content.decode()
    assert "To project Website" in dave.client.get("/inbox/").content.decode()
    assert 'data-testid="inbox-item"' not in carol.client.get("/inbox/").content.decode()
    assert carol.client.get(f"/inbox/{inbound.pk}/").status_code == 404


def test_administrators_see_whose_inbox_a_departed_colleagues_message_was_left_in(alice, carol, dave):
    arrive(carol)
    account_actions.deactivate_membership(carol.membership, alice.membership)
    page = dave.client.get("/inbox/").content.decode()
    assert 'data-testid="inbox-item"' in page
    assert "Left in the inbox of Carol Clausen" in page
