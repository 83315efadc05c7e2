"""Kontor's pages through the real server: `kontor web` started by the benchmark itself (gunicorn
as `kontor web` configures it, KONTOR_WEB_WORKERS x 4 threads) on a free port on 127.0.0.1, against
the same data directory or DATABASE_URL as the benchmark, measured over HTTP and stopped again.

    pages       every page of the in-process table: one warm-up request, then `repeat` in a row
                on one keep-alive connection; p50/p95 (the issue's p50 targets are for this run)
    throughput  the people list at concurrency 8 (threads, a keep-alive connection each) for
                `requests` requests: requests/s and the answers other than 200 (target: at least
                150 a second on 2 cores, no errors)
    memory      `requests` more, spread over every page at concurrency 8; then the resident memory
                (VmRSS) of each gunicorn worker, the children of the master (target: under 200 MB)

The benchmark user is logged in without a browser: a session made through Django's session
engine (the test client's force_login, as the in-process table does), its cookie sent with every
request, and the session deleted again at the end. The server is stopped in every case (an
error, Ctrl-C, SIGTERM): SIGTERM to the master, then SIGKILL for it and its workers if they have not
gone in time.
Linux only: the workers and their memory are read from /proc.
"""

from __future__ import annotations

import http.client
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.test import Client

from bench.generate import bench_membership
from bench.mail import free_port
from bench.run import Page, missed_targets, pages, percentile, target_text, verdict
from kontor.accounts import actions as account_actions

CONCURRENCY = 8
THROUGHPUT_TARGET = 150.0  # requests a second on the people list at concurrency 8, 2 cores
RSS_TARGET_MB = 200.0
START_TIMEOUT = 120.0  # `kontor web` migrates first; a cold start on a shared machine takes a while
STOP_TIMEOUT = 15.0
REQUEST_TIMEOUT = 60.0


@dataclass
class Server:
    """A running `kontor web`: its master process (kontor.cli execs into gunicorn, same pid)."""

    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]
    workers_seen: set[int]


def listens_on(port: int) -> bool:
    """Whether something accepts connections on the loopback port (a refused connection: nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _start(log: IO[bytes]) -> Server:
    port = free_port()
    # The environment as it is: the same KONTOR_DATA_DIR or DATABASE_URL, KONTOR_WEB_WORKERS and the rest.
    process = subprocess.Popen([sys.executable, "-m", "kontor.cli", "web", "--host", "127.0.0.1", "--port", str(port)],
                               env=dict(os.environ), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    return Server(process, port, log, set())


def _log_tail(server: Server, lines: int = 30) -> str:
    server.log.seek(0)
    return b"\n".join(server.log.read().splitlines()[-lines:]).decode(errors="replace")


def _logged_besides_requests(server: Server, lines: int = 60) -> list[str]:
    """The last lines the server logged other than its access log: the tracebacks behind errors."""
    server.log.seek(0)
    logged = server.log.read().decode(errors="replace").splitlines()
    return [line for line in logged if '"GET ' not in line and "[INFO]" not in line][-lines:]


def _wait_until_answering(server: Server, timeout: float) -> None:
    """Polls / until the server answers with any HTTP status; fails if it exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"kontor web exited with {server.process.returncode}:\n{_log_tail(server)}")
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"kontor web did not answer within {timeout:.0f} s:\n{_log_tail(server)}")


