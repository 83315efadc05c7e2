"""The mail benchmark: how fast the SMTP listener answers, and how fast the worker files.

    listener  250 for a 100 kB message over real SMTP on loopback, p95 of 50 (target: under 50 ms)
    filing    the filing job over 500 stored messages from a known person, one job each as intake
              enqueues them (target: 100 a second)
    worker    the same through the real worker: 500 messages taken in by intake while no worker
              runs, then `kontor worker` started; the rate from the first filed to the last

Run by `kontor bench` against the benchmark account (bench/generate.py). What it stores is removed
again afterwards (messages, raw files, the e-mail entries and their search documents), so repeated
runs do not grow the account that the page benchmark measures."""

from __future__ import annotations

import os
import random
import signal
import smtplib
import socket
import statistics
import string
import subprocess
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max, Min

from bench.generate import bench_membership
from kontor.accounts.models import Membership
from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details
from kontor.contacts.models import DetailKind, Person
from kontor.history.models import Entry
from kontor.mail import filing, intake
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail, InboundSource, InboundState
from kontor.mail.smtp import MailServer
from kontor.search import index as search_index

SENDER = "mailbench@kontor-bench.example"
LISTENER_MESSAGES = 50
LISTENER_TARGET_MS = 50.0
FILING_MESSAGES = 500
FILING_TARGET_PER_SECOND = 100.0


def _text(size: int, rng: random.Random) -> str:
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))) for _ in range(500)]
    lines, length = [], 0
    while length < size:
        line = " ".join(rng.choices(words, k=10))
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines)


def _message(to: str, size: int, rng: random.Random) -> bytes:
    message = EmailMessage()
    message["From"] = f"Mail Bench <{SENDER}>"
    message["To"] = to
    message["Subject"] = "Benchmark " + "".join(rng.choices(string.ascii_letters, k=8))
    message["Message-ID"] = make_msgid(domain="kontor-bench.example")
    message.set_content(_text(size, rng))
    return message.as_bytes()


def _sender_person(membership: Membership) -> Person:
    """The person the filing benchmark's mail comes from (made once, kept for later runs)."""
    found = Person.objects.filter(account=membership.account, record__deleted_at__isnull=True,
                                  record__contact_details__kind=DetailKind.EMAIL,
                                  record__contact_details__normalized=SENDER).first()
    if found is not None:
        return found
    return contact_actions.create_person(membership, {"first_name": "Mail", "last_name": "Bench"},
                                         Details(contact=[DetailData(DetailKind.EMAIL, SENDER)]))


