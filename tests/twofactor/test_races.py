"""Codes checked at the same moment from several browsers: the row lock makes them count one
after the other, so a code is accepted once and wrong guesses never exceed the limit. On
PostgreSQL only, where connections really write at once (SQLite lets one connection write at a
time, and its shared in-memory test database refuses parallel writers outright)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.twofactor import actions
from kontor.twofactor.actions import CodeCheck
from tests.conftest import PASSWORD
from tests.twofactor.helpers import app_code, switch_on

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")]


def _at_once(count: int, attempt: Callable[[], CodeCheck]) -> list[CodeCheck]:
    barrier, results = threading.Barrier(count), []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            result = attempt()
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_one_code_sent_from_several_browsers_at_once_is_accepted_once():
    user = account_actions.create_account("Race GmbH", "race@example.com", PASSWORD, owner_name="R").user
    switch_on(user)
    now = timezone.now()
    code = app_code(user, now)
    results = _at_once(6, lambda: actions.check_code(user, code, now))
    assert sum(result.accepted for result in results) == 1


def test_wrong_codes_sent_at_once_pause_the_step_after_the_limit():
    user = account_actions.create_account("Race GmbH", "race@example.com", PASSWORD, owner_name="R").user
    switch_on(user)
    now = timezone.now()
    wrong = "000000" if app_code(user, now) != "000000" else "111111"
    results = _at_once(8, lambda: actions.check_code(user, wrong, now))
    assert len(results) == 8
    assert sum(result.locked_minutes > 0 for result in results) == 8 - actions.MAX_FAILURES + 1
    assert actions.check_code(user, app_code(user, now), now).locked_minutes > 0
