"""The IMAP poller against a real Dovecot on loopback: messages delivered into the test's mailbox
with IMAP APPEND, as a mail provider's catch-all mailbox would hold them."""

from __future__ import annotations

import imaplib
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from kontor.config import ConfigError
from kontor.history.models import EntryLink
from kontor.mail import imap, intake, periodic
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail, InboundState

from .dovecot import Dovecot, running_dovecot
from .letters import letter, person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Iterator[imaplib.IMAP4]:
    """A client on the test user's mailbox, emptied before each test (the server lives all session)."""
    client = imaplib.IMAP4(dovecot.host, dovecot.port)
    client.login(dovecot.user, dovecot.password)
    for folder in ("INBOX", "Kontor/Filed", "Kontor/Unknown", "Kontor/Refused", "Elsewhere"):
        status, count = client.select(f'"{folder}"')
        if status == "OK" and count[0] != b"0":
            client.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
            client.expunge()
    yield client
    client.logout()


@pytest.fixture
def address(alice) -> str:
    return dropbox_for(alice.membership).address


@pytest.fixture
def configured(dovecot: Dovecot, settings) -> str:
    settings.IMAP_URL = dovecot.url()
    return settings.IMAP_URL


def deliver(client: imaplib.IMAP4, raw: bytes, folder: str = "INBOX") -> None:
    status, data = client.append(f'"{folder}"', None, None, raw)
    assert status == "OK", data