def _remove(inbound_ids: list[int]) -> None:
    """Removes what a run stored: the messages, their raw files, the entries filed from them."""
    rows = list(InboundMail.objects.filter(pk__in=inbound_ids).values_list("raw", "entry_id"))
    entry_ids = [entry_id for _raw, entry_id in rows if entry_id]
    search_index.remove_objects(Entry, entry_ids)
    Entry.objects.filter(pk__in=entry_ids).delete()
    InboundMail.objects.filter(pk__in=inbound_ids).delete()
    for name, _entry_id in rows:
        if name:
            default_storage.delete(name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_listener(membership: Membership, say: Callable[[str], None]) -> dict[str, Any]:
    rng = random.Random(7)
    address = dropbox_for(membership).address
    messages = [_message("Someone <someone@example.org>", 100 * 1024, rng) for _ in range(LISTENER_MESSAGES + 5)]
    before = InboundMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    server = MailServer("127.0.0.1", free_port())
    server.start()
    timings = []
    try:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as client:
            for number, raw in enumerate(messages):
                started = time.perf_counter()
                client.sendmail(SENDER, [address], raw)
                if number >= 5:  # the first few warm up connections and caches
                    timings.append((time.perf_counter() - started) * 1000)
    finally:
        server.stop()
        _remove(list(InboundMail.objects.filter(pk__gt=before, recipient=address).values_list("pk", flat=True)))
    p95 = statistics.quantiles(timings, n=20)[-1]
    say(f"listener: 250 for a 100 kB message in {statistics.median(timings):.1f} ms (median), {p95:.1f} ms (p95)")
    return {"name": "SMTP 250 for a 100 kB message (p95)", "value": round(p95, 1), "unit": "ms",
            "target": LISTENER_TARGET_MS, "meets_target": p95 < LISTENER_TARGET_MS}


def measure_filing(membership: Membership, say: Callable[[str], None]) -> dict[str, Any]:
    rng = random.Random(11)
    _sender_person(membership)
    address = dropbox_for(membership).address
    stored = []
    for _ in range(FILING_MESSAGES):
        raw = _message("Someone <someone@example.org>", 4 * 1024, rng)
        name = default_storage.save(f"mail/{membership.account_id}/bench/{make_msgid()[1:-1]}.eml", ContentFile(raw))
        stored.append(InboundMail(account=membership.account, membership=membership, recipient=address,
                                  source=InboundSource.SMTP, raw=name, size=len(raw)))
    # Written around intake on purpose: intake would enqueue a filing job for each. The loop does
    # what each filing job does (kontor.mail.jobs.file_inbound_mail), without the queue.
    InboundMail.objects.bulk_create(stored)
    ids = [row.pk for row in stored]
    try:
        started = time.perf_counter()
        for inbound_id in ids:
            filing.file_waiting(inbound_id)
        seconds = time.perf_counter() - started
        filed = InboundMail.objects.filter(pk__in=ids, entry__isnull=False).count()
    finally:
        _remove(ids)
    rate = len(ids) / seconds
    say(f"filing: {len(ids)} messages in {seconds:.2f} s, {rate:.0f} a second ({filed} filed on the sender)")
    return {"name": "Filing stored messages onto a person", "value": round(rate, 1), "unit": "messages/s",
            "target": FILING_TARGET_PER_SECOND,
            "meets_target": rate >= FILING_TARGET_PER_SECOND and filed == len(ids)}


def _worker_started() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "kontor.cli", "worker"], env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stopped(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def measure_worker(membership: Membership, say: Callable[[str], None]) -> dict[str, Any]:
    """The filing rate of the real worker: its queue, its connections, its two threads. The
    messages are taken in first (intake enqueues a job each), then the worker starts; the rate
    runs from the first message filed to the last, so the worker's start-up is not counted."""
    rng = random.Random(13)
    _sender_person(membership)
    address = dropbox_for(membership).address
    before = InboundMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for _ in range(FILING_MESSAGES):
        intake.receive(_message("Someone <someone@example.org>", 4 * 1024, rng), [address], InboundSource.SMTP)
    ids = list(InboundMail.objects.filter(pk__gt=before, recipient=address).values_list("pk", flat=True))
    waiting = InboundMail.objects.filter(pk__in=ids, state=InboundState.PENDING)
    worker = _worker_started()
    try:
        deadline = time.monotonic() + 600
        while waiting.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        span = InboundMail.objects.filter(pk__in=ids, handled_at__isnull=False).aggregate(
            first=Min("handled_at"), last=Max("handled_at"))
        filed = InboundMail.objects.filter(pk__in=ids, entry__isnull=False).count()
    finally:
        _stopped(worker)
        _remove(ids)
    seconds = (span["last"] - span["first"]).total_seconds() if span["first"] else 0.0
    rate = (filed - 1) / seconds if seconds > 0 else 0.0
    say(f"worker: {filed} of {len(ids)} messages filed in {seconds:.2f} s from the first to the last, "
        f"{rate:.0f} a second")
    return {"name": "Filing by the worker, from its queue", "value": round(rate, 1), "unit": "messages/s",
            "target": FILING_TARGET_PER_SECOND,
            "meets_target": rate >= FILING_TARGET_PER_SECOND and filed == len(ids)}


def measure(say: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """The three figures, as rows {"name", "value", "unit", "target", "meets_target"}."""
    membership = bench_membership()
    if membership is None:
        raise RuntimeError("No benchmark account: generate one first (kontor bench --generate-only).")
    return [measure_listener(membership, say), measure_filing(membership, say), measure_worker(membership, say)]
