"""What the team sees of a filed e-mail: the timeline entry, the raw .eml, the HTML version under
its strict policy, confidentiality, the API's history, and the person page's query count."""

from __future__ import annotations

from email.message import EmailMessage as Message

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kontor.accounts import actions as account_actions
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from kontor.mail import display, filing, intake
from kontor.mail.dropbox import dropbox_for
from kontor.mail.templatetags import mail_tags
from kontor.search import queries

from .letters import letter, person, png

ANNA = "Anna Berger <anna@berger.example>"
HTML = ('<p>Guten Tag,</p><p>anbei das Angebot.</p><img src="https://tracker.example/pixel.gif">'
        '<script>alert(1)</script>')


@pytest.fixture
def anna(alice):
    return person(alice, "Anna", "Berger", "anna@berger.example")


def file_mail(persona, raw: bytes):  # noqa: ANN001, ANN201 - the Entry
    [inbound] = intake.receive(raw, [dropbox_for(persona.membership).address], "smtp")
    filing.file_inbound(inbound)
    inbound.refresh_from_db()
    assert inbound.entry is not None, inbound.why
    return inbound.entry


@pytest.fixture
def email(alice, anna):
    return file_mail(alice, letter(sender=ANNA, to="Alice Adler <alice@example.com>", cc="Zora <zora@zweig.example>",
                                   subject="Angebot Relaunch", html=HTML))


def page_of(persona, record) -> str:  # noqa: ANN001
    return persona.client.get(record.get_absolute_url()).content.decode()


# --- the timeline -------------------------------------------------------------------------

def test_the_timeline_shows_an_email_with_subject_sender_recipients_and_links(alice, anna, email):
    page = page_of(alice, anna.record)
    assert f'id="entry-{email.pk}"' in page
    assert "Angebot Relaunch" in page
    assert "from Anna Berger &lt;anna@berger.example&gt; to Alice Adler" in page
    assert "Cc Zora" in page
    assert reverse("mail:eml", args=[email.pk]) in page
    assert reverse("mail:html", args=[email.pk]) in page


def test_a_mails_links_are_made_as_urlize_makes_them_and_plain_text_is_escaped(alice, anna):
    file_mail(alice, letter(sender=ANNA, subject="Links", text="Siehe https://berger.example/a?b=1 & <c>\n"))
    file_mail(alice, letter(sender=ANNA, subject="Ohne", text="Nur Text <b>fett</b> hier.\n"))
    page = page_of(alice, anna.record)
    assert ('Siehe <a href="https://berger.example/a?b=1" rel="nofollow">https://berger.example/a?b=1</a>'
            " &amp; &lt;c&gt;") in page
    assert "Nur Text &lt;b&gt;fett&lt;/b&gt; hier." in page


def test_a_contacts_mail_shows_the_senders_name_where_a_colleagues_would_stand(alice, anna, email):
    page = page_of(alice, anna.record)
    assert "<strong>Anna Berger</strong>" in page
    assert "Former colleague" not in page


def test_the_start_page_shows_a_contacts_mail_with_its_sender_and_subject(alice, anna, email):
    page = alice.client.get(reverse("start")).content.decode()
    assert "<strong>Anna Berger</strong>" in page
    assert '<p class="entry-subject email-subject">Angebot Relaunch</p>' in page
    assert "Former colleague" not in page


def test_emails_on_the_start_page_cost_no_query_each(alice, anna, django_assert_max_num_queries):
    for number in range(12):
        file_mail(alice, letter(sender=ANNA, subject=f"Mail {number}"))
    with django_assert_max_num_queries(9):  # as many as with notes (tests/test_start_and_search.py)
        page = alice.client.get(reverse("start")).content.decode()
    assert page.count('class="entry-subject email-subject"') == 10


def test_a_long_text_is_folded_behind_show_more(alice, anna):
    text = "".join(f"Zeile {n}\n" for n in range(1, 30))
    entry = file_mail(alice, letter(sender=ANNA, text=text))
    page = page_of(alice, anna.record)
    head, _, rest = page.partition("Show more")
    assert "Zeile 6" in head and "Zeile 7" not in head
    assert "Zeile 29" in rest
    assert entry.body.startswith("Zeile 1")


