"""What the backup tests run inside a real `kontor shell` process (Django set up by the command,
with the data directory, database and queue the test gave it). Each prints one JSON line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

PASSWORD = "correct horse battery staple"


def seed() -> None:
    """An account with a person, a file on the person and a job waiting in the queue (no worker
    runs), plus a signed value that only the same secret key can read again."""
    from django.core import signing
    from django.core.files.uploadedfile import SimpleUploadedFile
    from huey.contrib.djhuey import HUEY

    from kontor.accounts import actions as account_actions
    from kontor.contacts import actions as contact_actions
    from kontor.files import actions as file_actions
    from kontor.records.jobs import reindex_records

    owner = account_actions.create_account("Sicherung GmbH", "olga@example.com", PASSWORD, owner_name="Olga Owner",
                                           language="en")
    person = contact_actions.create_person(owner, {"first_name": "Anna", "last_name": "Adler"})
    upload = SimpleUploadedFile("vertrag.pdf", b"%PDF-1.4 the signed contract", content_type="application/pdf")
    file_actions.upload_file(owner, upload, record=person.record)
    reindex_records([person.record_id])  # waits in the queue: no worker runs here
    print(json.dumps({"token": signing.dumps("still valid"), "pending": HUEY.storage.queue_size()}))


def write_people(stop_file: str) -> None:
    """A writer: creates people one by one until `stop_file` exists, printing the count so far."""
    from kontor.accounts.models import Membership
    from kontor.contacts import actions as contact_actions

    owner = Membership.objects.get(user__email="olga@example.com")
    count = 0
    while not Path(stop_file).exists():
        count += 1
        contact_actions.create_person(owner, {"last_name": f"Schreiber {count}"})
        print(count, flush=True)
    print("stopped", flush=True)


def describe(token: str = "") -> None:
    """What a user would check after a restore: the rows, every file's bytes, the queue, the key."""
    from django.core import signing
    from django.core.files.storage import default_storage
    from huey.contrib.djhuey import HUEY

    from kontor.accounts.models import Account
    from kontor.contacts.models import Person
    from kontor.files.models import Attachment
    from kontor.records.models import Record

    files = {}
    for attachment in Attachment.objects.order_by("pk"):
        with default_storage.open(str(attachment.file.name), "rb") as content:
            files[attachment.name] = hashlib.sha256(content.read()).hexdigest()
    try:
        signed = signing.loads(token) if token else ""
    except signing.BadSignature:
        signed = "bad signature"
    print(json.dumps({
        "accounts": list(Account.objects.values_list("name", flat=True)),
        "people": Person.objects.count(),
        "person_records": Record.objects.filter(kind="person").count(),
        "people_without_record": Person.objects.filter(record__isnull=True).count(),
        "files": files,
        "pending": HUEY.storage.queue_size(),
        "signed": signed,
    }))


def rotate(days: int) -> None:
    """The nightly job on `days` nights in a row (and twice on the last), listing the backups."""
    from kontor.operations import actions, jobs

    start = dt.date(2026, 11, 1)
    made = [actions.make_nightly_backup(start + dt.timedelta(days=day)) for day in range(days)]
    again = actions.make_nightly_backup(start + dt.timedelta(days=days - 1))
    job_result = jobs.nightly_backup.call_local()
    folder = actions.backups_folder()
    print(json.dumps({
        "made": [path.name if path else None for path in made],
        "again": again.name if again else None,
        "job": Path(job_result).name if job_result else None,
        "kept": sorted(path.name for path in folder.glob("*.tar.gz")) if folder.is_dir() else [],
    }))



def step_back(app: str) -> None:
    """Unapplies the newest migration of `app`, as if this database came from an older Kontor."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    names = sorted(name for label, name in executor.loader.disk_migrations if label == app)
    executor.migrate([(app, names[-2])])
    print(json.dumps({"unapplied": [app, names[-1]]}))
