"""Fixtures for the collaboration tests: a real SMTP server on loopback (aiosmtpd) that Django's
SMTP backend talks to, and a real job queue (SQLite in a temporary file, or Redis when REDIS_URL
is set) whose jobs the test runs the way a worker does."""

from __future__ import annotations

import email
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from huey.contrib.djhuey import HUEY
from huey.storage import PriorityRedisStorage, SqliteStorage


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """What the SMTP server received, as parsed messages with their envelope recipients."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd's hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, rcpt in zip(self.messages, self.envelopes, strict=True) if address in rcpt]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return body.get_content()


def html_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    assert body is not None
    return body.get_content()


@pytest.fixture
def smtp(settings) -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 (a free port); Django sends to it over a real SMTP conversation."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.BASE_URL = "https://kontor.example.com"
    yield inbox
    controller.stop()


class JobQueue:
    """A real Huey queue; `run()` executes what is enqueued, as the worker's consumer does."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def pending(self) -> int:
        return HUEY.pending_count()

    def run(self) -> int:
        """Runs every enqueued job (and the jobs they enqueue) to the end; returns how many ran."""
        ran = 0
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)
            ran += 1
        return ran


@pytest.fixture(params=["sqlite", "redis"])
def job_queue(request, tmp_path) -> Iterator[JobQueue]:
    """The worker's queue for real: SQLite in a temporary file, and Redis when REDIS_URL is set
    (CI's PostgreSQL run sets it; elsewhere that half is skipped, saying why)."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set: the Redis queue is tested where it is (CI's PostgreSQL run)")
        storage = PriorityRedisStorage(name=f"kontor-test-{uuid.uuid4().hex}", url=url)
    else:
        storage = SqliteStorage(name="kontor-test", filename=str(tmp_path / "jobs.sqlite3"))
    before_storage, before_immediate = HUEY.storage, HUEY._immediate
    # Set the flag directly: the property would swap in Huey's own storage.
    HUEY._immediate = False
    HUEY.storage = storage
    try:
        yield JobQueue(request.param)
    finally:
        storage.flush_all()
        HUEY.storage, HUEY._immediate = before_storage, before_immediate


@pytest.fixture
def immediate_jobs() -> Iterator[None]:
    """Jobs run in the calling process when enqueued (on commit), on an in-memory queue."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before
