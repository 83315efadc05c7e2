"""The SMTP listener: receives mail for the dropbox and project addresses straight from the sending
mail servers (an MX record pointing at Kontor) or from a mail server in front that relays to it.

It speaks to the outside world, so its promises are about failure:

- an address Kontor does not know is refused at RCPT (550), before the message is sent;
- a message above settings.MAIL_MAX_BYTES is refused (552): the limit is announced with SIZE in
  the EHLO answer, and while DATA is read, bytes beyond it are dropped, never held;
- 250 is answered only after intake.receive returned, i.e. the raw message is stored and its
  filing job enqueued; anything going wrong there answers 451, so the sender keeps the message
  and tries again later: nothing is lost;
- a connection's garbage (binary bytes, endless lines, NULs, a dropped connection) ends at most
  that connection: aiosmtpd runs each in its own task, and the handler below never raises.

The database work is synchronous Django ORM and runs in a small thread pool, so a slow disk or a
busy database never stalls the conversations of other senders."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, connections

from kontor.mail import intake

log = logging.getLogger("kontor.mail.smtp")

T = TypeVar("T")

# More recipients than this in one message are asked to come in another (RFC 5321 allows 452).
MAX_RECIPIENTS = 100
# Open conversations at once; more are asked to come back later. Senders retry, and each
# conversation may hold up to settings.MAIL_MAX_BYTES in memory while its message arrives.
MAX_CONNECTIONS = 50
# RFC 5321 allows lines of 1000 bytes, but mail from sloppy senders (HTML on one line) has longer
# ones; Postfix accepts them, so the listener does too, up to this length per line.
LINE_LENGTH_LIMIT = 1024 * 1024
TEMPORARY_FAILURE = "451 4.3.0 Temporary failure while storing the message, please try again later"


def _run_with_database(function: Callable[..., T], *args: Any) -> T:
    """Runs ORM work in a pool thread with a usable connection, and leaves none behind that the
    database closed or that outlived CONN_MAX_AGE (the same care Django takes around a request)."""
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


def _printable(address: str) -> bool:
    """Whether an envelope address can be looked up at all: aiosmtpd hands over bytes that are not
    UTF-8 as surrogate escapes, which no database accepts."""
    try:
        address.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in address


class IntakeHandler:
    """aiosmtpd's handler: asks intake whether an address is known, and hands it the message."""

    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self.executor = executor

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, _run_with_database, function, *args)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if not _printable(address) or len(address) > 320:
            return "553 5.1.3 Malformed address"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients, send the rest in another message"
        try:
            known = await self._in_thread(intake.accepts, address)
        except Exception:
            log.exception("Could not look up the recipient %r", address)
            return "451 4.3.0 Temporary failure while looking up the address, please try again later"
        if not known:
            log.info("Refused unknown recipient %r from %s", address, session.peer)
            return "550 5.1.1 No such address here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        try:
            stored = await self._in_thread(intake.receive, raw, list(envelope.rcpt_tos), "smtp")
        except intake.Refused as refused:
            log.info("Refused a message for %s from %s: %s %s", envelope.rcpt_tos, session.peer,
                     refused.code, refused.reason)
            return f"{refused.code} {_one_line(refused.reason)}"
        except Exception:
            log.exception("Could not store a message for %s from %s", envelope.rcpt_tos, session.peer)
            return TEMPORARY_FAILURE
        log.info("Stored a message of %d bytes for %s from %s", len(raw), envelope.rcpt_tos, session.peer)
        return f"250 2.0.0 Stored as {', '.join(str(inbound.pk) for inbound in stored)}"

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd calls this for an error in its own command handling; the connection lives on.
        log.warning("SMTP session error: %r", error)
        return "500 5.5.0 Could not handle the command"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:400] or "Refused"


class ConnectionCount:
    """How many conversations are open; read and changed on the event loop's thread only."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0


class KontorSMTP(SMTP):
    line_length_limit = LINE_LENGTH_LIMIT

    def __init__(self, handler: Any, *, connections: ConnectionCount, **options: Any) -> None:
        super().__init__(handler, **options)
        self.connections = connections

    async def _handle_client(self) -> None:
        # Each conversation may hold a message up to the size limit in memory: past the limit of
        # open conversations, a new one is asked to come back later (421) before it sends anything.
        if self.connections.open >= self.connections.limit:
            log.warning("Too many open SMTP connections (%d); turned %s away", self.connections.open,
                        self.session.peer if self.session else "?")
            await self.push("421 4.7.0 Too many connections, please try again later")
            if self.transport is not None:
                self.transport.close()
            return
        self.connections.open += 1
        try:
            await super()._handle_client()
        finally:
            self.connections.open -= 1


def tls_context(cert: str | Path, key: str | Path) -> ssl.SSLContext:
    """The server side of STARTTLS, from a PEM certificate (chain) and its key."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


class MailServer(Controller):
    """The listener on its own event loop thread: `start()` returns when it accepts connections,
    `stop()` ends it. `kontor mailserver` runs one until it is told to stop; tests and the
    benchmark start one on a free loopback port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 2525, *, cert: str | Path = "",
                 key: str | Path = "", max_bytes: int | None = None, workers: int = 4,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.connections = ConnectionCount(max_connections)
        self.workers = workers
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kontor-smtp")
        self.max_bytes = settings.MAIL_MAX_BYTES if max_bytes is None else max_bytes
        self.tls = tls_context(cert, key) if cert and key else None
        super().__init__(IntakeHandler(self.executor), hostname=host, port=port,
                         server_hostname=settings.MAIL_DOMAIN, ready_timeout=10)

    def factory(self) -> SMTP:
        return KontorSMTP(self.handler, connections=self.connections, data_size_limit=self.max_bytes,
                          enable_SMTPUTF8=True, decode_data=False, hostname=settings.MAIL_DOMAIN, ident="Kontor",
                          tls_context=self.tls, timeout=300, loop=self.loop)

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert=no_assert)
        self._close_connections()
        self.executor.shutdown(wait=True)

    def _close_connections(self) -> None:
        """Closes the database connection each pool thread holds. A barrier makes every thread
        take exactly one of the closing jobs (a pool cannot be told which thread runs what)."""
        barrier = threading.Barrier(self.workers, timeout=10)

        def close() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
            connections.close_all()

        for future in [self.executor.submit(close) for _ in range(self.workers)]:
            future.result()


def serve(host: str, port: int, *, cert: str = "", key: str = "", stop: threading.Event | None = None,
          on_ready: Callable[[MailServer], None] | None = None) -> None:
    """Runs the listener until `stop` is set (by a signal handler in `kontor mailserver`)."""
    server = MailServer(host, port, cert=cert, key=key)
    server.start()
    if on_ready is not None:
        on_ready(server)
    try:
        (stop or threading.Event()).wait()
    finally:
        server.stop()
