"""A tiny run of the benchmark (bench/), so that the generator and the runner keep working as the
pages change. It times nothing: figures on a test machine mean little, the large run is documented
in docs/performance.md."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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


def test_a_second_run_reuses_the_generated_account(db, capsys):
    call_command("bench", people=20, companies=4, deals=4, entries=60, generate_only=True, no_migrate=True)
    call_command("bench", people=20, companies=4, deals=4, entries=60, generate_only=True, no_migrate=True)
    assert "Using the benchmark account already in this database." in capsys.readouterr().out
    assert Record.objects.filter(kind="person", account__name=generate.BENCH_ACCOUNT).count() == 20


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
