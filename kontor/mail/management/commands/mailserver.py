"""`kontor mailserver`: the SMTP listener alone, for production (behind an MX record on port 25,
or behind a mail server that relays the mail domain to it). See docs/mail-server.md."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kontor.mail import smtp


class Command(BaseCommand):
    help = ("Receives mail for the dropbox and project addresses over SMTP until stopped "
            "(KONTOR_SMTP_HOST, KONTOR_SMTP_PORT; STARTTLS with KONTOR_SMTP_TLS_CERT and KONTOR_SMTP_TLS_KEY).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SMTP_HOST,
                            help="address to listen on (default: KONTOR_SMTP_HOST or 127.0.0.1; 0.0.0.0 for all)")
        parser.add_argument("--port", type=int, default=settings.SMTP_PORT,
                            help="port to listen on (default: KONTOR_SMTP_PORT or 2525)")
        parser.add_argument("--optional", action="store_true",
                            help="when the port cannot be had, say so and wait instead of ending (for `kontor run`, "
                                 "whose web server and worker should not stop for it)")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535 (KONTOR_SMTP_PORT=0 only tells `kontor run` "
                               "to start no listener).")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())

        def ready(server: smtp.MailServer) -> None:
            tls = " with STARTTLS" if server.tls else ""
            self.stdout.write(f"Receiving mail for @{settings.MAIL_DOMAIN} on {host}:{port}{tls} "
                              f"(at most {server.max_bytes} bytes a message)")
            self.stdout.flush()

        try:
            smtp.serve(host, port, cert=settings.SMTP_TLS_CERT, key=settings.SMTP_TLS_KEY, stop=stop, on_ready=ready)
        except OSError as error:
            message = f"Cannot listen on {host}:{port}: {error}"
            if not options["optional"]:
                raise CommandError(message) from None
            self.stderr.write(f"{message}\nNo mail is received over SMTP. Free the port, or choose another one "
                              "with KONTOR_SMTP_PORT (0 for none), and start again.")
            stop.wait()
