"""Where every way in hands over a message: the SMTP listener, the IMAP poller, the MTA pipe and
the raw-MIME API all call `accepts` (while the sender is still talking, to refuse unknown
recipients early) and `receive` (once the message is complete).

`receive` does as little as possible before the sender gets its answer: it writes the raw bytes
durably, commits one InboundMail row per account addressed and enqueues the filing job. Parsing
and filing happen later in the worker, so a message that breaks the parser is kept all the same."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone

from kontor.accounts.models import Account, Membership
from kontor.files.sniff import megabytes
from kontor.mail import jobs
from kontor.mail.models import DROPBOX_PREFIX, Dropbox, InboundMail, InboundSource
from kontor.projects.models import MAIL_PREFIX, Project

logger = logging.getLogger(__name__)


class Refused(Exception):
    """The message is not taken. `code` is the SMTP reply code the listener answers with (550
    unknown recipient, 552 too large, 451 try again later); `reason` says why, in English, as SMTP
    replies do."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


def max_bytes() -> int:
    return settings.MAIL_MAX_BYTES


def _local_part(address: str) -> str | None:
    """The local part of an address at Kontor's mail domain, lower-cased and without a +tag, or
    None for an address elsewhere (or no address at all)."""
    _name, email = parseaddr(address.strip())
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not local or domain.rstrip(".") != settings.MAIL_DOMAIN.lower():
        return None
    return local.split("+", 1)[0]


def resolve(address: str) -> tuple[Membership | None, Project | None] | None:
    """A live dropbox or project address → who or what it belongs to: (membership, None) for a
    user's dropbox, (None, project) for a project's address. None when the address is unknown,
    renewed, or its user or project is gone (deactivated membership or user, project in the
    trash). Case does not matter, a +tag is ignored, the domain must be settings.MAIL_DOMAIN."""
    local = _local_part(address)
    if local is None:
        return None
    kind, dash, token = local.partition("-")
    if not dash or not token:
        return None
    if kind == DROPBOX_PREFIX:
        dropbox = (Dropbox.objects.filter(token=token, membership__is_active=True,
                                          membership__user__is_active=True)
                   .select_related("membership__account", "membership__user").first())
        return (dropbox.membership, None) if dropbox is not None else None
    if kind == MAIL_PREFIX:
        project = Project.objects.alive().filter(mail_token=token).select_related("account").first()
        return (None, project) if project is not None else None
    return None


def accepts(address: str) -> bool:
    """Whether mail to this address would be taken (the listener asks at RCPT TO)."""
    return resolve(address) is not None


@dataclass
class _Delivery:
    """What one account receives of a message: the first dropbox and the first project address
    among the recipients decide whose inbox and which project."""

    account: Account
    recipient: str
    membership: Membership | None = None
    project: Project | None = None
    addresses: list[str] = field(default_factory=list)


def _deliveries(recipients: Sequence[str]) -> list[_Delivery]:
    by_account: dict[int, _Delivery] = {}
    for address in dict.fromkeys(r.strip() for r in recipients if r and r.strip()):
        found = resolve(address)
        if found is None:
            continue
        membership, project = found
        if membership is not None:
            account = membership.account
        else:
            assert project is not None  # resolve gives a membership or a project
            account = project.account
        delivery = by_account.setdefault(account.pk, _Delivery(account=account, recipient=address))
        delivery.addresses.append(address)
        if membership is not None and delivery.membership is None:
            delivery.membership = membership
        if project is not None and delivery.project is None:
            delivery.project = project
    return list(by_account.values())


def _missing_folders(path: str) -> list[str]:
    """The folders of `path` that do not exist yet, innermost first."""
    missing: list[str] = []
    while path and not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return missing


def _sync(path: str) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_durably(account_id: int, raw: bytes) -> str:
    """Saves the raw message under a random name and, on local storage, forces it to disk, so
    that a crash right after we answered "250 OK" loses nothing.

    One fsync for the file is enough in the usual case: on the journalling file systems Linux
    runs (ext4, XFS, btrfs) a new file's fsync commits the journal that also holds its name in
    the folder. A folder made by this save (a new month, a new account) is an entry in its own
    parent, which that does not cover: then the new folders and the first folder that existed
    are synced too. This saves the listener a second fsync on nearly every message."""
    now = timezone.now()
    folder = f"mail/{account_id}/{now:%Y/%m}"
    try:
        new_folders = _missing_folders(default_storage.path(folder))
    except NotImplementedError:  # object storage: the upload has returned, the store keeps it
        new_folders = None
    name = default_storage.save(f"{folder}/{secrets.token_hex(16)}.eml", ContentFile(raw))
    if new_folders is None:
        return name
    _sync(default_storage.path(name))
    if new_folders:
        for path in [*new_folders, os.path.dirname(new_folders[-1])]:
            _sync(path)
    return name


def _enqueue_filing(inbound_ids: list[int]) -> None:
    for inbound_id in inbound_ids:
        jobs.file_inbound_mail(inbound_id)


def receive(raw: bytes, recipients: Sequence[str], source: str) -> list[InboundMail]:
    """Takes a message for Kontor: one InboundMail per account addressed, each with its own copy
    of the raw bytes, committed before this returns; the filing job follows after the commit.

    1. Refuses (552) a message above settings.MAIL_MAX_BYTES, and (550) one for which no
       recipient is a live dropbox or project address.
    2. Writes the raw bytes and syncs them to disk.
    3. Commits the rows in one transaction and enqueues filing on commit. Any failure of the
       store or the database removes what was written and refuses with 451 (try again later),
       so the sending server keeps the message and retries."""
    if source not in InboundSource.values:
        raise ValueError(f"Unknown source {source!r}")
    if len(raw) > max_bytes():
        raise Refused(552, f"Message too large: at most {megabytes(max_bytes())} MB")
    deliveries = _deliveries(recipients)
    if not deliveries:
        raise Refused(550, "No such recipient here")
    written: list[str] = []
    try:
        for delivery in deliveries:
            written.append(_write_durably(delivery.account.pk, raw))
        with transaction.atomic():
            stored = [InboundMail.objects.create(account=delivery.account, membership=delivery.membership,
                                                 project=delivery.project, recipient=delivery.recipient[:320],
                                                 source=source, raw=name, size=len(raw),
                                                 received_at=timezone.now())
                      for delivery, name in zip(deliveries, written, strict=True)]
            transaction.on_commit(lambda: _enqueue_filing([inbound.pk for inbound in stored]))
    except (OSError, DatabaseError) as error:
        logger.exception("Could not store an incoming message for %s", ", ".join(recipients))
        for name in written:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("Could not remove %s after a failed delivery", name)
        raise Refused(451, "Could not store the message, please try again later") from error
    return stored
