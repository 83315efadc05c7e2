"""The SMTP listener, over real SMTP conversations on loopback: what it takes, what it refuses and
when, and that nothing a client sends takes it down."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from kontor.history.models import EntryLink
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail, InboundState

from .letters import letter, person
from .listener import Listener, free_port, listeners, reply


@pytest.fixture
def start_listener(transactional_db) -> Iterator[Callable[..., Listener]]:
    with listeners() as start:
        yield start


@pytest.fixture
def listener(start_listener: Callable[..., Listener]) -> Listener:
    return start_listener()


@pytest.fixture
def address(alice) -> str:
    return dropbox_for(alice.membership).address


def _filed(inbound: InboundMail) -> InboundMail:
    inbound.refresh_from_db()
    return inbound


def _sends_normally(listener: Listener, address: str, subject: str = "Still there") -> None:
    raw = letter(sender="alice@example.com", to="Anna Berger <anna@berger.example>", subject=subject)
    assert listener.send(raw, [address], sender="alice@example.com") == {}
    assert InboundMail.objects.filter(subject=subject).exists() or InboundMail.objects.count() > 0


def test_a_message_for_a_dropbox_is_answered_250_stored_and_filed_on_the_person(alice, listener, address):
    anna = person(alice, "Anna", "Berger", "anna@berger.example")
    # As it travels over SMTP: lines end in CRLF (smtplib would add a last one to a message without).
    raw = letter(sender="alice@example.com", to="Anna Berger <anna@berger.example>",
                 subject="Angebot").replace(b"\n", b"\r\n")

    with listener.client() as client:
        client.ehlo()
        client.mail("alice@example.com")
        assert client.rcpt(address)[0] == 250
        code, answer = client.data(raw)

    assert code == 250
    inbound = InboundMail.objects.get()
    assert answer.decode().endswith(str(inbound.pk))
    assert inbound.source == "smtp" and inbound.membership == alice.membership and inbound.size == len(raw)
    assert inbound.raw.read() == raw
    assert _filed(inbound).state == InboundState.FILED
    assert EntryLink.objects.filter(entry=inbound.entry, record=anna.record).exists()


def test_an_unknown_recipient_is_refused_at_rcpt_with_550(alice, listener, settings):
    with listener.client() as client:
        client.ehlo()
        client.mail("anna@berger.example")
        code, answer = client.rcpt(f"bcc-000000000000@{settings.MAIL_DOMAIN}")
        other_code, _answer = client.rcpt("someone@elsewhere.example")

    assert (code, other_code) == (550, 550)
    assert b"No such address" in answer
    assert not InboundMail.objects.exists()


def test_only_the_known_recipients_of_a_message_receive_it(alice, listener, address, settings):
    refused = listener.send(letter(to="x@y.example"), [address, f"bcc-000000000000@{settings.MAIL_DOMAIN}"])
    assert list(refused) == [f"bcc-000000000000@{settings.MAIL_DOMAIN}"]
    assert InboundMail.objects.get().recipient == address


def test_the_size_limit_is_announced_and_a_larger_message_refused_with_552(alice, start_listener, address,
                                                                            settings):
    settings.MAIL_MAX_BYTES = 50_000
    listener = start_listener()
    with listener.client() as client:
        client.ehlo()
        assert client.esmtp_features["size"] == "50000"
        # A sender that announces the size is refused before it sends anything.
        with pytest.raises(smtplib.SMTPSenderRefused, match="exceeds fixed maximum message size") as announced:
            client.sendmail("anna@berger.example", [address], b"x" * 10, mail_options=["SIZE=60000"])
        assert announced.value.smtp_code == 552
        client.rset()
        # One that does not is cut off while it sends: nothing beyond the limit is kept.
        client.mail("anna@berger.example")
        client.rcpt(address)
        code, _answer = client.data(letter(to="x@y.example", text="long line\n" * 6000))
    assert code == 552
    assert not InboundMail.objects.exists()
    _sends_normally(listener, address)


def test_a_failure_while_storing_answers_451_so_the_sender_retries(alice, listener, address, settings):
    # A store that cannot be written (its folder is a file) stands for a full disk or a lost bucket.
    blocker = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    with listener.client() as client:
        client.ehlo()
        client.mail("anna@berger.example")
        client.rcpt(address)
        code, answer = client.data(letter(to="x@y.example"))
    assert code == 451
    assert not InboundMail.objects.exists()
    blocker.unlink()
    _sends_normally(listener, address)


def test_a_project_address_is_accepted(alice, listener):
    from kontor.projects import actions as project_actions

    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    assert listener.send(letter(to="x@y.example"), [project.email_address]) == {}
    assert InboundMail.objects.get().project == project


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, made with the openssl command."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                        "-out", str(cert), "-days", "1", "-subj", "/CN=localhost"],
                       check=True, capture_output=True, timeout=60)
    except FileNotFoundError:
        pytest.skip("the openssl command is not installed (Debian package openssl)")
    return cert, key


def test_starttls_is_offered_with_a_certificate_and_mail_goes_through_encrypted(alice, start_listener, address,
                                                                                 certificate):
    cert, key = certificate
    listener = start_listener(cert=cert, key=key)
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    with listener.client() as client:
        client.ehlo()
        assert client.has_extn("starttls")
        assert client.starttls(context=context)[0] == 220
        client.ehlo()
        assert client.sock.version() is not None  # type: ignore[union-attr]
        assert client.sendmail("anna@berger.example", [address], letter(to="x@y.example")) == {}
    assert InboundMail.objects.count() == 1


def test_without_a_certificate_no_starttls_is_offered(listener):
    with listener.client() as client:
        client.ehlo()
        assert not client.has_extn("starttls")


def test_binary_garbage_ends_only_that_connection(alice, listener, address):
    with listener.raw_session() as connection:
        connection.sendall(bytes(range(256)) * 40 + b"\r\n\x00\x00\xff\r\n")
        connection.recv(65536)
    _sends_normally(listener, address)


def test_a_connection_dropped_in_the_middle_of_a_message_stores_nothing(alice, listener, address):
    with listener.raw_session() as connection:
        for line in (b"EHLO sender.example\r\n", b"MAIL FROM:<anna@berger.example>\r\n",
                     f"RCPT TO:<{address}>\r\n".encode(), b"DATA\r\n"):
            assert reply(connection, line)[:1] in b"23"
        connection.sendall(b"Subject: cut off\r\n\r\nhalf a messa")
    time.sleep(0.2)
    assert not InboundMail.objects.exists()
    _sends_normally(listener, address)


def test_a_50_mb_line_gets_an_error_and_the_listener_lives_on(alice, listener, address):
    with listener.raw_session(timeout=60) as connection:
        connection.sendall(b"EHLO " + b"a" * (50 * 1024 * 1024) + b"\r\n")
        assert reply(connection, b"NOOP\r\n").startswith(b"500")
        assert reply(connection, b"NOOP\r\n").startswith(b"250")
    _sends_normally(listener, address)


def test_a_50_mb_line_inside_a_message_is_refused_without_being_kept(alice, listener, address):
    with listener.raw_session(timeout=60) as connection:
        for line in (b"EHLO sender.example\r\n", b"MAIL FROM:<anna@berger.example>\r\n",
                     f"RCPT TO:<{address}>\r\n".encode(), b"DATA\r\n"):
            assert reply(connection, line)[:1] in b"23"
        connection.sendall(b"Subject: endless\r\n\r\n" + b"b" * (50 * 1024 * 1024))
        assert reply(connection, b"\r\n.\r\n")[:1] == b"5"
        assert reply(connection, b"NOOP\r\n").startswith(b"250")
    assert not InboundMail.objects.exists()
    _sends_normally(listener, address)


def test_past_the_connection_limit_a_sender_is_asked_to_come_back_later(alice, start_listener, address):
    listener = start_listener(max_connections=2)
    first, second = listener.raw_session(), listener.raw_session()
    with socket.create_connection((listener.host, listener.port), timeout=10) as third:
        assert third.recv(1024).startswith(b"421")
    first.close()
    second.close()
    deadline = time.monotonic() + 10
    while listener.server.connections.open and time.monotonic() < deadline:
        time.sleep(0.05)
    _sends_normally(listener, address)


def test_nuls_and_an_address_that_is_no_utf8_are_refused_and_the_session_goes_on(alice, listener, address):
    with listener.raw_session() as connection:
        assert reply(connection, b"EHLO sender.example\r\n").startswith(b"250")
        assert reply(connection, b"MAIL FROM:<anna@berger.example>\r\n").startswith(b"250")
        assert reply(connection, b"RCPT TO:<\xff\xfe\xc3@kontor.localhost>\r\n")[:1] == b"5"
        assert reply(connection, b"RCPT TO:<bcc-\x00@kontor.localhost>\r\n")[:1] == b"5"
        assert reply(connection, b"\x00\x00\x00\r\n")[:1] == b"5"
        assert reply(connection, f"RCPT TO:<{address}>\r\n".encode()).startswith(b"250")
    _sends_normally(listener, address)


def test_a_message_with_nuls_and_8bit_bytes_is_stored_as_it_came(alice, listener, address):
    raw = b"From: anna@berger.example\r\nSubject: \xff\xfe\r\n\r\nNUL \x00 and \xe4\xf6\xfc in Latin-1\r\n"
    assert listener.send(raw, [address]) == {}
    assert InboundMail.objects.get().raw.read() == raw


def test_every_message_of_the_messy_corpus_ends_stored_or_refused_with_a_reason(alice, listener, address):
    from .corpus import corpus_messages

    answers = {}
    for name, raw in corpus_messages():
        with listener.client() as client:
            client.ehlo()
            client.mail("anna@berger.example")
            client.rcpt(address)
            answers[name] = client.data(raw)
    refused = {name: answer for name, answer in answers.items() if answer[0] != 250}
    assert all(500 <= code < 600 and text for code, text in refused.values()), refused
    assert InboundMail.objects.count() == len(answers) - len(refused)
    _sends_normally(listener, address)


def test_the_database_work_never_runs_on_the_event_loop_thread(alice, listener, address):
    """A slow database must not stall other senders: the handler hands intake to a pool thread."""
    import threading

    from kontor.mail import intake

    seen: list[str] = []
    original = intake.receive

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(threading.current_thread().name)
        return original(*args, **kwargs)

    intake.receive = spy
    try:
        listener.send(letter(to="x@y.example"), [address])
    finally:
        intake.receive = original
    assert seen and all(name.startswith("kontor-smtp") for name in seen)


def test_kontor_run_starts_the_listener_beside_web_and_worker(tmp_path: Path):
    web_port, smtp_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "KONTOR_JOBS_IMMEDIATE", "DJANGO_SETTINGS_MODULE"}}
    env.update({"KONTOR_DATA_DIR": str(tmp_path / "data"), "KONTOR_WEB_WORKERS": "1",
                "KONTOR_SMTP_PORT": str(smtp_port)})
    process = subprocess.Popen([sys.executable, "-m", "kontor.cli", "run", "--port", str(web_port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        greeting = b""
        while time.monotonic() < deadline and not greeting:
            try:
                with socket.create_connection(("127.0.0.1", smtp_port), timeout=5) as connection:
                    greeting = connection.recv(1024)
            except OSError:
                assert process.poll() is None, "kontor run ended"
                time.sleep(0.3)
        assert greeting.startswith(b"220 " + django_settings.MAIL_DOMAIN.encode())
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_kontor_mailserver_listens_until_it_is_told_to_stop(tmp_path: Path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env["KONTOR_DATA_DIR"] = str(tmp_path / "data")
    process = subprocess.Popen([sys.executable, "-m", "kontor.cli", "mailserver", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert f"on 127.0.0.1:{port}" in first_line
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            assert connection.recv(1024).startswith(b"220")
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_kontor_mailserver_refuses_port_0(tmp_path: Path):
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env["KONTOR_DATA_DIR"] = str(tmp_path / "data")
    finished = subprocess.run([sys.executable, "-m", "kontor.cli", "mailserver", "--port", "0"], env=env,
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode != 0
    assert "--port" in finished.stderr


def test_a_taken_port_does_not_stop_kontor_runs_other_pieces(tmp_path: Path):
    """`kontor run` starts the listener with --optional: it reports the taken port and waits."""
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env["KONTOR_DATA_DIR"] = str(tmp_path / "data")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "kontor.cli", "mailserver", "--port", str(port)]
        alone = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        process = subprocess.Popen([*command, "--optional"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        try:
            assert process.stderr is not None
            assert "Cannot listen on" in process.stderr.readline()
            time.sleep(0.5)
            assert process.poll() is None
        finally:
            process.terminate()
            assert process.wait(timeout=30) == 0
    assert alone.returncode != 0 and "Cannot listen on" in alone.stderr
