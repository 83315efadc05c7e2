"""The IMAP poller: fetches mail from mailboxes that receive the dropbox addresses (for example a
catch-all mailbox of the mail domain at the company's mail provider) and hands each message to
intake, as the SMTP listener does.

    IMAP_URL=imaps://user:password@mail.example.com:993/INBOX[,imap://...]

A message leaves the polled folder only after intake.receive returned (stored, job enqueued): it
is moved to KONTOR_IMAP_DONE_FOLDER ("Kontor/Filed"). A message for no known address goes to
"Kontor/Unknown", one refused for good (too large) to "Kontor/Refused", so none is fetched again
and again; anything temporary (the database, the store) leaves it where it is for the next run.
One broken message never stops the others, and a mailbox that cannot be reached is logged and
tried again on the next run."""

from __future__ import annotations

import base64
import imaplib
import logging
import re
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings

from kontor.config import ConfigError
from kontor.mail import intake
from kontor.mail.parsing import header_recipients

log = logging.getLogger("kontor.mail.imap")

UNKNOWN_FOLDER = "Kontor/Unknown"
REFUSED_FOLDER = "Kontor/Refused"
TIMEOUT_SECONDS = 60
# Messages are fetched in batches of this many UIDs, so a full mailbox never sits in memory at once.
BATCH = 50


@dataclass(frozen=True)
class Mailbox:
    """One mailbox to poll, read from IMAP_URL."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    secure: bool = True   # imaps:// (TLS from the start); imap:// is plain, for tests and local servers

    @property
    def name(self) -> str:
        """For logs: without the password."""
        return f"{'imaps' if self.secure else 'imap'}://{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass
class PollResult:
    """What one run did with one mailbox."""

    mailbox: str
    stored: int = 0
    unknown: int = 0
    refused: int = 0
    failed: int = 0           # left in place for the next run
    error: str = ""           # the mailbox could not be polled at all


def mailboxes(urls: str) -> list[Mailbox]:
    """The mailboxes in IMAP_URL (comma-separated). Raises ConfigError naming what is wrong."""
    found = []
    for url in (part.strip() for part in urls.split(",")):
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme not in {"imap", "imaps"}:
            raise ConfigError(f"IMAP_URL must start with imaps:// or imap://, not {parts.scheme}://")
        if not parts.hostname or not parts.username:
            raise ConfigError("IMAP_URL needs a user and a host: imaps://user:password@host/INBOX")
        secure = parts.scheme == "imaps"
        try:
            port = parts.port or (993 if secure else 143)
        except ValueError:
            raise ConfigError("IMAP_URL has a port that is no number") from None
        found.append(Mailbox(host=parts.hostname, port=port, user=unquote(parts.username),
                             password=unquote(parts.password or ""),
                             folder=unquote(parts.path.lstrip("/")) or "INBOX", secure=secure))
    return found


def encode_mailbox(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501, 5.1.3), as servers expect it on the wire:
    printable ASCII as it is ("&" as "&-"), anything else as base64 of UTF-16 between "&" and "-"
    ("Entwürfe" is "Entw&APw-rfe")."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


MODIFIED_BASE64 = re.compile(r"&([A-Za-z0-9+,]*)-")


def decode_mailbox(name: str) -> str:
    """The folder name a server sent (modified UTF-7) as text; a malformed part stays as it came."""
    def replace(match: re.Match[str]) -> str:
        if not match.group(1):
            return "&"
        encoded = match.group(1).replace(",", "/")
        try:
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            return match.group(0)
    return MODIFIED_BASE64.sub(replace, name)


def _quoted(name: str) -> str:
    """A folder name as an IMAP quoted string in modified UTF-7 (imaplib sends arguments as they are)."""
    return '"' + encode_mailbox(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Session:
    """One logged-in IMAP connection with the few commands the poller needs."""

    def __init__(self, connection: imaplib.IMAP4) -> None:
        self.connection = connection
        self.capabilities = {str(c).upper() for c in connection.capabilities}
        self.prefix, self.separator = self._namespace()
        self.created: set[str] = set()

    def _namespace(self) -> tuple[str, str]:
        """Where the user's own folders live: a prefix ("" on most servers, "INBOX." on Courier
        and older Cyrus) and the hierarchy separator ("/" or ".")."""
        if "NAMESPACE" in self.capabilities:
            status, data = self.connection.namespace()
            if status == "OK" and data and isinstance(data[0], bytes):
                match = re.match(rb'\(\("([^"]*)" (?:"(\\?.)"|NIL)\)', data[0])
                if match:
                    separator = (match.group(2) or b"/")[-1:]  # an escaped "\\" is one backslash
                    prefix = decode_mailbox(match.group(1).decode("ascii", "replace"))
                    return prefix, separator.decode("ascii", "replace")
        status, data = self.connection.list('""', '""')
        if status == "OK" and data and isinstance(data[0], bytes):
            match = re.match(rb'\([^)]*\) "(\\?.)"', data[0])
            if match:
                return "", match.group(1)[-1:].decode("ascii", "replace")
        return "", "/"

    def folder(self, name: str) -> str:
        """A folder name as configured ("Kontor/Filed") as this server spells it ("INBOX.Kontor.Filed")."""
        name = name.replace("/", self.separator)
        if self.prefix and not name.upper().startswith(self.prefix.upper()):
            name = self.prefix + name
        return name

    def ensure_folder(self, name: str) -> str:
        folder = self.folder(name)
        if folder not in self.created:
            status, _data = self.connection.create(_quoted(folder))
            # NO when it exists already; nothing else needs telling apart, the MOVE says the rest.
            if status == "OK":
                self.connection.subscribe(_quoted(folder))
            self.created.add(folder)
        return folder

    def select(self, folder: str) -> None:
        status, data = self.connection.select(_quoted(folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open {folder}: {data!r}")

    def uids(self) -> list[bytes]:
        status, data = self.connection.uid("SEARCH", "UNDELETED")
        if status != "OK":
            raise imaplib.IMAP4.error(f"SEARCH failed: {data!r}")
        return (data[0] or b"").split() if data else []

    def sizes(self, uids: list[bytes]) -> dict[bytes, int]:
        status, data = self.connection.uid("FETCH", b",".join(uids).decode(), "(RFC822.SIZE)")
        sizes: dict[bytes, int] = {}
        if status != "OK":
            return sizes
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid, size = re.search(rb"UID (\d+)", line), re.search(rb"RFC822\.SIZE (\d+)", line)
            if uid and size:
                sizes[uid.group(1)] = int(size.group(1))
        return sizes

    def fetch(self, uid: bytes) -> bytes | None:
        """The whole message, without setting \\Seen (BODY.PEEK), or None when it is gone."""
        status, data = self.connection.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
        if status != "OK":
            raise imaplib.IMAP4.error(f"FETCH {uid!r} failed: {data!r}")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        return None

    def move(self, uid: bytes, target: str) -> None:
        """Moves a message: MOVE where the server has it, else COPY, flag \\Deleted, expunge."""
        folder = self.ensure_folder(target)
        if "MOVE" in self.capabilities:
            status, data = self.connection.uid("MOVE", uid.decode(), _quoted(folder))
            if status != "OK":
                raise imaplib.IMAP4.error(f"MOVE to {folder} failed: {data!r}")
            return
        status, data = self.connection.uid("COPY", uid.decode(), _quoted(folder))
        if status != "OK":
            raise imaplib.IMAP4.error(f"COPY to {folder} failed: {data!r}")
        self.connection.uid("STORE", uid.decode(), "+FLAGS.SILENT", r"(\Deleted)")
        if "UIDPLUS" in self.capabilities:
            self.connection.uid("EXPUNGE", uid.decode())
        else:
            self.connection.expunge()


@contextmanager
def session(mailbox: Mailbox) -> Iterator[Session]:
    """A logged-in session on the mailbox's folder; logs out at the end, whatever happened."""
    connection: imaplib.IMAP4
    if mailbox.secure:
        connection = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(),
                                       timeout=TIMEOUT_SECONDS)
    else:
        connection = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.login(mailbox.user, mailbox.password)
        current = Session(connection)
        current.select(mailbox.folder)
        yield current
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            connection.logout()