def subjects(client: imaplib.IMAP4, folder: str) -> list[str]:
    status, _data = client.select(f'"{folder}"', readonly=True)
    if status != "OK":
        return []
    _status, found = client.search(None, "UNDELETED")
    result = []
    for number in (found[0] or b"").split():
        _status, parts = client.fetch(number.decode(), "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        header = parts[0][1].decode().strip()  # type: ignore[index, union-attr]
        result.append(header.removeprefix("Subject: "))
    return result


def test_a_message_for_a_dropbox_is_stored_filed_and_moved_to_the_done_folder(alice, mailbox, address, configured):
    anna = person(alice, "Anna", "Berger", "anna@berger.example")
    deliver(mailbox, letter(sender="alice@example.com", to="Anna Berger <anna@berger.example>",
                            subject="Angebot", headers={"Delivered-To": address}))

    call_command("fetchmail")

    inbound = InboundMail.objects.get()
    assert (inbound.source, inbound.recipient, inbound.state) == ("imap", address, InboundState.FILED)
    assert EntryLink.objects.filter(entry=inbound.entry, record=anna.record).exists()
    assert subjects(mailbox, "INBOX") == []
    assert subjects(mailbox, "Kontor/Filed") == ["Angebot"]


def test_the_recipient_is_found_in_to_or_cc_when_no_delivery_header_names_it(alice, mailbox, address, configured):
    deliver(mailbox, letter(to="Someone <someone@example.org>", cc=f"Kontor <{address.upper()}>", subject="Cc"))
    call_command("fetchmail")
    assert InboundMail.objects.get().membership == alice.membership
    assert subjects(mailbox, "Kontor/Filed") == ["Cc"]


def test_a_message_for_no_known_address_is_moved_to_kontor_unknown(alice, mailbox, configured):
    deliver(mailbox, letter(to="nobody@example.org", subject="Newsletter"))
    call_command("fetchmail")
    assert not InboundMail.objects.exists()
    assert subjects(mailbox, "INBOX") == []
    assert subjects(mailbox, "Kontor/Unknown") == ["Newsletter"]


def test_a_message_above_the_size_limit_is_moved_to_kontor_refused_unread(alice, mailbox, address, configured,
                                                                          settings):
    settings.MAIL_MAX_BYTES = 5000
    deliver(mailbox, letter(to=address, subject="Huge", text="x" * 8000))
    call_command("fetchmail")
    assert not InboundMail.objects.exists()
    assert subjects(mailbox, "Kontor/Refused") == ["Huge"]


def test_a_failure_before_receive_returned_leaves_the_message_in_the_inbox(alice, mailbox, address, configured,
                                                                           settings):
    blocker = settings.STORAGES["default"]["OPTIONS"]["location"]
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("the store cannot be written")
    deliver(mailbox, letter(to=address, subject="Later"))

    call_command("fetchmail")

    assert not InboundMail.objects.exists()
    assert subjects(mailbox, "INBOX") == ["Later"]
    blocker.unlink()
    call_command("fetchmail")
    assert InboundMail.objects.count() == 1
    assert subjects(mailbox, "Kontor/Filed") == ["Later"]


def test_one_broken_message_does_not_stop_the_others(alice, mailbox, address, configured):
    deliver(mailbox, b"\xff\xfe\x00garbage without any header\r\n")
    deliver(mailbox, letter(to=address, subject="Fine"))
    deliver(mailbox, b"\r\n")
    call_command("fetchmail")
    assert InboundMail.objects.count() == 1
    assert subjects(mailbox, "Kontor/Filed") == ["Fine"]
    assert len(subjects(mailbox, "Kontor/Unknown")) == 2


def test_the_poll_reads_without_marking_messages_seen(alice, mailbox, address, configured):
    deliver(mailbox, letter(to="nobody@example.org", subject="Unread"))
    call_command("fetchmail")
    mailbox.select('"Kontor/Unknown"', readonly=True)
    assert mailbox.search(None, "UNSEEN")[1][0] != b""


def test_without_move_the_poller_copies_flags_and_expunges(alice, mailbox, address, dovecot,
                                                           monkeypatch):
    """Servers without the MOVE extension: COPY, \\Deleted, EXPUNGE. (Dovecot has MOVE, so the
    session is told it has not.)"""
    deliver(mailbox, letter(to=address, subject="Old server"))
    original = imap.Session.__init__

    def without_move(self, connection):  # noqa: ANN001, ANN202
        original(self, connection)
        self.capabilities.discard("MOVE")

    monkeypatch.setattr(imap.Session, "__init__", without_move)
    result = imap.poll(imap.mailboxes(dovecot.url())[0])
    assert (result.stored, result.failed, result.error) == (1, 0, "")
    assert subjects(mailbox, "INBOX") == []
    assert subjects(mailbox, "Kontor/Filed") == ["Old server"]


def test_the_done_folder_can_be_named_and_a_folder_other_than_the_inbox_polled(alice, mailbox, address, dovecot,
                                                                              settings):
    settings.IMAP_DONE_FOLDER = "Archiv/CRM"
    mailbox.create('"Elsewhere"')
    deliver(mailbox, letter(to=address, subject="Sorted"), folder="Elsewhere")
    call_command("fetchmail", url=dovecot.url("Elsewhere"))
    assert subjects(mailbox, "Archiv/CRM") == ["Sorted"]
    mailbox.select('"Archiv/CRM"')
    mailbox.store("1", "+FLAGS.SILENT", r"(\Deleted)")
    mailbox.expunge()


def test_a_done_folder_with_umlauts_is_created_and_filled_under_its_real_name(alice, mailbox, address, dovecot,
                                                                             settings):
    settings.IMAP_DONE_FOLDER = "Kontor/Abgelegt für Kunden & Partner"
    deliver(mailbox, letter(to=address, subject="Umlaute"))
    call_command("fetchmail", url=dovecot.url())
    wire = "Kontor/Abgelegt f&APw-r Kunden &- Partner"
    assert imap.encode_mailbox(settings.IMAP_DONE_FOLDER) == wire
    status, listed = mailbox.list('""', '"Kontor/*"')
    assert status == "OK" and any(wire.encode() in line for line in listed if isinstance(line, bytes))
    assert subjects(mailbox, wire) == ["Umlaute"]
    mailbox.select(f'"{wire}"')
    mailbox.store("1", "+FLAGS.SILENT", r"(\Deleted)")
    mailbox.expunge()


@pytest.mark.parametrize(("text", "wire"), [
    ("INBOX", "INBOX"),
    ("Entwürfe", "Entw&APw-rfe"),
    ("Tom & Jerry", "Tom &- Jerry"),
    ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501's example
    ("Größe ÄÖÜ", "Gr&APYA3w-e &AMQA1gDc-"),
    ("😀", "&2D3eAA-"),
])
def test_folder_names_are_sent_in_modified_utf7(text, wire):
    assert imap.encode_mailbox(text) == wire
    assert imap.decode_mailbox(wire) == text


@given(st.text(max_size=40))
def test_any_folder_name_survives_the_round_trip(name):
    wire = imap.encode_mailbox(name)
    assert wire.isascii()
    assert imap.decode_mailbox(wire) == name


def test_a_malformed_folder_name_from_a_server_stays_as_it_came():
    assert imap.decode_mailbox("Odd &%%- name") == "Odd &%%- name"
    assert imap.decode_mailbox("Broken &AP-") == "Broken &AP-"


def test_a_wrong_password_is_reported_and_nothing_is_touched(alice, mailbox, address, dovecot):
    deliver(mailbox, letter(to=address, subject="Waits"))
    with pytest.raises(CommandError, match="Some mailboxes could not be polled"):
        call_command("fetchmail", url=f"imap://{dovecot.user}:wrong@{dovecot.host}:{dovecot.port}/INBOX")
    assert subjects(mailbox, "INBOX") == ["Waits"]


def test_a_server_that_is_not_there_is_logged_and_tried_again_next_time(db):
    from .listener import free_port

    result = imap.poll(imap.mailboxes(f"imap://user:pass@127.0.0.1:{free_port()}/INBOX")[0])
    assert result.error and result.stored == 0


def test_the_periodic_job_polls_every_configured_mailbox(alice, mailbox, address, configured):
    deliver(mailbox, letter(to=address, subject="From the worker"))
    assert periodic.poll_mailboxes() == 1
    assert InboundMail.objects.get().source == "imap"


def test_imap_urls_are_read_with_their_defaults_and_refused_when_wrong():
    first, second = imap.mailboxes("imaps://crm%40example.com:p%40ss@mail.example.com/INBOX, "
                                   "imap://u:p@127.0.0.1:1143/Kontor")
    assert (first.host, first.port, first.user, first.password, first.folder, first.secure) == (
        "mail.example.com", 993, "crm@example.com", "p@ss", "INBOX", True)
    assert (second.port, second.folder, second.secure) == (1143, "Kontor", False)
    assert "p@ss" not in repr(first) and "p@ss" not in first.name
    for wrong, message in (("pop3://u:p@host/INBOX", "must start with imaps:// or imap://, not pop3://"),
                           ("imaps://host/INBOX", "needs a user and a host"),
                           ("imap://u:p@host:notaport/", "has a port that is no number")):
        with pytest.raises(ConfigError, match=f"^IMAP_URL {message}"):
            imap.mailboxes(wrong)


def test_fetchmail_without_a_mailbox_says_what_to_set(db, settings):
    settings.IMAP_URL = ""
    with pytest.raises(CommandError, match="IMAP_URL"):
        call_command("fetchmail")


def test_receive_is_called_only_for_known_addresses(alice, mailbox, address, configured, settings):
    """The unknown addresses among the headers never reach intake (a stranger in Cc stays private)."""
    seen: list[list[str]] = []
    original = intake.receive

    def spy(raw, recipients, source):  # noqa: ANN001, ANN202
        seen.append(list(recipients))
        return original(raw, recipients, source)

    intake.receive = spy  # type: ignore[assignment]
    try:
        deliver(mailbox, letter(to=f"stranger@example.org, {address}", cc="other@example.org"))
        call_command("fetchmail")
    finally:
        intake.receive = original  # type: ignore[assignment]
    assert seen == [[address]]


def test_folder_names_follow_the_servers_namespace_and_separator(dovecot):
    """Dovecot here has no prefix and "/"; Courier-style servers put folders under "INBOX." with dots."""
    with imap.session(imap.mailboxes(dovecot.url())[0]) as current:
        assert (current.prefix, current.separator) == ("", "/")
        assert current.folder("Kontor/Filed") == "Kontor/Filed"
        current.prefix, current.separator = "INBOX.", "."
        assert current.folder("Kontor/Filed") == "INBOX.Kontor.Filed"
        assert current.folder("INBOX/Archiv") == "INBOX.Archiv"


def test_a_run_past_its_deadline_leaves_the_rest_for_the_next(alice, mailbox, address, dovecot):
    deliver(mailbox, letter(to=address, subject="Next time"))
    result = imap.poll(imap.mailboxes(dovecot.url())[0], deadline=0)
    assert (result.stored, result.error) == (0, "")
    assert subjects(mailbox, "INBOX") == ["Next time"]
