"""The login throttle and the API rate limit hold across web processes: two real `kontor web`
servers (gunicorn) on free loopback ports share one database (a SQLite file, or PostgreSQL when
the suite runs on it), and parallel requests to both never get past one limit.

The servers believe X-Forwarded-For from 127.0.0.1 (KONTOR_TRUSTED_PROXIES), so each test plays
several clients behind a proxy by the header alone."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.test_cli import START_TIMEOUT, _free_port

PASSWORD = "correct horse battery staple"
API_LIMIT = 20
# One process for the data (each start of Django costs seconds on a busy machine): Anna owns the
# account, Ben is her colleague, and Anna has two API keys.
SET_UP = f"""
from kontor.accounts import actions
anna = actions.create_account("Live GmbH", "anna@example.com", "{PASSWORD}", owner_name="Anna")
actions.add_user(anna.account, "ben@example.com", "{PASSWORD}", "Ben", "member")
print("KEYS", actions.create_api_key(anna, "one")[1], actions.create_api_key(anna, "two")[1])
"""


@dataclass
class Live:
    urls: list[str]
    env: dict[str, str]
    api_key: str
    other_api_key: str


def _postgres_url(name: str) -> str | None:
    """A fresh database beside the suite's when the suite runs on PostgreSQL, else None."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None
    host, port, user = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432, database["USER"]
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{user}@{host}:{port}/{name}"


def _drop_postgres(name: str) -> None:
    database = settings.DATABASES["default"]
    host, port, user = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432, database["USER"]
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _kontor(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "kontor.cli", *args], env=env, capture_output=True, text=True,
                          timeout=START_TIMEOUT, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data_dir: Path = tmp_path_factory.mktemp("live") / "data"
    pg_name = f"kontor_live_{uuid.uuid4().hex[:8]}"
    database_url = _postgres_url(pg_name)
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "KONTOR_JOBS_IMMEDIATE", "DJANGO_SETTINGS_MODULE"}}
    env.update({"KONTOR_DATA_DIR": str(data_dir), "KONTOR_TRUSTED_PROXIES": "127.0.0.1",
                "KONTOR_API_RATE_LIMIT": f"{API_LIMIT}/minute", "KONTOR_WEB_WORKERS": "1",
                "KONTOR_SMTP_PORT": "0", "PYTHONUNBUFFERED": "1"})
    if database_url:
        env["DATABASE_URL"] = database_url
    servers: list[subprocess.Popen[bytes]] = []
    try:
        _kontor(env, "migrate", "--no-input", "-v", "0")
        output = _kontor(env, "shell", "-c", SET_UP)
        keys = re.findall(r"^KEYS (\S+) (\S+)$", output, re.MULTILINE)[0]
        urls = []
        for _ in range(2):
            port = _free_port()
            servers.append(subprocess.Popen([sys.executable, "-m", "kontor.cli", "web", "--port", str(port)],
                                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
            _wait_until_it_answers(urls[-1] + "/accounts/login/", servers[-1])
        yield Live(urls, env, keys[0], keys[1])
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if database_url:
            _drop_postgres(pg_name)


def _wait_until_it_answers(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, "kontor web exited early"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {START_TIMEOUT}s")


class Browser:
    """A cookie-keeping HTTP client that says it comes from `address` (through the proxy)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
                ) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, body, {"X-Forwarded-For": self.address, "Accept-Language": "en",
                                                     **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def login_form(self, base: str) -> dict[str, str]:
        _status, _headers, page = self.request(base + "/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, page
        return {"csrfmiddlewaretoken": match.group(1)}

    def log_in(self, base: str, form: dict[str, str], email: str, password: str) -> tuple[int, str]:
        status, _headers, page = self.request(base + "/accounts/login/",
                                              {**form, "username": email, "password": password},
                                              {"Referer": base + "/accounts/login/"})
        return status, page


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_parallel_wrong_logins_on_two_processes_check_no_more_passwords_than_the_limit(live: Live):
    attacker = Browser("203.0.113.66")
    form = attacker.login_form(live.urls[0])
    attempts = 60

    def guess(number: int) -> tuple[int, str]:
        return attacker.log_in(live.urls[number % 2], form, "anna@example.com", f"guess {number}")

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(guess, range(attempts)))
    checked = [page for status, page in answers if "do not match" in page]
    locked = [page for status, page in answers if "Too many failed logins" in page]
    assert len(checked) == 10  # KONTOR_LOGIN_MAX_FAILURES: the rest never reached the password check
    assert len(locked) == attempts - 10

    # Anna, from her own address, still gets in with her password while the attacker is locked.
    anna = Browser("198.51.100.7")
    status, _page = anna.log_in(live.urls[1], anna.login_form(live.urls[1]), "anna@example.com", PASSWORD)
    assert status == 302
    status, page = attacker.log_in(live.urls[0], form, "anna@example.com", PASSWORD)
    assert status == 200 and "Too many failed logins" in page


def test_a_spoofed_forwarded_header_behind_the_proxy_does_not_reset_the_count(live: Live):
    # The proxy appends the client's real address; what the client wrote on the left is ignored.
    attacker = Browser("192.0.2.1")
    form = attacker.login_form(live.urls[0])
    answers = []
    for number in range(12):
        attacker.address = f"10.9.{number}.1, 192.0.2.1"
        answers.append(attacker.log_in(live.urls[number % 2], form, "ben@example.com", f"guess {number}")[1])
    assert sum("do not match" in page for page in answers) == 10
    assert "Too many failed logins" in answers[-1]


def test_the_api_rate_limit_holds_across_two_processes(live: Live):
    client = Browser("198.51.100.20")

    def call(number: int) -> tuple[int, dict[str, str], str]:
        return client.request(f"{live.urls[number % 2]}/api/v1/users/me",
                              headers={"Authorization": f"Bearer {live.api_key}"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(call, range(API_LIMIT + 10)))
    statuses = [status for status, _headers, _body in answers]
    assert statuses.count(200) == API_LIMIT
    assert statuses.count(429) == 10
    for status, headers, _body in answers:
        assert headers["X-RateLimit-Limit"] == str(API_LIMIT)
        if status == 429:
            assert int(headers["Retry-After"]) >= 1
            assert headers["X-RateLimit-Remaining"] == "0"
    remaining = sorted(int(headers["X-RateLimit-Remaining"]) for status, headers, _ in answers if status == 200)
    assert remaining == list(range(API_LIMIT))  # one count, whichever process answered

    # Another key of the same user is not affected.
    status, headers, _body = client.request(f"{live.urls[1]}/api/v1/users/me",
                                            headers={"Authorization": f"Bearer {live.other_api_key}"})
    assert status == 200
    assert headers["X-RateLimit-Remaining"] == str(API_LIMIT - 1)
