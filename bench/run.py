"""Times Kontor's pages through the full Django stack (middleware, session, views, templates) and,
beside each, the bare SQL the page runs, replayed directly on the database: the floor no page can
go below. The ratio of the two is Kontor's overhead.

Each page is requested `repeat` times after a warm-up; p50/p95/p99 are taken over those. The SQL
floor is the sum of every statement the page executed (recorded with an execute wrapper during
one request), each re-run with its parameters and its rows fetched, the median of `repeat` runs.
The render part is p50 minus that floor: the time Kontor spends around the database (ORM, views,
templates, middleware).

Targets: every page has the p95 the first benchmark issue set on SQLite; the pages the page-speed
issue names also have its p50 (measured there through `kontor web` at the benchmark size). A row
is judged by every target it has; the table says which one it misses.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

from bench.generate import HEAVY_PERSON, bench_membership
from kontor.accounts import actions as account_actions
from kontor.contacts.models import Person


@dataclass
class Page:
    name: str
    url: str
    target_ms: float  # the p95 the issue asks for on SQLite, 2 cores
    target_p50_ms: float | None = None  # the page-speed issue's p50, where it names one
    headers: dict[str, str] | None = None
    htmx: bool = False

    def http_headers(self) -> dict[str, str]:
        """The page's extra headers as a browser or API client sends them (Authorization, HX-Request)."""
        headers = {name.removeprefix("HTTP_").replace("_", "-").title(): value
                   for name, value in (self.headers or {}).items()}
        if self.htmx:
            headers["HX-Request"] = "true"
        return headers

    @property
    def is_api(self) -> bool:
        """Asked as an API client asks: with its key, without a browser's session cookie."""
        return "HTTP_AUTHORIZATION" in (self.headers or {})


@dataclass
class Result:
    name: str
    url: str
    p50_ms: float
    p95_ms: float
    p99_ms: float
    sql_ms: float
    render_ms: float
    queries: int
    ratio: float
    target_ms: float
    target_p50_ms: float | None
    status: int

    @property
    def misses(self) -> list[str]:
        return missed_targets(self.p50_ms, self.p95_ms, self.target_p50_ms, self.target_ms)

    @property
    def meets_target(self) -> bool:
        return not self.misses

    @property
    def near_floor(self) -> bool:
        """Whether the page's p50 is within three times its SQL floor plus 5 ms: the page-speed
        issue's bound for Kontor's own work on top of what the database must do."""
        return within_floor(self.p50_ms, self.sql_ms)


def within_floor(p50_ms: float, sql_ms: float) -> bool:
    return p50_ms <= 3 * sql_ms + 5


def missed_targets(p50_ms: float, p95_ms: float, target_p50_ms: float | None, target_p95_ms: float | None,
                   ) -> list[str]:
    """The targets a page misses ("p50", "p95"); a target that is None is not asked for."""
    missed = []
    if target_p50_ms is not None and p50_ms > target_p50_ms:
        missed.append("p50")
    if target_p95_ms is not None and p95_ms > target_p95_ms:
        missed.append("p95")
    return missed


def verdict(missed: list[str]) -> str:
    return "NO " + "+".join(missed) if missed else "yes"


def target_text(target_ms: float | None) -> str:
    return "" if target_ms is None else f"{target_ms:g}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def pages(api_key: str) -> list[Page]:
    heavy = Person.objects.filter(first_name=HEAVY_PERSON[0], last_name=HEAVY_PERSON[1]).order_by("pk").first()
    api = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"}
    listed = [
        # Everyone's first page: the activity stream, recent contacts, notes, my tasks, deals due.
        Page("start page", "/", 100),
        Page("people list", "/people/", 100, 10),
        Page("companies list", "/companies/", 100, 10),
        # Kunde is the generator's most common tag (on about a quarter of the people).
        Page("people list, common tag", "/people/?tag=Kunde", 100, 15),
        Page("people list, two tags", "/people/?tag=Kunde&tag=Lead", 100, 15),
        Page("people list, tag + custom field", "/people/?tag=Kunde&custom.kundennummer.contains=K-01", 100),
        # "Name contains" on a surname the generator gives 1 % of the people.
        Page("people list, common surname", "/people/?q=Schmidt", 100, 15),
        # The same folded as the search folds it (Müller and Mueller), tag counts under the filter.
        Page("people list, name folded", "/people/?q=mueller", 100, 15),
        Page("person page, 500 entries", f"/people/{heavy.pk if heavy else 0}/", 100, 15),
        Page("quick search, rare term", "/search/suggest/?q=quastenb", 50, htmx=True),
        Page("quick search, common term", "/search/suggest/?q=m%C3%BCller", 50, htmx=True),
        Page("full-text, word part", "/search/?q=verl%C3%A4ng", 150),
        Page("full-text, umlaut variant", "/search/?q=strasse", 150),
        Page("deals overview, forecast", "/deals/", 100, 20),
        Page("deals board, first screen", "/deals/board/", 100),
        Page("deals board, all won and lost", "/deals/board/?closed=all", 100),
        Page("tasks overview", "/tasks/", 100, 15),
        Page("API people list", "/api/v1/people?per_page=25", 100, headers=api),
        Page("API people list, 50", "/api/v1/people?per_page=50", 100, 8, headers=api),
        # Owners' clean-up page: indexed GROUP BYs over names, addresses and numbers, no pair scan.
        Page("possible duplicates, people", "/people/duplicates/", 1000),
    ]
    return listed


