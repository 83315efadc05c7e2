"""Links in mails, invitations, the calendar feed and the demo's login line point to where Kontor
listens when no KONTOR_BASE_URL is set: a trial on port 8801 links to 8801, not to 8000."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kontor.config import ConfigError, listening_base_url
from tests.test_cli import START_TIMEOUT, Server, _free_port, _get, servers  # noqa: F401 - servers is a fixture


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "KONTOR_JOBS_IMMEDIATE", "DJANGO_SETTINGS_MODULE",
                          "KONTOR_BASE_URL", "PORT", "KONTOR_BIND"}}
    return {**env, "KONTOR_DATA_DIR": str(data_dir), **extra}


def _kontor(data_dir: Path, *args: str, **extra: str) -> str:
    finished = subprocess.run([sys.executable, "-m", "kontor.cli", *args], env=_env(data_dir, **extra),
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def test_the_base_url_follows_port_and_bind_address(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORT", "KONTOR_BIND"):
        monkeypatch.delenv(name, raising=False)
    assert listening_base_url() == "http://127.0.0.1:8000"
    monkeypatch.setenv("PORT", "8801")
    assert listening_base_url() == "http://127.0.0.1:8801"
    monkeypatch.setenv("KONTOR_BIND", "0.0.0.0")
    assert listening_base_url() == "http://127.0.0.1:8801"
    monkeypatch.setenv("KONTOR_BIND", "::1")
    assert listening_base_url() == "http://[::1]:8801"
    monkeypatch.setenv("KONTOR_BIND", "crm.local")
    assert listening_base_url() == "http://crm.local:8801"


def test_a_port_that_is_no_port_stops_the_start_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "99999")
    with pytest.raises(ConfigError, match="PORT"):
        listening_base_url()
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ConfigError, match="PORT"):
        listening_base_url()


def test_kontor_web_on_another_port_links_its_calendar_feed_to_that_port(tmp_path: Path,
                                                                        servers: list[Server]) -> None:  # noqa: F811
    data_dir = tmp_path / "data"
    _kontor(data_dir, "migrate", "-v", "0")
    _kontor(data_dir, "createaccount", "--name", "Müller GmbH", "--email", "anna@example.com",
            "--password", "a long trial password")
    key = _kontor(data_dir, "apitoken", "anna@example.com").strip()
    port = _free_port()
    server = Server(["web", "--port", str(port)], data_dir)
    servers.append(server)
    assert _get(f"http://127.0.0.1:{port}/accounts/login/", time.monotonic() + START_TIMEOUT, server) == 200

    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/settings/calendar",
                                     headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        calendar = json.load(response)

    assert calendar["calendar_url"].startswith(f"http://127.0.0.1:{port}/calendar/")
    assert server.stop() == 0


def test_the_demo_prints_the_login_address_of_the_port_kontor_runs_on(tmp_path: Path) -> None:
    port = _free_port()

    printed = _kontor(tmp_path / "data", "demo", "--people", "1", "--companies", "1", "--password", "a demo password",
                      PORT=str(port))

    assert f"Log in at http://127.0.0.1:{port}/ as" in printed


def test_an_explicit_base_url_wins_over_the_port(tmp_path: Path) -> None:
    printed = _kontor(tmp_path / "data", "demo", "--people", "1", "--companies", "1", "--password", "a demo password",
                      PORT="8801", KONTOR_BASE_URL="https://crm.example.com/")

    assert "Log in at https://crm.example.com/ as" in printed