def test_a_signature_and_a_quoted_reply_go_behind_show_more_even_in_a_short_mail(alice, anna):
    text = ("Passt, danke!\n\nAm 03.12.2026 um 18:02 schrieb Alice Adler <alice@example.com>:\n"
            "> Hallo Frau Berger,\n> geht Dienstag?\n\n-- \nBerger GmbH · Tel. 089 123")
    file_mail(alice, letter(sender=ANNA, text=text))
    head, _, rest = page_of(alice, anna.record).partition("Show more")
    assert "Passt, danke!" in head and "schrieb Alice Adler" not in head and "Berger GmbH" not in head
    assert "schrieb Alice Adler" in rest and "geht Dienstag?" in rest and "Berger GmbH" in rest


def test_a_mail_that_only_says_a_word_above_a_forward_keeps_the_forward_in_view():
    head, rest = mail_tags.fold_text("FYI\n\n---------- Forwarded message ---------\nFrom: Anna Berger\n\nHallo")
    assert "Forwarded message" in head and "From: Anna Berger" in head


def test_a_mail_that_starts_with_a_quote_is_not_folded_to_nothing():
    assert mail_tags.fold_text("> Geht Dienstag?\nJa, gern.") == ("> Geht Dienstag?\nJa, gern.", "")


def test_the_attachments_of_a_contacts_mail_say_they_came_with_an_email(alice, anna):
    file_mail(alice, letter(sender=ANNA, attachments=[("Angebot.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")]))
    page = page_of(alice, anna.record)
    assert "Angebot.pdf" in page and "From an e-mail" in page
    assert "Former colleague" not in page


def test_an_email_cannot_be_edited_but_its_author_can_delete_it(alice, anna):
    entry = file_mail(alice, letter(sender="alice@example.com", to=ANNA))
    page = page_of(alice, anna.record)
    assert reverse("history:edit", args=[anna.pk, entry.pk]) not in page
    assert reverse("history:delete", args=[anna.pk, entry.pk]) in page


def test_comments_work_on_emails_as_on_notes(alice, bob, anna, email):
    history_actions.add_comment(bob.membership, "Ich rufe sie an.", entry=email)
    assert "Ich rufe sie an." in page_of(alice, anna.record)


def queries_of(persona, record) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as captured:
        assert persona.client.get(record.get_absolute_url()).status_code == 200
    return len(captured.captured_queries)


def test_emails_in_the_timeline_cost_no_more_queries_than_notes(alice, bob, anna):
    for number in range(20):
        history_actions.add_note(bob.membership if number % 2 else alice.membership, [anna.record],
                                 f"Note {number}")
    with_notes = queries_of(alice, anna.record)  # pinned in tests/contacts/test_detail_views.py
    for number in range(20):
        file_mail(alice, letter(sender=ANNA, subject=f"Mail {number}", html="<p>Hallo</p>"))
    assert queries_of(alice, anna.record) <= with_notes
    assert "Mail 19" in page_of(alice, anna.record)


def test_the_attachments_of_many_emails_cost_no_more_queries_than_those_of_one(alice, anna):
    def mail_with_file(number: int) -> None:
        file_mail(alice, letter(sender=ANNA, subject=f"Mail {number}",
                                attachments=[(f"Anhang {number}.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")]))

    mail_with_file(0)
    with_one = queries_of(alice, anna.record)
    for number in range(1, 20):
        mail_with_file(number)
    assert queries_of(alice, anna.record) <= with_one
    assert "Anhang 19.pdf" in page_of(alice, anna.record)


# --- the raw message and the HTML version ---------------------------------------------------

