"""The job queue's pending and scheduled jobs, read and written through Huey's storage API, so
that the SQLite queue (jobs.sqlite3) and the Redis queue are handled alike and a backup of one
restores into the other."""

from __future__ import annotations

import base64
import json
from typing import Any

from huey.contrib.djhuey import HUEY


def dump_jobs() -> bytes:
    storage = HUEY.storage
    return json.dumps({
        "pending": [base64.b64encode(data).decode() for data in storage.enqueued_items()],
        "scheduled": [base64.b64encode(data).decode() for data in storage.scheduled_items()],
    }).encode()


def count_jobs(dumped: bytes) -> dict[str, int]:
    jobs = json.loads(dumped)
    return {"pending": len(jobs["pending"]), "scheduled": len(jobs["scheduled"])}


def load_jobs(dumped: bytes) -> dict[str, int]:
    """Replaces the queue's pending and scheduled jobs by the dumped ones, each with its own
    priority and time (read from the message, so a job whose code is gone still comes back)."""
    jobs: dict[str, Any] = json.loads(dumped)
    storage = HUEY.storage
    storage.flush_queue()
    storage.flush_schedule()
    pending = [base64.b64decode(item) for item in jobs["pending"]]
    # enqueued_items lists the first to run first; enqueueing in that order keeps it.
    for data in pending:
        storage.enqueue(data, HUEY.serializer.deserialize(data).priority)
    for item in jobs["scheduled"]:
        data = base64.b64decode(item)
        storage.add_to_schedule(data, HUEY.serializer.deserialize(data).eta)
    return {"pending": len(pending), "scheduled": len(jobs["scheduled"])}
