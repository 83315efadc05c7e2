"""Whatever bytes a client sends, the listener lives on: after each, a normal message still gets 250."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings, strategies

from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail

from .letters import letter
from .listener import Listener, listeners

# Lines a client might send, good and bad, so that the garbage also reaches the later states
# (after EHLO, inside MAIL and DATA) instead of dying at the greeting.
COMMANDS = [b"EHLO x\r\n", b"HELO x\r\n", b"MAIL FROM:<a@b.example>\r\n", b"RCPT TO:<x@kontor.localhost>\r\n",
            b"DATA\r\n", b".\r\n", b"RSET\r\n", b"NOOP\r\n", b"STARTTLS\r\n", b"AUTH PLAIN\r\n", b"BDAT 5\r\n",
            b"\r\n", b"\x00", b"\xff\xfe\r\n", b"MAIL FROM:<\xff@\x00>\r\n", b"RCPT TO:<>\r\n"]

garbage = strategies.lists(strategies.one_of(strategies.sampled_from(COMMANDS), strategies.binary(max_size=300)),
                           max_size=12).map(b"".join)


@pytest.fixture
def start_listener(transactional_db) -> Iterator[Callable[..., Listener]]:
    with listeners() as start:
        yield start


def _send_garbage(listener: Listener, data: bytes) -> None:
    with socket.create_connection((listener.host, listener.port), timeout=5) as connection:
        try:
            connection.sendall(data)
            connection.settimeout(0.05)
            connection.recv(65536)
        except OSError:
            pass  # the server may close on us or say nothing: both are fine


def test_arbitrary_bytes_never_take_the_listener_down(alice, start_listener):
    listener = start_listener()
    address = dropbox_for(alice.membership).address
    sent: list[str] = []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=garbage)
    def check(data: bytes) -> None:
        _send_garbage(listener, data)
        subject = f"Normal {len(sent)}"
        assert listener.send(letter(to="x@y.example", subject=subject), [address]) == {}
        sent.append(subject)

    check()
    assert InboundMail.objects.count() >= len(sent)
