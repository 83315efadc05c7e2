"""The `kontor` command: translations, the web server alone, and web plus worker together.

The servers run as real subprocesses on a free loopback port with their own data directory, and
are always stopped again; every wait polls with a deadline instead of sleeping a fixed time."""

from __future__ import annotations

import gettext
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from kontor import cli
from kontor.lib.translations import compile_translations

START_TIMEOUT = 90  # a cold start migrates a new database first
STOP_TIMEOUT = 20


def test_compiletranslations_writes_mo_files_that_gettext_reads(tmp_path: Path) -> None:
    po_path = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="People", msgstr="Personen"))
    po.save(str(po_path))

    written = compile_translations(tmp_path)

    assert written == [po_path.with_suffix(".mo")]
    with po_path.with_suffix(".mo").open("rb") as mo_file:
        assert gettext.GNUTranslations(mo_file).gettext("People") == "Personen"
    assert compile_translations(tmp_path) == []  # up to date: nothing to do


def test_kontor_compiletranslations_reports_each_file_it_compiled(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["compiletranslations"])

    for line in capsys.readouterr().out.splitlines():
        assert re.fullmatch(r"compiled .+\.mo", line)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A `kontor` subprocess whose output is collected line by line in the background."""

    def __init__(self, args: list[str], data_dir: Path, *, smtp_port: int = 0) -> None:
        env = {key: value for key, value in os.environ.items()
               if key not in {"DATABASE_URL", "REDIS_URL", "KONTOR_JOBS_IMMEDIATE", "DJANGO_SETTINGS_MODULE",
                              "MALLOC_ARENA_MAX"}}
        # A listener of its own on a free port (0: none), never the default 2525 that a Kontor
        # already running on the machine may hold.
        env.update({"KONTOR_DATA_DIR": str(data_dir), "KONTOR_WEB_WORKERS": "1", "PYTHONUNBUFFERED": "1",
                    "KONTOR_SMTP_PORT": str(smtp_port)})
        self.process = subprocess.Popen([sys.executable, "-m", "kontor.cli", *args], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for_line(self, pattern: str, deadline: float) -> re.Match[str]:
        """The first output line (from now on or earlier) that matches, or fails at the deadline."""
        for line in self.output:
            if match := re.search(pattern, line):
                return match
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.output.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r}; output so far:\n{''.join(self.output)}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"kontor did not stop within {STOP_TIMEOUT}s") from None


def _get(url: str, deadline: float, server: Server) -> int:
    """Polls until the server answers (any HTTP status) or the deadline passes."""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError("kontor exited early:\n" + "".join(server.output) + _drain(server))
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {START_TIMEOUT}s:\n" + _drain(server))


def _drain(server: Server) -> str:
    while not server.lines.empty():
        server.output.append(server.lines.get())
    return "".join(server.output)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Started servers, killed at the end even when a test fails half-way."""
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def test_kontor_web_serves_the_setup_page_on_the_given_port(tmp_path: Path, servers: list[Server]) -> None:
    port = _free_port()
    server = Server(["web", "--port", str(port)], tmp_path / "data")
    servers.append(server)

    status = _get(f"http://127.0.0.1:{port}/setup/", time.monotonic() + START_TIMEOUT, server)

    assert status == 200
    assert (tmp_path / "data" / "kontor.sqlite3").exists()
    # gunicorn (the same process, exec'd) and so its workers keep to two memory arenas.
    environment = Path(f"/proc/{server.process.pid}/environ").read_bytes().split(b"\0")
    assert b"MALLOC_ARENA_MAX=2" in environment
    assert server.stop() == 0


def _smtp_greeting(port: int, deadline: float, server: Server) -> bytes:
    """Polls until something answers SMTP on the port, and returns its greeting line."""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError("kontor exited early:\n" + _drain(server))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                greeting = connection.makefile("rb").readline()
                connection.sendall(b"QUIT\r\n")
                return greeting
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered SMTP on port {port} within {START_TIMEOUT}s:\n" + _drain(server))


def test_kontor_run_starts_web_worker_and_mail_listener_and_stops_them(tmp_path: Path,
                                                                       servers: list[Server]) -> None:
    port, smtp_port = _free_port(), _free_port()
    server = Server(["run", "--port", str(port)], tmp_path / "data", smtp_port=smtp_port)
    servers.append(server)
    deadline = time.monotonic() + START_TIMEOUT

    assert _get(f"http://127.0.0.1:{port}/setup/", deadline, server) == 200
    web_pid = int(server.wait_for_line(r"Listening at: \S+ \((\d+)\)", deadline).group(1))
    worker_pid = int(server.wait_for_line(r"Huey consumer started .* PID (\d+)", deadline).group(1))
    assert (tmp_path / "data" / "jobs.sqlite3").exists()
    server.wait_for_line(rf"Receiving mail for @\S+ on 127\.0\.0\.1:{smtp_port}\b", deadline)
    assert _smtp_greeting(smtp_port, deadline, server).startswith(b"220 ")

    server.stop(signal.SIGTERM)

    stop_deadline = time.monotonic() + STOP_TIMEOUT
    while (_is_running(web_pid) or _is_running(worker_pid)) and time.monotonic() < stop_deadline:
        time.sleep(0.1)
    assert not _is_running(web_pid)
    assert not _is_running(worker_pid)
    with pytest.raises(OSError, match="Connection refused"):  # the listener stopped with them
        socket.create_connection(("127.0.0.1", smtp_port), timeout=5).close()


def test_kontor_demo_prepares_a_new_data_directory_first(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env["KONTOR_DATA_DIR"] = str(tmp_path / "data")

    command = [sys.executable, "-m", "kontor.cli", "demo", "--people", "2", "--companies", "2",
               "--password", "a demo password"]
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert finished.returncode == 0, finished.stderr
    assert "Demo GmbH (account 1): 2 people, 2 companies," in finished.stdout
