"""The `kontor` command: Django's management commands plus the pieces that run Kontor.

    kontor run            web server, background worker and SMTP listener together (the embedded default)
    kontor web [--port N] the web server alone (gunicorn)
    kontor worker         a background worker alone (Huey)
    kontor compiletranslations
    kontor demo           sample data (migrates a new data directory first)
    kontor COMMAND        any Django management command (migrate, createaccount, ...)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def _web_command(port: int, host: str) -> list[str]:
    workers = os.environ.get("KONTOR_WEB_WORKERS", "3")
    return [sys.executable, "-m", "gunicorn", "kontor.wsgi:application", "--bind", f"{host}:{port}",
            "--workers", workers, "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "10",
            # gunicorn's control socket sits in the home directory, shared by every instance there.
            "--no-control-socket"]


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "kontor.cli", "run_huey"]


def _mailserver_command() -> list[str] | None:
    """The SMTP listener `kontor run` starts beside the web server: on 127.0.0.1 at
    KONTOR_SMTP_PORT (2525 unless set; 0 starts none). A port that is taken is reported, but
    does not stop the web server and the worker."""
    raw = os.environ.get("KONTOR_SMTP_PORT", "").strip() or "2525"
    if raw == "0":
        return None
    host = os.environ.get("KONTOR_SMTP_HOST", "").strip() or "127.0.0.1"
    return [sys.executable, "-m", "kontor.cli", "mailserver", "--host", host, "--port", raw, "--optional"]


def _parse_web_args(argv: list[str]) -> argparse.Namespace:
    """--port and --host, defaulting to PORT and KONTOR_BIND. The chosen ones are written back to
    the environment, so that this process's settings and every process it starts (gunicorn's
    workers, the background worker) derive the same base URL for their links from them."""
    parser = argparse.ArgumentParser(prog="kontor web")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default=os.environ.get("KONTOR_BIND", "127.0.0.1"))
    args = parser.parse_args(argv)
    os.environ["PORT"], os.environ["KONTOR_BIND"] = str(args.port), args.host
    return args


def _prepare() -> None:
    """What every start does first: translations compiled, database migrated."""
    from kontor.lib.translations import compile_translations

    compile_translations()
    _django(["migrate", "--no-input", "-v", "0"])
    _tighten_data_dir()


def _run_together(commands: list[list[str]]) -> int:
    """Starts the processes and stops all of them when one ends or on Ctrl-C / SIGTERM."""
    processes = [subprocess.Popen(command) for command in commands]

    def stop(*_args: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return max((process.returncode or 0) for process in processes)


def _django(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kontor", *argv])


def _keep_private() -> None:
    """Everything Kontor writes (data directory, databases, job queue, stored files, backups) is
    readable by Kontor's user only: the customers' data is nobody else's business on the machine.
    Set here, before the settings create the data directory, it holds for every process `kontor`
    starts, gunicorn's and the worker's included."""
    os.umask(0o077)


def _tighten_data_dir() -> None:
    """A data directory made before Kontor set its umask may be readable by others; closing the
    directory itself closes everything in it."""
    from django.conf import settings

    os.chmod(settings.DATA_DIR, 0o700)


def _fewer_memory_arenas() -> None:
    """glibc gives each thread of a process a memory arena of its own, up to eight per core, and
    keeps what a thread freed in its arena: a web worker's four threads held tens of megabytes
    that way. Two arenas are plenty for threads that take turns at Python's lock. Read by the C
    library when a process starts, so it is set here for the processes `kontor` starts (gunicorn's
    workers among them); an operator's own setting stays."""
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")


def main(argv: list[str] | None = None) -> None:
    _keep_private()
    _fewer_memory_arenas()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kontor.settings")
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    if command == "compiletranslations":
        from kontor.lib.translations import compile_translations

        for path in compile_translations():
            print(f"compiled {path}")
        return
    if command == "web":
        args = _parse_web_args(argv[1:])
        _prepare()
        os.execv(sys.executable, _web_command(args.port, args.host))
    if command == "worker":
        _prepare()
        _django(["run_huey", *argv[1:]])
        return
    if command == "run":
        args = _parse_web_args(argv[1:])
        _prepare()
        print(f"Kontor runs on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
        commands = [_web_command(args.port, args.host), _worker_command()]
        mailserver = _mailserver_command()
        if mailserver is not None:
            commands.append(mailserver)
        sys.exit(_run_together(commands))
    if command == "demo":
        _prepare()  # so that `kontor demo` works on a new data directory, before the first start
    if command == "ingestmail":
        _ingest(argv)
    _django(argv)


def _ingest(argv: list[str]) -> None:
    """`kontor ingestmail` for a mail server's pipe: whatever fails before the command can answer
    (a configuration error, a missing module) must defer the message (75, EX_TEMPFAIL), not bounce
    it with an exit status the mail server does not know."""
    try:
        _django(argv)
    except SystemExit:
        raise
    except BaseException as error:
        print(f"4.3.0 Temporary failure: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(75)
    sys.exit(0)


if __name__ == "__main__":
    main()