def _children(pid: int) -> list[int]:
    """The processes whose parent is pid (gunicorn's workers, for its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        # The command name in parentheses may hold spaces; the parent pid is the second field after it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    """A worker's resident memory from /proc: VmRSS in all, RssAnon its own (Python's heap, SQLite's
    page caches), RssFile the files mapped into it (SQLite's mmap of the database, the libraries)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


def _is_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def _stop(server: Server) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL for the master and any worker still there."""
    process = server.process
    if process.poll() is None:
        server.workers_seen.update(_children(process.pid))
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    deadline = time.monotonic() + 5
    while any(_is_alive(pid) for pid in server.workers_seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in server.workers_seen:
        if _is_alive(pid) and "gunicorn" in _command_line(pid):  # the pid is not someone else's by now
            os.kill(pid, signal.SIGKILL)


def _arguments(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _command_line(pid: int) -> str:
    return " ".join(_arguments(pid))


def _option(arguments: list[str], name: str) -> int | None:
    """A number option of gunicorn's command line (--workers 3), as `kontor web` gave it."""
    if name in arguments[:-1] and arguments[arguments.index(name) + 1].isdigit():
        return int(arguments[arguments.index(name) + 1])
    return None


@contextmanager
def running_server(timeout: float = START_TIMEOUT) -> Iterator[Server]:
    """`kontor web` on a free loopback port, answering; stopped when the block ends, however it ends."""
    with tempfile.TemporaryFile() as log, _terminate_as_exit():  # the log is shown if the server does not come up
        server = _start(log)
        try:
            _wait_until_answering(server, timeout)
            yield server
        finally:
            _stop(server)


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM (a `timeout`, a CI runner giving up) ends the benchmark like Ctrl-C does, through
    the finally blocks that stop the server, instead of leaving it running without its parent."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Browser:
    """One keep-alive connection with the session cookie, as one browser tab would hold it."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.connection: http.client.HTTPConnection | None = None

    def get(self, page: Page) -> int:
        """The page's HTTP status, its body read to the end; 0 if the server did not answer. A kept
        connection the server has closed meanwhile (keep-alive timeout) is opened again once, as
        browsers do; that is not an error of the page."""
        for attempt in range(2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
            try:
                cookie = {} if page.is_api else {"Cookie": self.cookie}  # an API client sends its key alone
                self.connection.request("GET", page.url, headers={**cookie, **page.http_headers()})
                response = self.connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                self.close()
                if reused and attempt == 0:
                    continue
                return 0
            if response.will_close:
                self.close()
            return response.status
        return 0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _errors(statuses: list[int]) -> dict[str, int]:
    """The answers other than 200, counted by status (0: no answer at all)."""
    return {str(status): count for status, count in sorted(Counter(statuses).items()) if status != 200}


def _timed(browser: Browser, page: Page) -> tuple[int, float]:
    started = time.perf_counter()
    status = browser.get(page)
    return status, (time.perf_counter() - started) * 1000


def measure_pages(server: Server, cookie: str, listed: list[Page], repeat: int) -> list[dict[str, Any]]:
    browser = Browser(server.port, cookie)
    rows = []
    try:
        for page in listed:
            browser.get(page)  # warm-up
            timed = [_timed(browser, page) for _ in range(repeat)]
            times = [milliseconds for _status, milliseconds in timed]
            statuses = [status for status, _milliseconds in timed]
            p50, p95 = percentile(times, 0.50), percentile(times, 0.95)
            missed = missed_targets(p50, p95, page.target_p50_ms, None)
            rows.append({"name": page.name, "url": page.url, "p50_ms": round(p50, 2), "p95_ms": round(p95, 2),
                         "target_p50_ms": page.target_p50_ms, "errors": sum(status != 200 for status in statuses),
                         "error_statuses": _errors(statuses),
                         "status": statuses[-1], "missed_targets": missed, "meets_target": not missed})
    finally:
        browser.close()
    return rows


def _concurrently(server: Server, cookie: str, listed: list[Page], requests: int,
                  ) -> tuple[float, list[int], list[float]]:
    """`requests` requests over `listed` in turn, by CONCURRENCY threads each with its own
    connection; (seconds from the first to the last, statuses, milliseconds of each)."""
    numbers = itertools.count()
    lock = threading.Lock()
    statuses: list[int] = []
    times: list[float] = []

    def work() -> None:
        browser = Browser(server.port, cookie)
        try:
            while True:
                with lock:
                    number = next(numbers)
                if number >= requests:
                    return
                status, milliseconds = _timed(browser, listed[number % len(listed)])
                with lock:
                    statuses.append(status)
                    times.append(milliseconds)
        finally:
            browser.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses, times


def measure_throughput(server: Server, cookie: str, page: Page, requests: int) -> dict[str, Any]:
    _concurrently(server, cookie, [page], min(requests, 5 * CONCURRENCY))  # every worker warm
    seconds, statuses, times = _concurrently(server, cookie, [page], requests)
    rate = len(statuses) / seconds
    errors = sum(status != 200 for status in statuses)
    return {"name": page.name, "url": page.url, "concurrency": CONCURRENCY, "requests": len(statuses),
            "seconds": round(seconds, 2), "requests_per_second": round(rate, 1), "errors": errors,
            "error_statuses": _errors(statuses),
            "p50_ms": round(percentile(times, 0.50), 2), "p95_ms": round(percentile(times, 0.95), 2),
            "target_per_second": THROUGHPUT_TARGET, "meets_target": rate >= THROUGHPUT_TARGET and errors == 0}


def measure_memory(server: Server, cookie: str, listed: list[Page], requests: int) -> dict[str, Any]:
    _seconds, statuses, _times = _concurrently(server, cookie, listed, requests)
    workers = _children(server.process.pid)
    server.workers_seen.update(workers)
    rss = {pid: _rss_mb(pid) for pid in workers}
    sizes = [round(size, 1) for size in rss.values() if size is not None]
    largest = max(sizes, default=0.0)
    own = [round(size, 1) for size in (_rss_mb(pid, "RssAnon") for pid in workers) if size is not None]
    mapped = [round(size, 1) for size in (_rss_mb(pid, "RssFile") for pid in workers) if size is not None]
    return {"requests": len(statuses), "pages": len(listed), "errors": sum(status != 200 for status in statuses),
            "error_statuses": _errors(statuses),
            "workers_rss_mb": sizes, "largest_rss_mb": largest, "workers_own_mb": own, "workers_mapped_mb": mapped,
            "target_mb": RSS_TARGET_MB,
            "meets_target": bool(sizes) and largest < RSS_TARGET_MB}


def _logged_in(user: Any) -> tuple[Client, str]:
    """A session for the user made through the session engine (force_login stores it where the
    server's workers read sessions), and the Cookie header that carries it."""
    client = Client()
    client.force_login(user)
    return client, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def run(repeat: int = 30, requests: int = 1000, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Starts `kontor web`, measures pages, throughput and memory, stops it; returns the figures."""
    membership = bench_membership()
    if membership is None:
        raise RuntimeError("No benchmark account: generate one first.")
    _key, secret = account_actions.create_api_key(membership, "benchmark over HTTP")
    listed = pages(secret)
    people_list = next(page for page in listed if page.url == "/people/")
    client, cookie = _logged_in(membership.user)
    try:
        with running_server() as server:
            arguments = _arguments(server.process.pid)
            say(f"kontor web answers on http://127.0.0.1:{server.port}/ (gunicorn master pid {server.process.pid}, "
                f"{_option(arguments, '--workers')} workers x {_option(arguments, '--threads')} threads)")
            page_rows = measure_pages(server, cookie, listed, repeat)
            say(f"pages measured; the people list at concurrency {CONCURRENCY}…")
            throughput = measure_throughput(server, cookie, people_list, requests)
            say(f"{requests} requests spread over the pages, then the workers' memory…")
            memory = measure_memory(server, cookie, listed, requests)
            failed = throughput["errors"] + memory["errors"] + sum(row["errors"] for row in page_rows)
            logged = _logged_besides_requests(server) if failed else []
        worker_pids = sorted(server.workers_seen)
        server_facts = {"port": server.port, "pid": server.process.pid, "workers": _option(arguments, "--workers"),
                        "threads_per_worker": _option(arguments, "--threads"), "worker_pids": worker_pids,
                        "stopped": not _is_alive(server.process.pid) and not listens_on(server.port)
                        and not any(_is_alive(pid) for pid in worker_pids)}
    finally:
        client.logout()  # the benchmark's session goes again
    return {"server": server_facts, "repeat": repeat, "pages": page_rows, "throughput": throughput,
            "memory": memory, "server_log": logged}


def _error_text(row: dict[str, Any]) -> str:
    """"3 errors (HTTP 429: 2, no answer: 1)" or "0 errors"."""
    parts = [f"{'no answer' if status == '0' else 'HTTP ' + status}: {count}"
             for status, count in row["error_statuses"].items()]
    return f"{row['errors']} errors" + (f" ({', '.join(parts)})" if parts else "")


def table(report: dict[str, Any]) -> str:
    head = f"{'over HTTP (kontor web)':<32} {'p50 ms':>7} {'p95 ms':>7} {'p50 tgt':>7} {'errors':>6}  ok"
    lines = [head, "-" * len(head)]
    for row in report["pages"]:
        lines.append(f"{row['name']:<32} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} "
                     f"{target_text(row['target_p50_ms']):>7} {row['errors']:>6}  {verdict(row['missed_targets'])}"
                     f"{'' if row['status'] == 200 else ' (HTTP ' + str(row['status']) + ')'}")
    throughput, memory, server = report["throughput"], report["memory"], report["server"]
    lines += [
        "",
        f"{throughput['name']} at concurrency {throughput['concurrency']}: {throughput['requests_per_second']:.1f} "
        f"requests/s ({throughput['requests']} in {throughput['seconds']:.1f} s, p50 {throughput['p50_ms']:.1f} ms), "
        f"{_error_text(throughput)}; target >= {throughput['target_per_second']:g}/s and 0 errors: "
        f"{'yes' if throughput['meets_target'] else 'NO'}",
        f"worker memory after {memory['requests']} requests over {memory['pages']} pages ({_error_text(memory)}): "
        f"largest {memory['largest_rss_mb']:.1f} MB RSS (workers: "
        f"{', '.join(f'{size:.1f}' for size in memory['workers_rss_mb'])}; their own memory "
        f"{', '.join(f'{size:.1f}' for size in memory.get('workers_own_mb', []))}, files mapped "
        f"{', '.join(f'{size:.1f}' for size in memory.get('workers_mapped_mb', []))}); "
        f"target < {memory['target_mb']:g} MB: {'yes' if memory['meets_target'] else 'NO'}",
        f"workers: {server['workers']}, threads each: {server['threads_per_worker']}; server stopped: "
        f"{'yes' if server['stopped'] else 'NO'}",
    ]
    if report["server_log"]:
        lines += ["", "What the server logged besides the requests (the last lines):", *report["server_log"]]
    return "\n".join(lines)