def test_the_raw_message_downloads_as_eml(alice, email):
    response = alice.client.get(reverse("mail:eml", args=[email.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"] == 'attachment; filename="Angebot Relaunch.eml"'
    assert b"".join(response.streaming_content).startswith(b"From: Anna Berger <anna@berger.example>")


def test_the_html_version_runs_no_script_and_loads_no_remote_image(alice, email):
    response = alice.client.get(reverse("mail:html", args=[email.pk]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "img-src 'self' data:;" in policy and "sandbox" in policy
    assert "script-src" not in policy and "allow-scripts" not in policy
    page = response.content.decode()
    assert "<p>anbei das Angebot.</p>" in page
    assert "<script>" not in page
    assert ' src="https://tracker.example' not in page
    assert "Show images" in page


def test_show_images_puts_the_remote_images_back_and_allows_them(alice, email):
    response = alice.client.get(reverse("mail:html", args=[email.pk]) + "?images=1")
    assert ' src="https://tracker.example/pixel.gif"' in response.content.decode()
    assert "img-src 'self' https: http: data:" in response["Content-Security-Policy"]


def test_inline_images_point_at_their_stored_files(alice, anna):
    message = Message()
    message["From"] = ANNA
    message["Subject"] = "Mit Logo"
    message.set_content("Text")
    message.add_alternative('<p>Hallo</p><img src="cid:logo@berger" alt="Logo">', subtype="html")
    html = message.get_body(("html",))
    assert html is not None
    html.add_related(png(), maintype="image", subtype="png", cid="<logo@berger>")
    entry = file_mail(alice, message.as_bytes())
    logo = Attachment.objects.get(entry=entry)
    page = alice.client.get(reverse("mail:html", args=[entry.pk])).content.decode()
    assert f'src="{reverse("files:download", args=[logo.pk])}"' in page
    assert alice.client.get(reverse("files:download", args=[logo.pk])).status_code == 200


def test_an_inline_logo_is_not_listed_among_the_attachments_but_a_real_attachment_is(alice, anna):
    message = Message()
    message["From"] = ANNA
    message["Subject"] = "Angebot mit Logo"
    message.set_content("Text")
    message.add_alternative('<p>Hallo</p><img src="cid:logo@berger" alt="Logo">', subtype="html")
    html = message.get_body(("html",))
    assert html is not None
    html.add_related(png(), maintype="image", subtype="png", cid="<logo@berger>", filename="image001.png")
    message.add_attachment(b"%PDF-1.4 offer", maintype="application", subtype="pdf", filename="Angebot.pdf")
    entry = file_mail(alice, message.as_bytes())
    assert set(Attachment.objects.filter(entry=entry).values_list("name", flat=True)) == {"image001.png",
                                                                                         "Angebot.pdf"}

    page = page_of(alice, anna.record)
    files = page[page.index(f'id="entry-files-{entry.pk}"'):]
    files = files[:files.index("</ul>")] if "</ul>" in files else ""
    assert "Angebot.pdf" in files
    assert "image001.png" not in files


def test_an_email_without_html_has_no_html_version(alice, anna):
    entry = file_mail(alice, letter(sender=ANNA))
    assert alice.client.get(reverse("mail:html", args=[entry.pk])).status_code == 404
    assert reverse("mail:html", args=[entry.pk]) not in page_of(alice, anna.record)


def test_a_note_is_no_email(alice, anna):
    note = history_actions.add_note(alice.membership, [anna.record], "Nur eine Notiz")
    for name in ("mail:eml", "mail:html"):
        assert alice.client.get(reverse(name, args=[note.pk])).status_code == 404


def test_the_outsider_gets_404_for_every_page_of_an_email(oscar, email):
    for name in ("mail:eml", "mail:html"):
        assert oscar.client.get(reverse(name, args=[email.pk])).status_code == 404
    assert oscar.client.post(reverse("mail:confidential", args=[email.pk]), {"confidential": "on"}).status_code == 404
    email.refresh_from_db()
    assert not email.confidential


def test_show_remote_images_only_touches_the_parked_attributes():
    html = '<img data-remote-src="https://a.example/x.png" alt="data-remote-src"><td data-remote-background=\'b.png\'>'
    assert display.show_remote_images(html) == (
        '<img src="https://a.example/x.png" alt="data-remote-src"><td background=\'b.png\'>')


def test_an_unknown_content_id_stays_as_it_was():
    html = '<img src="cid:unknown"><img src="cid:known">'
    assert display.link_inline_images(html, {"known": 7}, lambda pk: f"/files/{pk}/") == (
        '<img src="cid:unknown"><img src="/files/7/">')


# --- confidential ---------------------------------------------------------------------------

def test_a_power_user_marks_an_email_confidential_and_members_no_longer_see_it(alice, bob, carol, anna, email):
    response = bob.client.post(reverse("mail:confidential", args=[email.pk]), {"confidential": "on"})
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.confidential
    assert "Angebot Relaunch" not in page_of(carol, anna.record)
    assert "Angebot Relaunch" in page_of(alice, anna.record)
    assert carol.client.get(reverse("mail:eml", args=[email.pk])).status_code == 404
    assert queries.search(carol.membership, "Relaunch").documents == []
    assert [d.object_id for d in queries.search(bob.membership, "Relaunch").documents] == [email.pk]


def test_a_confidential_email_can_be_opened_again(bob, carol, anna, email):
    bob.client.post(reverse("mail:confidential", args=[email.pk]), {"confidential": "on"})
    bob.client.post(reverse("mail:confidential", args=[email.pk]))
    email.refresh_from_db()
    assert not email.confidential
    assert "Angebot Relaunch" in page_of(carol, anna.record)


def test_a_member_cannot_mark_an_email_confidential(carol, anna, email):
    assert "Mark as confidential" not in page_of(carol, anna.record)
    response = carol.client.post(reverse("mail:confidential", args=[email.pk]), {"confidential": "on"})
    assert response.status_code == 403
    email.refresh_from_db()
    assert not email.confidential


# --- the API --------------------------------------------------------------------------------

def test_the_api_history_marks_emails_with_their_kind_and_subject(alice, anna, email, client):
    _key, secret = account_actions.create_api_key(alice.membership, "tests")
    response = client.get(f"/api/v1/people/{anna.pk}/history", headers={"Authorization": f"Bearer {secret}"})
    [item] = response.json()["items"]
    assert (item["kind"], item["subject"], item["id"]) == ("email", "Angebot Relaunch", email.pk)


# --- calendar invitations -------------------------------------------------------------------

def _corpus_mail(persona, name: str):  # noqa: ANN001, ANN202 - the Entry
    from .corpus import CORPUS
    return file_mail(persona, (CORPUS / f"{name}.eml").read_bytes())


def test_an_invitation_shows_what_when_and_where_in_the_readers_time_zone(alice):
    customer = person(alice, "Anna", "Kunde", "anna@kunde.example")
    entry = _corpus_mail(alice, "outlook-calendar-invitation")
    assert entry.email.event["method"] == "REQUEST"

    page = page_of(alice, customer.record)
    event_line = page[page.index('class="email-event"'):]
    event_line = event_line[:event_line.index("</p>")]
    assert "Invitation:" in event_line
    assert "Besprechung Angebot Müller" in event_line
    assert "Besprechungsraum 2, Köln" in event_line
    # 13:00 to 14:00 UTC on 24 November 2025 is 14:00 to 15:00 in Berlin, Kontor's time zone.
    assert "Nov. 24, 2025, 2 p.m. – 3 p.m." in event_line


def test_a_cancelled_all_day_event_shows_its_day_without_a_time(alice):
    customer = person(alice, "Anna", "Kunde", "anna@kunde.example")
    _corpus_mail(alice, "calendar-cancel-all-day")
    page = page_of(alice, customer.record)
    event_line = page[page.index('class="email-event"'):]
    event_line = event_line[:event_line.index("</p>")]
    assert "Cancelled:" in event_line and "Messe-Stand Aufbau" in event_line
    assert "Dec. 1, 2025" in event_line and "a.m." not in event_line and "midnight" not in event_line


def test_a_plain_mail_has_no_event_line(alice, anna, email):
    assert email.email.event == {}
    assert 'class="email-event"' not in page_of(alice, anna.record)