def _handle(current: Session, uid: bytes, size: int | None, result: PollResult) -> None:
    """One message: stored and moved to the done folder, or moved aside for good, or left."""
    if size is not None and size > settings.MAIL_MAX_BYTES:
        log.warning("%s: message %s has %d bytes, above the limit; moved to %s",
                    result.mailbox, uid.decode(), size, REFUSED_FOLDER)
        current.move(uid, REFUSED_FOLDER)
        result.refused += 1
        return
    raw = current.fetch(uid)
    if raw is None:
        return
    recipients = [address for address in header_recipients(raw) if intake.accepts(address)]
    if not recipients:
        log.info("%s: message %s is for no known address; moved to %s", result.mailbox, uid.decode(),
                 UNKNOWN_FOLDER)
        current.move(uid, UNKNOWN_FOLDER)
        result.unknown += 1
        return
    try:
        intake.receive(raw, recipients, "imap")
    except intake.Refused as refused:
        if refused.code == 451:
            raise
        target = UNKNOWN_FOLDER if refused.code == 550 else REFUSED_FOLDER
        log.info("%s: message %s refused (%s %s); moved to %s", result.mailbox, uid.decode(), refused.code,
                 refused.reason, target)
        current.move(uid, target)
        result.unknown += refused.code == 550
        result.refused += refused.code != 550
        return
    # Only now, with the message stored, may it leave the folder.
    current.move(uid, settings.IMAP_DONE_FOLDER)
    result.stored += 1


def poll(mailbox: Mailbox, *, deadline: float | None = None) -> PollResult:
    """Fetches every message in the mailbox's folder once (until `deadline`, a time.monotonic()
    value, if given; the rest waits for the next run). Never raises: a message that fails is left
    in place and counted, a mailbox that fails is logged and reported in `error`."""
    result = PollResult(mailbox.name)
    try:
        with session(mailbox) as current:
            uids = current.uids()
            for start in range(0, len(uids), BATCH):
                batch = uids[start:start + BATCH]
                sizes = current.sizes(batch)
                for uid in batch:
                    if deadline is not None and time.monotonic() > deadline:
                        return result  # the rest waits for the next run
                    try:
                        _handle(current, uid, sizes.get(uid), result)
                    except (imaplib.IMAP4.abort, OSError):
                        raise  # the connection is gone: the rest waits for the next run
                    except Exception:
                        log.exception("%s: message %s could not be taken; it stays for the next run",
                                      mailbox.name, uid.decode())
                        result.failed += 1
    except (TimeoutError, imaplib.IMAP4.error, OSError) as error:
        log.warning("%s: could not poll: %s", mailbox.name, error)
        result.error = str(error) or type(error).__name__
    return result


def poll_configured(seconds: float | None = None) -> list[PollResult]:
    """Polls every mailbox in settings.IMAP_URL (none when it is empty), for at most about
    `seconds` in all when given."""
    deadline = time.monotonic() + seconds if seconds is not None else None
    return [poll(mailbox, deadline=deadline) for mailbox in mailboxes(settings.IMAP_URL)]
