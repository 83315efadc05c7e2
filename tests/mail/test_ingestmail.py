"""`kontor ingestmail`, the mail server's pipe: the message on standard input, the answer in the
exit status (0 stored, 67 unknown address, 65 too large or empty, 75 try again later)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail

from .letters import letter


def ingest(raw: bytes, *to: str) -> tuple[int, str]:
    """Runs the command as the pipe would; returns its exit status and what it wrote to stderr."""
    stderr = io.StringIO()
    try:
        call_command("ingestmail", *[f"--to={address}" for address in to], stdin=io.BytesIO(raw),
                     stdout=io.StringIO(), stderr=stderr)
    except SystemExit as exit:
        return int(exit.code or 0), stderr.getvalue()
    return 0, stderr.getvalue()


@pytest.fixture
def address(alice) -> str:
    return dropbox_for(alice.membership).address


def test_a_piped_message_is_stored_and_exits_0(alice, address):
    raw = letter(to="Anna Berger <anna@berger.example>")
    assert ingest(raw, address) == (0, "")
    inbound = InboundMail.objects.get()
    assert (inbound.source, inbound.recipient, inbound.raw.read()) == ("pipe", address, raw)


def test_several_recipients_may_be_named_and_unknown_ones_are_left_out(alice, bob, address, settings):
    bobs = dropbox_for(bob.membership).address
    assert ingest(letter(to="x@y.example"), address, f"nobody@{settings.MAIL_DOMAIN}", bobs)[0] == 0
    assert InboundMail.objects.get().recipient == address


def test_an_unknown_address_exits_67_with_a_reason(db, settings):
    code, stderr = ingest(letter(to="x@y.example"), f"bcc-000000000000@{settings.MAIL_DOMAIN}")
    assert code == 67
    assert "550" in stderr
    assert not InboundMail.objects.exists()


def test_a_message_above_the_limit_exits_65_without_being_read_whole(alice, address, settings):
    settings.MAIL_MAX_BYTES = 1000
    code, stderr = ingest(letter(to="x@y.example", text="x" * 5000), address)
    assert code == 65
    assert "too large" in stderr
    assert not InboundMail.objects.exists()


def test_an_empty_message_exits_65(alice, address):
    assert ingest(b"  \r\n", address)[0] == 65


def test_a_store_that_fails_exits_75_so_the_mail_server_retries(alice, address, settings):
    blocker = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("no folder")
    code, stderr = ingest(letter(to="x@y.example"), address)
    assert code == 75
    assert stderr.startswith("4")
    assert not InboundMail.objects.exists()


def test_a_database_that_is_down_exits_75(alice, address, settings):
    """The pipe runs as its own process: a database it cannot reach must defer the mail, not bounce it."""
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env.update({"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "KONTOR_DB_CONN_MAX_AGE": "0"})
    finished = subprocess.run([sys.executable, "-m", "kontor.cli", "ingestmail", "--to", address],
                              input=letter(to="x@y.example"), env=env, capture_output=True, timeout=120)
    assert finished.returncode == 75, finished.stderr.decode()[-2000:]


def test_the_real_command_stores_a_message_from_standard_input(tmp_path: Path):
    """The whole way a mail server takes: a `kontor` process with its own data directory."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"KONTOR_DATA_DIR": str(tmp_path / "data"), "KONTOR_JOBS_IMMEDIATE": "false"})
    kontor = [sys.executable, "-m", "kontor.cli"]
    subprocess.run([*kontor, "migrate", "--no-input", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([*kontor, "createaccount", "--name", "Pipe GmbH", "--email", "pipe@example.com",
                    "--password", "a long enough password"], env=env, check=True, timeout=120,
                   capture_output=True)
    show = ("from kontor.mail.dropbox import dropbox_for; from kontor.accounts.models import Membership; "
            "print(dropbox_for(Membership.objects.get()).address)")
    address = subprocess.run([*kontor, "shell", "-c", show], env=env, check=True, capture_output=True,
                             text=True, timeout=120).stdout.strip().splitlines()[-1]

    stored = subprocess.run([*kontor, "ingestmail", "--to", address], input=letter(to="x@y.example"), env=env,
                            capture_output=True, timeout=120)
    unknown = subprocess.run([*kontor, "ingestmail", "--to", "bcc-000000000000@kontor.localhost"],
                             input=letter(to="x@y.example"), env=env, capture_output=True, timeout=120)

    assert stored.returncode == 0, stored.stderr.decode()[-2000:]
    assert unknown.returncode == 67


def test_a_configuration_error_defers_the_message_with_75(tmp_path: Path):
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env.update({"KONTOR_DATA_DIR": str(tmp_path / "data"), "KONTOR_MAIL_MAX_BYTES": "not a number"})
    finished = subprocess.run([sys.executable, "-m", "kontor.cli", "ingestmail", "--to", "x@kontor.localhost"],
                              input=letter(to="x@y.example"), env=env, capture_output=True, timeout=120)
    assert finished.returncode == 75
    assert b"KONTOR_MAIL_MAX_BYTES" in finished.stderr
