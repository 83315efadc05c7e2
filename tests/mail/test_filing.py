"""Filing stored mail: each rule of the table in kontor/mail/filing.py, the inbox for what matches
nobody, one entry per Message-ID, the account's walls, attachments, followers and search."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from kontor.files.models import Attachment
from kontor.history.models import Entry, EntryKind, EntryLink
from kontor.mail import filing, intake
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import EmailMessage, InboundMail, InboundState, InboxReason
from kontor.notifications.models import Notification
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions
from kontor.search import queries

from .letters import company, forward, letter, person, png

ANNA = "Anna Berger <anna@berger.example>"
PNG = png()


@pytest.fixture
def berger(alice):
    return company(alice, "Berger GmbH", "info@berger.example")


@pytest.fixture
def anna(alice, berger):
    return person(alice, "Anna", "Berger", "anna@berger.example", company=berger)


def deliver(raw: bytes, *recipients: str) -> list[InboundMail]:
    """Stores a message and runs its filing job, as the worker would after the commit."""
    stored = intake.receive(raw, list(recipients), "smtp")
    for inbound in stored:
        filing.file_inbound(inbound)
        inbound.refresh_from_db()
    return stored


def box(persona) -> str:  # noqa: ANN001
    return dropbox_for(persona.membership).address


def entry_of(inbound: InboundMail) -> Entry:
    assert inbound.entry is not None, inbound.why
    return inbound.entry


def filed_on(inbound: InboundMail) -> set[str]:
    assert inbound.entry is not None, inbound.why
    return set(inbound.entry.records.values_list("display_name", flat=True))


# --- the rules --------------------------------------------------------------------------------

def test_a_mail_a_colleague_sent_with_the_dropbox_in_bcc_is_filed_on_the_recipients_and_their_company(alice, anna):
    [inbound] = deliver(letter(sender="Alice Adler <alice@example.com>", to=ANNA), box(alice))
    assert inbound.state == InboundState.FILED
    assert filed_on(inbound) == {"Anna Berger", "Berger GmbH"}
    entry = entry_of(inbound)
    assert entry.kind == EntryKind.EMAIL
    assert entry.author == alice.user
    assert entry.subject == "Angebot Relaunch"
    assert entry.body.startswith("Guten Tag,")
    assert not entry.confidential


def test_cc_recipients_count_like_to_recipients(alice, anna):
    [inbound] = deliver(letter(sender="alice@example.com", to="someone@else.example", cc="anna@berger.example"),
                        box(alice))
    assert filed_on(inbound) == {"Anna Berger", "Berger GmbH"}


def test_a_former_company_of_a_recipient_is_left_out(alice):
    old = company(alice, "Alte Firma AG")
    person(alice, "Bernd", "Brandt", "bernd@brandt.example", company=old, former=True)
    [inbound] = deliver(letter(sender="alice@example.com", to="bernd@brandt.example"), box(alice))
    assert filed_on(inbound) == {"Bernd Brandt"}


def test_a_company_address_files_on_the_company(alice, berger):
    [inbound] = deliver(letter(sender="alice@example.com", to="info@berger.example"), box(alice))
    assert filed_on(inbound) == {"Berger GmbH"}


def test_colleagues_addresses_match_no_record(alice, bob, anna):
    person(alice, "Bob", "als Kontakt", "bob@example.com")  # someone once typed Bob in as a contact
    [inbound] = deliver(letter(sender="alice@example.com", to="Bob <bob@example.com>", cc=ANNA), box(alice))
    assert filed_on(inbound) == {"Anna Berger", "Berger GmbH"}


def test_mail_only_between_colleagues_waits_in_the_inbox(alice, bob):
    [inbound] = deliver(letter(sender="alice@example.com", to="bob@example.com"), box(alice))
    assert inbound.state == InboundState.INBOX
    assert inbound.entry is None
    assert inbound.reason == InboxReason.NO_ADDRESS
    assert inbound.why == "The message names no address outside the team to file it on."


def test_a_mail_a_colleague_forwarded_is_filed_on_its_original_sender(alice, anna):
    original = letter(sender=ANNA, to="alice@example.com", subject="Frage zur Rechnung")
    [inbound] = deliver(forward(original, sender="alice@example.com", to=box(alice)), box(alice))
    assert filed_on(inbound) == {"Anna Berger", "Berger GmbH"}
    entry = entry_of(inbound)
    assert entry.author == alice.user
    assert entry.subject == "Frage zur Rechnung"
    assert entry.email.from_email == "anna@berger.example"
    assert entry.email.from_name == "Anna Berger"


def test_a_forward_also_files_on_the_original_recipients_that_are_contacts(alice, anna):
    carl = person(alice, "Carl", "Christ", "carl@christ.example")
    original = letter(sender="nobody@unknown.example", to="alice@example.com", cc="carl@christ.example")
    [inbound] = deliver(forward(original, sender="alice@example.com", to=box(alice)), box(alice))
    assert filed_on(inbound) == {carl.record.display_name}


def test_a_mail_from_a_contact_straight_to_a_dropbox_is_filed_on_the_sender(alice, anna):
    [inbound] = deliver(letter(sender=ANNA, to=box(alice), cc="info@berger.example"), box(alice))
    assert filed_on(inbound) == {"Anna Berger", "Berger GmbH"}
    assert entry_of(inbound).author is None
    assert entry_of(inbound).email.from_name == "Anna Berger"


def test_a_tagged_sender_address_still_finds_the_person(alice, anna):
    [inbound] = deliver(letter(sender="Anna <Anna+Shop@Berger.example>"), box(alice))
    assert "Anna Berger" in filed_on(inbound)


def test_a_person_in_the_trash_is_not_matched(alice, anna, berger):
    record_actions.trash_record(anna.record, alice.membership)
    record_actions.trash_record(berger.record, alice.membership)
    [inbound] = deliver(letter(sender=ANNA), box(alice))
    assert inbound.state == InboundState.INBOX


def test_a_project_address_files_on_the_project_and_whoever_matched(alice, anna):
    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    [inbound] = deliver(letter(sender=ANNA, to=project.email_address), project.email_address)
    assert filed_on(inbound) == {"Relaunch", "Anna Berger", "Berger GmbH"}
    first_link = EntryLink.objects.filter(entry=inbound.entry).order_by("pk").first()
    assert first_link is not None and first_link.record == project.record
    assert inbound.membership is None


def test_a_project_address_files_on_the_project_even_when_nobody_matched(alice):
    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    [inbound] = deliver(letter(sender="stranger@unknown.example"), project.email_address)
    assert filed_on(inbound) == {"Relaunch"}


def test_a_mail_that_matches_nobody_waits_in_the_inbox_saying_which_addresses_were_tried(alice):
    [inbound] = deliver(letter(sender="alice@example.com", to="anna@x.example, info@y.example"), box(alice))
    assert inbound.state == InboundState.INBOX
    assert inbound.membership == alice.membership
    assert inbound.reason == InboxReason.NOBODY
    assert inbound.why == "No person or company has any of the addresses anna@x.example, info@y.example."
    assert inbound.subject == "Angebot Relaunch"
    assert inbound.sender_email == "alice@example.com"
    assert not Entry.objects.exists()


def test_a_bounce_from_the_mailer_daemon_matches_nobody_and_waits_in_the_inbox(alice, anna):
    bounce = letter(sender="Mail Delivery System <MAILER-DAEMON@mx.example>", to=box(alice),
                    subject="Undelivered Mail Returned to Sender", text="This is the mail system.\n")
    [inbound] = deliver(bounce, box(alice))
    assert inbound.state == InboundState.INBOX
    assert "mailer-daemon@mx.example" in inbound.why


def test_an_unreadable_message_waits_in_the_inbox_raw_with_a_note(alice):
    raw = bytes(range(256)) * 40
    [inbound] = deliver(raw, box(alice))
    assert inbound.state == InboundState.INBOX
    assert inbound.reason == InboxReason.UNREADABLE
    assert inbound.why == "Kontor could not read this message; it is kept as it arrived."
    with inbound.raw.open("rb") as stored:
        assert stored.read() == raw


# --- one entry per message ----------------------------------------------------------------

def test_the_same_message_to_two_colleagues_is_one_entry_with_the_links_united(alice, bob, anna):
    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    raw = letter(sender="alice@example.com", to=ANNA, message_id="<same@berger.example>")
    [first] = deliver(raw, box(alice))
    [second] = deliver(raw, project.email_address)
    assert first.entry == second.entry
    assert Entry.objects.count() == EmailMessage.objects.count() == 1
    assert filed_on(second) == {"Anna Berger", "Berger GmbH", "Relaunch"}
    assert InboundMail.objects.filter(entry=first.entry).count() == 2


def test_a_message_fetched_twice_stays_one_entry(alice, anna):
    raw = letter(sender=ANNA, message_id="<twice@berger.example>")
    deliver(raw, box(alice))
    deliver(raw, box(alice))
    assert Entry.objects.count() == 1


def test_a_second_filing_of_the_same_message_id_joins_the_first_entry(alice, anna):
    raw = letter(sender=ANNA, message_id="<race@berger.example>")
    [first] = deliver(raw, box(alice))
    # The second filing tries to write an entry too (as a worker racing the first would); the
    # unique constraint turns it away and it joins the entry written first.
    [second] = deliver(raw, box(alice))
    assert second.state == InboundState.FILED
    assert second.entry == first.entry
    assert Entry.objects.count() == 1


def test_filing_a_message_again_changes_nothing(alice, anna):
    [inbound] = deliver(letter(sender=ANNA), box(alice))
    filing.file_inbound(inbound)
    assert Entry.objects.count() == 1
    assert InboundMail.objects.get().state == InboundState.FILED


def test_a_message_handled_while_the_worker_filed_it_is_not_filed_again(
        alice, anna, django_capture_on_commit_callbacks):
    # The worker loaded the message (still waiting), then a colleague discarded it from the inbox
    # before the worker wrote anything: its filing is rolled back as a whole.
    inbound = _stored(letter(sender=ANNA), box(alice), django_capture_on_commit_callbacks)
    loaded = filing.pending_message(inbound.pk)
    assert loaded is not None
    InboundMail.objects.filter(pk=inbound.pk).update(state=InboundState.DISCARDED)

    filing.file_inbound(loaded)

    assert not Entry.objects.exists()
    assert not anna.record.entries.exists()
    assert InboundMail.objects.get().state == InboundState.DISCARDED


def test_a_handled_message_is_no_longer_pending(alice, anna):
    [inbound] = deliver(letter(sender=ANNA), box(alice))
    assert filing.pending_message(inbound.pk) is None


def test_the_lookups_give_records_and_colleagues_as_the_orm_would(alice, anna, berger):
    # matching_records and colleagues_among build their objects from SQL rows: the values must be
    # what the ORM gives (on SQLite a datetime arrives as text and a boolean as a number).
    from kontor.mail.headers import MailAddress
    from kontor.records.models import Record

    records, _looked_up = filing.matching_records(alice.account, [MailAddress("", "Anna@Berger.example")])
    assert [r.pk for r in records] == [anna.pk, berger.pk]
    for built in records:
        fresh = Record.objects.get(pk=built.pk)
        assert {f.attname: getattr(built, f.attname) for f in Record._meta.concrete_fields} == {
            f.attname: getattr(fresh, f.attname) for f in Record._meta.concrete_fields}
    found = filing.colleagues_among(alice.account, [MailAddress("Alice", "ALICE@example.com")])
    membership = found["alice@example.com"]
    assert membership.pk == alice.membership.pk and membership.is_active is True
    assert membership.created_at == alice.membership.created_at
    assert membership.user.date_joined == alice.user.date_joined and membership.user.is_active is True


def test_the_filing_job_files_other_waiting_messages_of_the_account_with_its_own(
        alice, oscar, anna, django_capture_on_commit_callbacks):
    from kontor.mail import jobs

    person(oscar, "Anna", "Berger", "anna@berger.example")
    first = _stored(letter(sender=ANNA, subject="Eins"), box(alice), django_capture_on_commit_callbacks)
    second = _stored(letter(sender=ANNA, subject="Zwei"), box(alice), django_capture_on_commit_callbacks)
    unknown = _stored(letter(sender="Nobody <nobody@nowhere.example>"), box(alice),
                      django_capture_on_commit_callbacks)
    elsewhere = _stored(letter(sender=ANNA), box(oscar), django_capture_on_commit_callbacks)

    assert filing.file_waiting(first.pk) == 3
    states = dict(InboundMail.objects.values_list("pk", "state"))
    assert states[first.pk] == states[second.pk] == InboundState.FILED
    assert states[unknown.pk] == InboundState.INBOX
    assert states[elsewhere.pk] == InboundState.PENDING  # another account's messages wait for their own job
    assert sorted(anna.record.entries.values_list("subject", flat=True)) == ["Eins", "Zwei"]
    # The jobs of the messages filed along find nothing left to do.
    jobs.file_inbound_mail.call_local(second.pk)
    assert Entry.objects.filter(account=alice.account).count() == 2


def test_a_message_that_cannot_be_filed_does_not_hold_back_the_others_of_its_batch(
        alice, anna, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    first = _stored(letter(sender=ANNA, subject="Eins"), box(alice), django_capture_on_commit_callbacks)
    gone = _stored(letter(sender=ANNA, subject="Weg"), box(alice), django_capture_on_commit_callbacks)
    third = _stored(letter(sender=ANNA, subject="Drei"), box(alice), django_capture_on_commit_callbacks)
    default_storage.delete(str(gone.raw.name))

    filing.file_waiting(first.pk)

    states = dict(InboundMail.objects.values_list("pk", "state"))
    assert states[first.pk] == states[third.pk] == InboundState.FILED
    assert states[gone.pk] == InboundState.INBOX
    assert InboundMail.objects.get(pk=gone.pk).reason == InboxReason.MISSING


def test_a_batch_taken_before_another_worker_filed_it_writes_nothing(
        alice, anna, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    first = _stored(letter(sender=ANNA, subject="Eins"), box(alice), django_capture_on_commit_callbacks)
    second = _stored(letter(sender=ANNA, subject="Zwei"), box(alice), django_capture_on_commit_callbacks)
    # The worker's other thread read the same two messages as waiting, then this one filed them.
    late_batch = [m for m in (filing.pending_message(first.pk), filing.pending_message(second.pk)) if m]
    assert len(late_batch) == 2
    assert filing.file_waiting(first.pk) == 2

    with django_assert_max_num_queries(3) as captured:  # the claim, within the test's savepoint
        filing._file_all(late_batch)

    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE")) for q in captured.captured_queries)
    assert sorted(anna.record.entries.values_list("subject", flat=True)) == ["Eins", "Zwei"]
    assert Entry.objects.filter(account=alice.account).count() == 2


def test_a_batch_takes_no_more_raw_mail_than_its_budget(alice, anna, django_capture_on_commit_callbacks,
                                                        monkeypatch):
    monkeypatch.setattr(filing, "BATCH_BYTES", 1)
    first = _stored(letter(sender=ANNA, subject="Eins"), box(alice), django_capture_on_commit_callbacks)
    second = _stored(letter(sender=ANNA, subject="Zwei"), box(alice), django_capture_on_commit_callbacks)

    assert filing.file_waiting(first.pk) == 1
    assert InboundMail.objects.get(pk=second.pk).state == InboundState.PENDING
    assert filing.file_waiting(second.pk) == 1


def test_the_same_message_id_in_another_account_is_another_entry(alice, oscar, anna):
    person(oscar, "Anna", "Berger", "anna@berger.example")
    raw = letter(sender=ANNA, message_id="<both@berger.example>")
    alices, oscars = deliver(raw, box(alice), box(oscar))
    assert alices.entry != oscars.entry
    assert entry_of(alices).account == alice.account and entry_of(oscars).account == oscar.account


def test_a_dropbox_never_files_into_another_account(alice, oscar, anna):
    [inbound] = deliver(letter(sender=ANNA), box(oscar))
    assert inbound.account == oscar.account
    assert inbound.state == InboundState.INBOX
    assert not anna.record.entries.exists()


# --- what is kept ---------------------------------------------------------------------------

def test_the_email_keeps_its_headers_html_and_raw_message(alice, anna):
    raw = letter(sender=ANNA, to="Alice Adler <alice@example.com>", cc="Info <info@berger.example>",
                 html='<p>Guten Tag</p><img src="https://tracker.example/p.gif">', message_id="<kept@berger.example>")
    [inbound] = deliver(raw, box(alice))
    email = entry_of(inbound).email
    assert email.message_id == "kept@berger.example"
    assert email.to == [["Alice Adler", "alice@example.com"]]
    assert email.cc == [["Info", "info@berger.example"]]
    assert "<p>Guten Tag</p>" in email.html
    assert email.has_remote_images
    assert ' src="https://tracker.example' not in email.html
    assert email.inbound == inbound
    assert entry_of(inbound).happened_at.isoformat() == "2026-11-03T09:30:00+00:00"


def test_attachments_are_stored_on_the_entry_and_its_first_record(alice, anna):
    raw = letter(sender=ANNA, attachments=[("Angebot.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n"),
                                           ("Logo.png", "image/png", PNG)])
    [inbound] = deliver(raw, box(alice))
    files = Attachment.objects.filter(entry=inbound.entry).order_by("name")
    assert [(f.name, f.content_type, f.record) for f in files] == [
        ("Angebot.pdf", "application/pdf", anna.record), ("Logo.png", "image/png", anna.record)]
    assert files[1].thumbnail  # images get their preview like uploads
    assert files[0].uploaded_by is None  # Anna is no user


def test_a_too_large_attachment_is_skipped_with_a_note_and_the_mail_still_filed(alice, anna, settings):
    settings.KONTOR_MAX_UPLOAD_BYTES = 1000
    raw = letter(sender=ANNA, attachments=[("Riesig.zip", "application/zip", b"x" * 2000),
                                           ("Klein.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")])
    [inbound] = deliver(raw, box(alice))
    assert inbound.state == InboundState.FILED
    assert list(Attachment.objects.values_list("name", flat=True)) == ["Klein.pdf"]
    assert "Not stored: The file “Riesig.zip” is too large" in entry_of(inbound).body


def test_inline_images_are_remembered_by_their_content_id(alice, anna):
    from email.message import EmailMessage as Message

    message = Message()
    message["From"] = ANNA
    message["Subject"] = "Mit Logo"
    message["Message-ID"] = "<logo@berger.example>"
    message.set_content("Text")
    message.add_alternative('<p>Hallo</p><img src="cid:logo@berger">', subtype="html")
    html = message.get_body(("html",))
    assert html is not None
    html.add_related(PNG, maintype="image", subtype="png", cid="<logo@berger>")
    [inbound] = deliver(message.as_bytes(), box(alice))
    logo = Attachment.objects.get(entry=inbound.entry)
    assert entry_of(inbound).email.inline_files == {"logo@berger": logo.pk}


# --- who hears of it, who finds it ----------------------------------------------------------

def test_followers_hear_of_a_new_email_once_even_on_several_of_their_records(alice, bob, carol, anna, berger):
    for record in (anna.record, berger.record):
        record_actions.watch(record, bob.user)
    deliver(letter(sender="alice@example.com", to=ANNA), box(alice))
    notification = Notification.objects.get(recipient=bob.user)
    assert notification.headline() == "New e-mail on Anna Berger"
    assert not Notification.objects.filter(recipient__in=[alice.user, carol.user]).exists()


def test_the_receiving_user_is_not_told_of_a_contacts_mail_but_other_followers_are(alice, bob, anna):
    record_actions.watch(anna.record, bob.user)
    deliver(letter(sender=ANNA), box(alice))  # alice created Anna, so she follows her too
    assert list(Notification.objects.values_list("recipient__email", "actor")) == [("bob@example.com", None)]


def test_the_search_finds_an_email_by_subject_and_addresses(alice, anna):
    [inbound] = deliver(letter(sender=ANNA, to="Zora Zweig <zora@zweig.example>", subject="Rahmenvertrag 2027"),
                        box(alice))
    for text in ("Rahmenvertrag", "zora@zweig.example", "anna@berger.example", "Zweig"):
        found = [d.object_id for d in queries.search(alice.membership, text, kinds=["email"]).documents]
        assert found == [entry_of(inbound).pk], text


# --- filing by hand -------------------------------------------------------------------------

def test_a_waiting_message_filed_by_hand_becomes_an_entry_on_the_chosen_records(alice, bob, anna):
    [inbound] = deliver(letter(sender="stranger@unknown.example", to=box(alice)), box(alice))
    record_actions.watch(anna.record, bob.user)
    entry = filing.file_onto(inbound, [anna.record], alice.membership)
    inbound.refresh_from_db()
    assert inbound.state == InboundState.FILED and inbound.entry == entry
    assert inbound.handled_by == alice.user
    assert set(entry.records.all()) == {anna.record}
    assert entry.email.from_email == "stranger@unknown.example"
    assert list(Notification.objects.values_list("recipient", "actor")) == [(bob.user.pk, alice.user.pk)]


def test_an_unreadable_message_can_still_be_filed_by_hand(alice, anna):
    [inbound] = deliver(bytes(range(256)) * 40, box(alice))
    entry = filing.file_onto(inbound, [anna.record], alice.membership)
    assert entry.kind == EntryKind.EMAIL
    assert entry.email.inbound == inbound


def test_nobody_files_another_accounts_message(alice, oscar, anna):
    [inbound] = deliver(letter(sender="stranger@unknown.example"), box(oscar))
    with pytest.raises(PermissionDenied, match=r"^$"):
        filing.file_onto(inbound, [anna.record], alice.membership)
    inbound.refresh_from_db()
    assert inbound.state == InboundState.INBOX


def test_a_message_the_filing_trips_over_waits_in_the_inbox_instead_of_nowhere(alice, anna, monkeypatch):
    def broken(*args: object) -> None:
        raise ValueError("a bug in filing")

    monkeypatch.setattr(filing, "matching_records", broken)
    [inbound] = deliver(letter(sender=ANNA), box(alice))
    assert inbound.state == InboundState.INBOX
    assert inbound.why == "Kontor could not file this message by itself; please file it by hand."
    assert not Entry.objects.exists()


def test_the_job_files_what_intake_stored_after_the_commit(alice, anna, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [inbound] = intake.receive(letter(sender=ANNA), [box(alice)], "smtp")
    inbound.refresh_from_db()
    assert inbound.state == InboundState.FILED


# --- cost -------------------------------------------------------------------------------------

# Each count includes the one indexed query of webhooks.emit asking whether a webhook listens.
FILING_QUERIES = 15  # a colleague's mail to three people (and a company): see the test below


def _stored(raw: bytes, recipient: str, django_capture_on_commit_callbacks) -> InboundMail:  # noqa: ANN001
    """A message stored by intake, its filing job held back (so the test can count its queries)."""
    with django_capture_on_commit_callbacks(execute=False):
        [inbound] = intake.receive(raw, [recipient], "smtp")
    return inbound


def test_filing_a_colleagues_mail_to_three_people_costs_a_fixed_number_of_queries(
        alice, bob, anna, berger, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    person(alice, "Bernd", "Brandt", "bernd@brandt.example")
    person(alice, "Clara", "Christ", "clara@christ.example")
    inbound = _stored(letter(sender="Alice Adler <alice@example.com>", to=f"{ANNA}, bernd@brandt.example",
                             cc="Clara <clara@christ.example>, bob@example.com"), box(alice),
                      django_capture_on_commit_callbacks)

    with django_assert_max_num_queries(FILING_QUERIES):
        filing.file_inbound(inbound)

    inbound.refresh_from_db()
    assert filed_on(inbound) == {"Anna Berger", "Bernd Brandt", "Clara Christ", "Berger GmbH"}


CONTACT_MAIL_QUERIES = 14  # a contact's mail onto them and their company, followed by the receiving user only


def test_a_contacts_mail_that_only_the_receiving_user_follows_reads_no_followers_memberships(
        alice, anna, django_assert_num_queries, django_capture_on_commit_callbacks):
    inbound = _stored(letter(sender=ANNA), box(alice), django_capture_on_commit_callbacks)

    with django_assert_num_queries(CONTACT_MAIL_QUERIES) as captured:
        filing.file_inbound(inbound)

    assert not any("accounts_membership" in query["sql"] and "records_watch" in query["sql"]
                   for query in captured.captured_queries)
    inbound.refresh_from_db()
    assert filed_on(inbound) == {"Anna Berger", "Berger GmbH"}
    assert not Notification.objects.exists()


def test_filing_costs_no_query_per_address(alice, django_assert_max_num_queries,
                                           django_capture_on_commit_callbacks):
    to = ", ".join(f"p{number}@people.example" for number in range(20))
    for number in range(20):
        person(alice, f"P{number}", "Person", f"p{number}@people.example")
    inbound = _stored(letter(sender="alice@example.com", to=to), box(alice), django_capture_on_commit_callbacks)

    with django_assert_max_num_queries(FILING_QUERIES):
        filing.file_inbound(inbound)

    inbound.refresh_from_db()
    assert len(filed_on(inbound)) == 20


def test_the_author_follows_every_record_the_mail_was_filed_on(alice, anna, berger):
    record_actions.unwatch(anna.record, alice.user)
    [inbound] = deliver(letter(sender="alice@example.com", to=ANNA), box(alice))
    assert filed_on(inbound) == {"Anna Berger", "Berger GmbH"}
    assert set(alice.user.watches.values_list("record_id", flat=True)) >= {anna.pk, berger.pk}


def test_a_colleague_writing_from_an_address_in_capitals_is_still_the_author(alice, anna):
    [inbound] = deliver(letter(sender="Alice <ALICE@Example.COM>", to=ANNA), box(alice))
    assert entry_of(inbound).author == alice.user
    assert filed_on(inbound) == {"Anna Berger", "Berger GmbH"}


def test_the_inbox_note_speaks_the_readers_language_whoever_filed_it(alice):
    [inbound] = deliver(letter(sender="alice@example.com", to="x@y.example"), box(alice))
    assert inbound.reason == InboxReason.NOBODY and inbound.note == ""
    assert inbound.why == "No person or company has the address x@y.example."
    with translation.override("de"):
        german = inbound.why
    with translation.override("en"):
        english = inbound.why
    assert english.startswith("No person or company has")
    assert german != english and "x@y.example" in german
