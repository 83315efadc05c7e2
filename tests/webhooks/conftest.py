"""A real HTTP receiver on 127.0.0.1 for the webhook tests, and subscriptions made through the
actions. The receiver records every request and answers with what the test queued (`otherwise`,
200 by default, when the queue is empty)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kontor.webhooks import actions


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    otherwise: tuple[int, dict[str, str], bytes] = (200, {}, b"ok")  # once the queued answers are used up

    def answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.answers.append((status, {k.replace("_", "-"): v for k, v in headers.items()}, body))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            status, headers, answer = state.answers.pop(0) if state.answers else state.otherwise
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/kontor"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings) -> None:
    """The receiver lives on 127.0.0.1; tests of the address rule switch this off again."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def subscribe(persona, url: str, events: list[str] | None = None, description: str = ""):
    """A subscription of the persona's account through the action; returns (subscription, secret)."""
    return actions.create_subscription(persona.membership, url, events or ["*"], description)
