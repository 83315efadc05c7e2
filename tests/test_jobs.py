"""The periodic jobs: registered with the worker, and doing what their action does."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from kontor.contacts import actions as contact_actions
from kontor.records import actions as record_actions
from kontor.records import jobs
from kontor.records.models import Record


@pytest.fixture
def immediate_jobs() -> Iterator[None]:
    """Jobs run in the calling process, on an in-memory queue, as they do in the test suite."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


def _trashed_person(alice, last_name: str, days_ago: int) -> Record:
    person = contact_actions.create_person(alice.membership, {"last_name": last_name})
    record_actions.trash_record(person.record, alice.membership)
    Record.objects.filter(pk=person.record.pk).update(deleted_at=timezone.now() - dt.timedelta(days=days_ago))
    return person.record


def test_the_worker_knows_the_trash_purge_as_a_daily_periodic_job() -> None:
    periodic = {task.name: task for task in HUEY._registry.periodic_tasks}
    job = periodic["purge_expired_trash"]
    minutes = [dt.datetime(2026, 3, 1) + dt.timedelta(minutes=m) for m in range(24 * 60)]
    assert [minute.time() for minute in minutes if job.validate_datetime(minute)] == [dt.time(3, 17)]


def test_the_purge_job_deletes_only_what_is_in_the_trash_longer_than_thirty_days(alice, immediate_jobs,
                                                                                  caplog) -> None:
    expired = _trashed_person(alice, "Alt", days_ago=31)
    recent = _trashed_person(alice, "Neu", days_ago=29)
    alive = contact_actions.create_person(alice.membership, {"last_name": "Lebendig"}).record

    with caplog.at_level(logging.INFO, logger="kontor.records.jobs"):
        jobs.purge_expired_trash()

    assert not Record.objects.filter(pk=expired.pk).exists()
    assert "Purged 1 records" in caplog.text
    assert Record.objects.filter(pk__in=[recent.pk, alive.pk]).count() == 2


def test_running_the_purge_job_twice_is_harmless(alice, immediate_jobs) -> None:
    expired = _trashed_person(alice, "Alt", days_ago=40)

    jobs.purge_expired_trash()
    jobs.purge_expired_trash()

    assert not Record.objects.filter(pk=expired.pk).exists()
