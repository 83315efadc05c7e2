"""The SMTP listener for tests: a real one (kontor.mail.smtp.MailServer) on a free loopback port.
Its threads have their own database connections, so the tests that use it commit their data
(transactional_db)."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kontor.mail.smtp import MailServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Listener:
    server: MailServer
    host: str
    port: int

    def client(self, timeout: float = 30) -> smtplib.SMTP:
        return smtplib.SMTP(self.host, self.port, timeout=timeout)

    def send(self, raw: bytes, to: list[str], sender: str = "anna@berger.example") -> dict:
        """Sends over a real SMTP conversation; returns smtplib's refused recipients (raises on refusal)."""
        with self.client() as client:
            return client.sendmail(sender, to, raw)

    def raw_session(self, timeout: float = 10) -> socket.socket:
        connection = socket.create_connection((self.host, self.port), timeout=timeout)
        assert connection.recv(1024).startswith(b"220")
        return connection


@contextmanager
def listeners() -> Iterator[Callable[..., Listener]]:
    """start(**MailServer options) -> a running listener; all are stopped at the end. The test
    modules wrap this in a fixture that also asks for transactional_db."""
    started: list[MailServer] = []

    def start(**options: Any) -> Listener:
        port = free_port()
        server = MailServer("127.0.0.1", port, **options)
        server.start()
        started.append(server)
        return Listener(server, "127.0.0.1", port)

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def reply(connection: socket.socket, line: bytes) -> bytes:
    """Sends one command line and reads the server's whole answer (all its lines)."""
    connection.sendall(line)
    answer = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            return answer
        answer += chunk
        last = answer.rstrip(b"\r\n").split(b"\r\n")[-1]
        if answer.endswith(b"\r\n") and len(last) >= 4 and last[3:4] == b" ":
            return answer
