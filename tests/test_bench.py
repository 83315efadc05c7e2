"""A tiny run of the benchmark (bench/), so that the generator and the runner keep working as the
pages change. It times nothing: figures on a test machine mean little, the large run is documented
in docs/performance.md. The run through the real server (`--serve`) starts `kontor web` on a free
loopback port and must stop it again, whatever happens."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bench import generate, run, throughput
from kontor.history.models import Entry
from kontor.records.models import Record
from kontor.search.models import Document


def test_the_generator_builds_the_account_its_index_and_the_noise_accounts(db):
    membership = generate.generate(generate.Size(people=60, companies=10, deals=12, entries=300), noise_accounts=1,
                                   say=lambda _text: None)
    account = membership.account
    assert Record.objects.filter(account=account, kind="person").count() == 60
    assert Record.objects.filter(account=account, kind="deal").count() == 12
    assert Entry.objects.filter(account=account).count() == 300
    assert Record.objects.exclude(account=account).exists()
    heavy = Record.objects.get(account=account, display_name=" ".join(generate.HEAVY_PERSON))
    assert Entry.objects.filter(links__record=heavy).count() >= 150
    # one document per person, company, deal, task and entry, in both accounts
    assert Document.objects.filter(account=account).count() == 60 + 10 + 12 + 300 + generate.Size(60).task_count


def test_kontor_bench_measures_every_page_and_writes_json(db, tmp_path, capsys):
    call_command("bench", people=40, companies=8, deals=10, entries=200, repeat=2, json=tmp_path / "bench.json",
                 no_migrate=True)
    report = json.loads((tmp_path / "bench.json").read_text())
    names = [result["name"] for result in report["results"]]
    assert len(names) == len(run.pages("key")) >= 9
    assert all(result["status"] == 200 for result in report["results"]), report["results"]
    assert all(result["sql_ms"] > 0 and result["queries"] > 0 for result in report["results"])
    assert "p95 ms" in capsys.readouterr().out


def test_the_sql_floor_counts_every_read_and_no_write():
    assert run.is_read('SELECT "id" FROM "records_record"')
    assert run.is_read('(SELECT "month" FROM "deals_deal") UNION ALL (SELECT "month" FROM "deals_deal")')
    assert run.is_read("WITH RECURSIVE codes(code) AS (SELECT 1) SELECT code FROM codes")
    assert not run.is_read('UPDATE "django_session" SET "expire_date" = %s')
    assert not run.is_read('INSERT INTO "history_activity" ("verb") VALUES (%s)')
    assert not run.is_read('SAVEPOINT "s1"')


def test_a_second_run_reuses_the_generated_account(db, capsys):
    call_command("bench", people=20, companies=4, deals=4, entries=60, generate_only=True, no_migrate=True)
    call_command("bench", people=20, companies=4, deals=4, entries=60, generate_only=True, no_migrate=True)
    assert "Using the benchmark account already in this database." in capsys.readouterr().out
    assert Record.objects.filter(kind="person", account__name=generate.BENCH_ACCOUNT).count() == 20


def test_a_page_is_near_its_floor_within_three_times_its_sql_and_5_ms() -> None:
    assert run.within_floor(p50_ms=11.0, sql_ms=2.0) is True
    assert run.within_floor(p50_ms=11.1, sql_ms=2.0) is False
    assert run.within_floor(p50_ms=5.0, sql_ms=0.0) is True
    report = {"results": [{"name": "people list", "p50_ms": 30.0, "p95_ms": 31.0, "p99_ms": 32.0, "sql_ms": 1.0,
                           "render_ms": 29.0, "ratio": 30.0, "queries": 10, "target_p50_ms": 10, "target_ms": 100,
                           "missed_targets": ["p50"], "status": 200}],
              "data": {"people": 1}, "machine": {"database": "sqlite", "database_version": "3", "python": "3.11",
                                                 "cpus": 2, "platform": "Linux"}, "repeat": 1}
    line = run.table(report).splitlines()[2]
    assert line.split()[8] == "NO" and line.endswith("NO p50")


def test_a_throughput_target_is_a_floor_for_rates_and_a_ceiling_for_times() -> None:
    assert throughput.meets({"value": 120, "unit": "messages/s", "target": 100}) is True
    assert throughput.meets({"value": 80, "unit": "messages/s", "target": 100}) is False
    assert throughput.meets({"value": 48, "unit": "ms", "target": 50}) is True
    assert throughput.meets({"value": 12, "unit": "s", "target": 10}) is False
    assert throughput.meets({"value": 12, "unit": "s", "target": None}) is None
    assert "NO" in throughput.table([{"name": "import", "value": 12.0, "unit": "s", "target": 10,
                                      "meets_target": False}])


def test_kontor_bench_refuses_an_unknown_throughput_group(db) -> None:
    generate.generate(generate.Size(people=5, companies=2, deals=2, entries=10), noise_accounts=0,
                      say=lambda _text: None)
    with pytest.raises(CommandError, match="Unknown throughput group: speed"):
        call_command("bench", throughput="speed", no_migrate=True)


def _tiny_data_dir(tmp_path: Path) -> Path:
    """A data directory for the server the benchmark starts. On SQLite it starts from a copy of the
    test database's migrated, still empty schema, which saves migrating a new database from
    scratch (the slowest part of a cold start); on another database the benchmark migrates it.
    The copy needs the test outside a transaction (transactional_db): SQLite's backup waits until
    the source has none open."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(data_dir / "kontor.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return data_dir


def test_kontor_bench_serve_measures_through_a_server_it_starts_and_stops(transactional_db, tmp_path: Path) -> None:
    data_dir = _tiny_data_dir(tmp_path)
    expected_pages = [page.name for page in run.pages("key")]
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "KONTOR_JOBS_IMMEDIATE", "DJANGO_SETTINGS_MODULE", "PORT"}}
    env.update({"KONTOR_DATA_DIR": str(data_dir), "KONTOR_WEB_WORKERS": "1", "PYTHONUNBUFFERED": "1"})
    report_path = tmp_path / "serve.json"
    command = [sys.executable, "-m", "kontor.cli", "bench", "--people", "20", "--companies", "4", "--deals", "4",
               "--entries", "60", "--repeat", "1", "--requests", "24", "--serve", "--no-pages",
               "--json", str(report_path)]
    # A session of its own, so that whatever the benchmark starts can be ended with it if it hangs.
    bench = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    try:
        output, _ = bench.communicate(timeout=120)
    finally:
        if bench.poll() is None:
            bench.send_signal(signal.SIGINT)  # the benchmark stops its server on Ctrl-C
            with contextlib.suppress(subprocess.TimeoutExpired):
                bench.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(bench.pid, signal.SIGKILL)  # anything of the benchmark's still there
        bench.wait()
    assert bench.returncode == 0, output

    report = json.loads(report_path.read_text())["serve"]
    names = [row["name"] for row in report["pages"]]
    assert names == expected_pages
    assert all(name in output for name in names)
    assert [row["errors"] for row in report["pages"]] == [0] * len(names), report["pages"]
    assert report["throughput"]["requests"] == 24 and report["throughput"]["errors"] == 0
    assert report["memory"]["errors"] == 0 and len(report["memory"]["workers_rss_mb"]) == 1
    assert report["memory"]["largest_rss_mb"] > 0
    server = report["server"]
    assert server["stopped"] is True
    assert not Path(f"/proc/{server['pid']}").exists()
    assert not any(Path(f"/proc/{pid}").exists() for pid in server["worker_pids"])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        assert sock.connect_ex(("127.0.0.1", server["port"])) != 0  # nothing listens there any more