class _Recorder:
    """Keeps every statement (with its parameters) the connection executes while installed."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any, bool]] = []

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


def _replay(statements: list[tuple[str, Any, bool]]) -> float:
    """Seconds the database takes for these statements, fetching every row, without Django's ORM."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params, many in statements:
            if many or not is_read(sql):
                continue  # session writes and the like: not what the page needs to show data
            cursor.execute(sql, params)
            cursor.fetchall()
    return time.perf_counter() - started


def is_read(sql: str) -> bool:
    """Whether a statement reads what a page shows: a SELECT, also one in parentheses (the first
    part of a UNION, as the deals forecast asks) or after WITH (the currency menu's recursive
    query). Until 2026-12-05 only a plain SELECT counted, which left both out of the deals
    overview's floor."""
    start = sql.lstrip().lstrip("(").lstrip().upper()
    return start.startswith(("SELECT", "WITH"))


def measure(page: Page, client: Client, repeat: int) -> Result:
    headers: dict[str, Any] = dict(page.headers or {})
    if page.htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    client.get(page.url, **headers)  # warm-up: template loading, first connection
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        response = client.get(page.url, **headers)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(page.url, **headers)
        times.append((time.perf_counter() - started) * 1000)
    floors = [_replay(recorder.statements) * 1000 for _ in range(max(3, min(repeat, 15)))]
    p50 = percentile(times, 0.50)
    sql = statistics.median(floors)
    return Result(page.name, page.url, round(p50, 2), round(percentile(times, 0.95), 2),
                  round(percentile(times, 0.99), 2), round(sql, 2), round(p50 - sql, 2), len(recorder.statements),
                  round(p50 / sql, 1) if sql > 0 else 0.0, page.target_ms, page.target_p50_ms, response.status_code)


def machine() -> dict[str, Any]:
    import os

    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "database": connection.vendor, "database_version": _database_version(),
            "processor": platform.processor() or platform.machine(), "debug": settings.DEBUG}


def _database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return str(cursor.fetchone()[0])


def run(repeat: int = 30) -> dict[str, Any]:
    """Measures every page against the benchmark account; returns the figures (see `table`)."""
    membership = bench_membership()
    if membership is None:
        raise RuntimeError("No benchmark account: generate one first.")
    _key, secret = account_actions.create_api_key(membership, "benchmark")
    client = Client()
    client.force_login(membership.user)
    api_client = Client()  # no session: the key alone, as an API client calls
    results = [measure(page, api_client if page.is_api else client, repeat) for page in pages(secret)]
    counts = _counts(membership)
    return {"machine": machine(), "data": counts, "repeat": repeat, "results": [asdict(r) | {
        "meets_target": r.meets_target, "missed_targets": r.misses, "near_floor": r.near_floor}
        for r in results]}


def _counts(membership: Any) -> dict[str, int]:
    from kontor.history.models import Entry
    from kontor.records.models import Record
    from kontor.search.models import Document

    account = membership.account
    return {"people": Record.objects.filter(account=account, kind="person").count(),
            "companies": Record.objects.filter(account=account, kind="company").count(),
            "deals": Record.objects.filter(account=account, kind="deal").count(),
            "entries": Entry.objects.filter(account=account).count(),
            "index_documents_all_accounts": Document.objects.count()}


def table(report: dict[str, Any]) -> str:
    """The page table: timings, SQL floor, render part (p50 minus the floor), x SQL, whether p50 is
    within 3 x SQL + 5 ms (`floor`), and the targets (p50 and p95 columns; "NO p50" names the
    target a page misses)."""
    head = f"{'page':<32} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'SQL ms':>7} {'render ms':>9} " \
           f"{'x SQL':>6} {'floor':>5} {'queries':>7} {'p50 tgt':>7} {'p95 tgt':>7}  ok"
    lines = [head, "-" * len(head)]
    for r in report["results"]:
        lines.append(f"{r['name']:<32} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f} "
                     f"{r['sql_ms']:>7.1f} {r['render_ms']:>9.1f} {r['ratio']:>6.1f} "
                     f"{'yes' if within_floor(r['p50_ms'], r['sql_ms']) else 'NO':>5} {r['queries']:>7} "
                     f"{target_text(r['target_p50_ms']):>7} {target_text(r['target_ms']):>7}  "
                     f"{verdict(r['missed_targets'])}"
                     f"{'' if r['status'] == 200 else ' (HTTP ' + str(r['status']) + ')'}")
    data = ", ".join(f"{k}={v}" for k, v in report["data"].items())
    m = report["machine"]
    lines.append(f"\n{data}\n{m['database']} {m['database_version']}, Python {m['python']}, {m['cpus']} CPUs, "
                 f"{m['platform']}; {report['repeat']} requests per page")
    return "\n".join(lines)


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2)
