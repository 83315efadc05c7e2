"""Filing a stored message: who it belongs to, and the history entry it becomes.

The worker calls `file_inbound` for every message that arrived (kontor.mail.jobs); the inbox
(kontor.mail.inbox) calls `file_onto` when a user files a waiting message by hand. Each is one
transaction. Who a message is filed on is decided by RULES below, the one table docs/mail.md
describes: the first rule that applies names the addresses to look up."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts.models import Account, Membership, User
from kontor.contacts.models import ContactDetail, DetailKind, Position
from kontor.files import actions as file_actions
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from kontor.history.models import Entry, EntryKind
from kontor.mail.headers import MailAddress
from kontor.mail.models import EmailMessage, InboundMail, InboundState, InboxReason
from kontor.mail.parsing import ParsedMail, parse_mail
from kontor.notifications import actions as notification_actions
from kontor.projects.models import Project
from kontor.records.models import Kind, Record, Watch
from kontor.search import index as search_index
from kontor.webhooks import actions as webhooks

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Situation:
    """What the rules look at: the parsed message and the colleague who sent it (if one did)."""

    parsed: ParsedMail
    colleague: Membership | None


@dataclass(frozen=True)
class Rule:
    name: str
    applies: Callable[[Situation], bool]
    addresses: Callable[[Situation], list[MailAddress]]


def _forwarded_addresses(situation: Situation) -> list[MailAddress]:
    forwarded = situation.parsed.forwarded
    assert forwarded is not None
    return [*([forwarded.sender] if forwarded.sender else []), *forwarded.to, *forwarded.cc]


# The first rule that applies decides which addresses the message is filed on. A project address
# among the recipients adds the project whatever the rule (see `_records`).
RULES: tuple[Rule, ...] = (
    # A colleague forwarded a mail they received: it belongs to its original sender (and to the
    # people it was sent to, where they are contacts).
    Rule("forwarded by a colleague",
         lambda s: s.colleague is not None and s.parsed.forwarded is not None, _forwarded_addresses),
    # A colleague wrote it and put the dropbox in BCC (or Cc, as Outlook rules do): it belongs to
    # the people and companies it was written to.
    Rule("sent by a colleague",
         lambda s: s.colleague is not None, lambda s: [*s.parsed.to, *s.parsed.cc]),
    # Someone outside the team wrote to a dropbox or project address: it belongs to the sender.
    Rule("from a contact",
         lambda s: s.colleague is None, lambda s: [s.parsed.sender] if s.parsed.sender else []),
)


def rule_for(situation: Situation) -> Rule:
    return next(rule for rule in RULES if rule.applies(situation))


def _address_forms(address: MailAddress) -> set[str]:
    return {address.email.strip().lower(), address.key}


def _message_addresses(parsed: ParsedMail) -> list[MailAddress]:
    """Every address the rules may look at: the sender, the recipients, and those of a forwarded mail."""
    forwarded = parsed.forwarded
    return [*([parsed.sender] if parsed.sender else []), *parsed.to, *parsed.cc,
            *(_forwarded_addresses(Situation(parsed, None)) if forwarded is not None else [])]


def colleagues_among(account: Account, addresses: Sequence[MailAddress]) -> dict[str, Membership]:
    """The account's memberships (active or not) whose user has one of these addresses, by the
    lower-cased address, with their users. One indexed query for the whole message: it answers
    both who sent it (`sender_colleague`) and which addresses are the team's own, never filed on
    a record (mail between colleagues is not filed on colleagues). User addresses are stored in
    lower case (UserManager.create_user), so an exact lookup finds them."""
    forms = sorted({form for address in addresses for form in _address_forms(address)})
    if not forms:
        return {}
    found: dict[str, Membership] = {}
    for membership in _memberships_with_emails(account, forms):
        found[membership.user.email.lower()] = membership
    return found


def _memberships_with_emails(account: Account, emails: list[str]) -> list[Membership]:
    """The account's memberships whose user has one of these addresses, each with its user and
    the caller's account set (see _records_with_addresses)."""
    placeholders = ", ".join(["%s"] * len(emails))
    sql = (f"SELECT {_MEMBERSHIP.columns('m')}, {_USER.columns('u')} FROM {Membership._meta.db_table} m "
           f"JOIN {User._meta.db_table} u ON u.id = m.user_id WHERE m.account_id = %s AND u.email IN ({placeholders})")
    memberships = []
    for row in _fetch(sql, [account.pk, *emails]):
        membership = _MEMBERSHIP.build(row)
        membership.user = _USER.build(row[_MEMBERSHIP.width:])
        membership.account = account  # the caller's, so that no one reads it again
        memberships.append(membership)
    return memberships


def _is_kontor_address(email: str) -> bool:
    return email.lower().rpartition("@")[2] == settings.MAIL_DOMAIN.lower()


def sender_colleague(parsed: ParsedMail, colleagues: dict[str, Membership]) -> Membership | None:
    """The active colleague who sent the message, by the From address, among `colleagues_among`."""
    if parsed.sender is None:
        return None
    for form in sorted(_address_forms(parsed.sender)):
        membership = colleagues.get(form)
        if membership is not None and membership.is_active and membership.user.is_active:
            return membership
    return None


# The lookups of every incoming message are written in SQL: the ORM spent up to twenty times
# longer compiling them than the database took to answer (all run on indexes: detail_lookup, the
# positions' person_id, the users' e-mail), and filing at speed depends on them. Plain SQL that
# SQLite and PostgreSQL both run; tables, columns and value conversions come from the models.
class _Rows(Generic[M]):
    """Builds model instances from the model's columns in an SQL row, converted as the ORM does
    (on SQLite, a datetime arrives as text)."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields = model._meta.concrete_fields
        self.width = len(self.fields)
        self._attnames = [field.attname for field in self.fields]
        self._converters: list[list[Any]] | None = None
        self._columns: dict[str, str] = {}

    def columns(self, alias: str) -> str:
        if alias not in self._columns:
            self._columns[alias] = ", ".join(f"{alias}.{connection.ops.quote_name(cast(str, field.column))}"
                                             for field in self.fields)
        return self._columns[alias]

    def build(self, row: Sequence[Any]) -> M:
        if self._converters is None:
            columns = [field.get_col(self.model._meta.db_table) for field in self.fields]
            self._converters = [[*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
                                for col in columns]
        values = []
        for converters, column, value in zip(self._converters, self.fields, row[:self.width], strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        return self.model.from_db(connection.alias, self._attnames, values)


_RECORD, _MEMBERSHIP, _USER = _Rows(Record), _Rows(Membership), _Rows(User)


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _records_with_addresses(account: Account, addresses: list[str]) -> list[tuple[Record, str]]:
    """The people and companies outside the trash with one of these (normalized) e-mail
    addresses, each with the address that matched (once per address)."""
    placeholders = ", ".join(["%s"] * len(addresses))
    sql = (f"SELECT {_RECORD.columns('r')}, d.normalized FROM {ContactDetail._meta.db_table} d "
           f"JOIN {Record._meta.db_table} r ON r.id = d.record_id "
           f"WHERE d.account_id = %s AND d.kind = %s AND d.normalized IN ({placeholders}) "
           "AND r.deleted_at IS NULL AND r.kind IN (%s, %s)")
    rows = _fetch(sql, [account.pk, DetailKind.EMAIL, *addresses, Kind.PERSON, Kind.COMPANY])
    return [(_RECORD.build(row), row[_RECORD.width]) for row in rows]


def _current_companies(people: list[int]) -> list[Record]:
    """The companies (outside the trash) where these people currently work, by primary key."""
    placeholders = ", ".join(["%s"] * len(people))
    sql = (f"SELECT DISTINCT {_RECORD.columns('r')} FROM {Position._meta.db_table} p "
           f"JOIN {Record._meta.db_table} r ON r.id = p.company_id "
           f"WHERE p.person_id IN ({placeholders}) AND p.is_former = %s AND r.deleted_at IS NULL ORDER BY r.id")
    return [_RECORD.build(row) for row in _fetch(sql, [*people, False])]


def matching_records(account: Account, addresses: Sequence[MailAddress],
                     team: Collection[str] = ()) -> tuple[list[Record], list[str]]:
    """The people and companies (outside the trash) with these e-mail addresses, in the order the
    addresses came, then the current companies of the people found. Also returns the addresses
    that were looked up (without the team's, `team`, and Kontor's own), for the inbox note. One
    query over the detail_lookup index for all addresses, and one for the people's companies."""
    looked_up: list[str] = []
    forms: dict[str, int] = {}  # address form → position of its address
    for address in addresses:
        email = address.email.strip().lower()
        if not email or email in team or address.key in team or _is_kontor_address(email):
            continue
        if email not in looked_up:
            looked_up.append(email)
        for form in _address_forms(address):
            forms.setdefault(form, len(looked_up))
    if not forms:
        return [], looked_up
    matched = sorted(_records_with_addresses(account, list(forms)),
                     key=lambda pair: (forms[pair[1]], pair[0].pk))
    records = list({record.pk: record for record, _address in matched}.values())
    people = [r.pk for r in records if r.kind == Kind.PERSON]
    if people:
        known = {r.pk for r in records}
        records += [company for company in _current_companies(people) if company.pk not in known]
    return records, looked_up


def _read(inbound: InboundMail) -> ParsedMail | None:
    """The stored message, parsed; None when its bytes are gone from the storage."""
    try:
        with inbound.raw.open("rb") as handle:
            raw = handle.read()
    except (FileNotFoundError, ValueError):
        return None
    return parse_mail(raw)


def _remember_headers(inbound: InboundMail, parsed: ParsedMail) -> None:
    """Copies what the inbox lists onto the row, so that the list needs no parsing."""
    inbound.subject = (parsed.subject or "")[:300]
    inbound.sender_name = (parsed.sender.name if parsed.sender else "")[:200]
    inbound.sender_email = (parsed.sender.email if parsed.sender else "")[:320]
    inbound.message_id = (parsed.message_id or "")[:300]
    inbound.sent_at = parsed.date


def _live_project(inbound: InboundMail) -> Project | None:
    if inbound.project_id is None:
        return None
    return Project.objects.alive().filter(pk=inbound.project_id, account_id=inbound.account_id).select_related(
        "record").first()


def _locked(inbound: InboundMail) -> InboundMail:
    """The message's row, locked for the transaction, with its account and receiving membership.
    Only the row itself is locked (of=self): PostgreSQL cannot lock the nullable side of the outer
    join to the membership, and refused the whole query."""
    return (InboundMail.objects.select_for_update(of=("self",)).select_related("account", "membership")
            .get(pk=inbound.pk))


class _HandledMeanwhile(Exception):
    """Another worker (or a colleague in the inbox) handled the message while this one filed it."""


def _settle_pending(inbound: InboundMail, fields: Sequence[str]) -> None:
    """Writes what filing decided, if the message still waits to be filed; otherwise raises
    _HandledMeanwhile, which rolls the whole filing back. Checking the state in the UPDATE, at the
    end, replaces a locked read at the start: the row is locked from here to the commit (on
    PostgreSQL a second worker's UPDATE waits, then finds the state changed), and a message is
    filed once without costing every message a query. Plain SQL for the reason given at _Rows;
    the values are prepared by their fields, as the ORM's UPDATE would."""
    columns = [field for field in _INBOUND.fields if field.name in fields]
    assignments = ", ".join(f"{connection.ops.quote_name(cast(str, field.column))} = %s" for field in columns)
    values = [field.get_db_prep_save(getattr(inbound, field.attname), connection) for field in columns]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {InboundMail._meta.db_table} SET {assignments} WHERE id = %s AND state = %s",
                       [*values, inbound.pk, InboundState.PENDING])
        if cursor.rowcount != 1:
            raise _HandledMeanwhile


def _save(inbound: InboundMail, fields: Sequence[str]) -> None:
    inbound.save(update_fields=list(fields))


# The filing job files its message together with others waiting in the same account, in one
# transaction with a savepoint each: SQLite's full-text index (kontor.search) costs a third as much
# per message when it takes twenty in one commit, and the queue drains that much faster. A batch
# holds at most BATCH_MESSAGES messages and, beyond its first, BATCH_BYTES of raw mail, so that a
# worker never holds many large messages parsed in memory at once.
BATCH_MESSAGES = 20
BATCH_BYTES = 2 * 1024 * 1024


def file_waiting(inbound_id: int) -> int:
    """The filing job's work (kontor.mail.jobs.file_inbound_mail): files the message, if it still
    waits, and up to BATCH_MESSAGES - 1 more waiting in its account (their own jobs then find
    nothing left to do, at the cost of one small query). Returns how many messages it handled."""
    first = pending_message(inbound_id)
    if first is None:
        return 0
    batch, budget = [first], BATCH_BYTES
    for other in _waiting_besides(first, budget):
        if other.size > budget:
            break
        budget -= other.size
        batch.append(other)
    _file_all(batch)
    return len(batch)


def file_inbound(inbound: InboundMail) -> None:
    """Files one stored message, loaded with its account and receiving membership
    (`pending_message`); see _file_all."""
    _file_all([inbound])


_INBOUND, _ACCOUNT = _Rows(InboundMail), _Rows(Account)


def _waiting(where: str, params: Sequence[Any], limit: int) -> list[InboundMail]:
    """Stored messages still waiting to be filed that match `where` (SQL on the message's row,
    `i`), oldest first, each with its account and receiving membership, as filing reads them."""
    sql = (f"SELECT {_INBOUND.columns('i')}, {_ACCOUNT.columns('a')}, {_MEMBERSHIP.columns('m')} "
           f"FROM {InboundMail._meta.db_table} i JOIN {Account._meta.db_table} a ON a.id = i.account_id "
           f"LEFT JOIN {Membership._meta.db_table} m ON m.id = i.membership_id "
           f"WHERE i.state = %s AND {where} ORDER BY i.id LIMIT {int(limit)}")
    found = []
    for row in _fetch(sql, [InboundState.PENDING, *params]):
        inbound = _INBOUND.build(row)
        inbound.account = _ACCOUNT.build(row[_INBOUND.width:])
        membership_row = row[_INBOUND.width + _ACCOUNT.width:]
        inbound.membership = None if membership_row[0] is None else _MEMBERSHIP.build(membership_row)
        if inbound.membership is not None:
            inbound.membership.account = inbound.account
        found.append(inbound)
    return found


def pending_message(inbound_id: int) -> InboundMail | None:
    """A stored message that still waits to be filed, with what filing reads of it."""
    found = _waiting("i.id = %s", [inbound_id], 1)
    return found[0] if found else None


def _waiting_besides(first: InboundMail, budget: int) -> list[InboundMail]:
    """Up to BATCH_MESSAGES - 1 other messages waiting in the account of `first`, none larger
    than `budget` bytes."""
    return _waiting("i.account_id = %s AND i.id <> %s AND i.size <= %s", [first.account_id, first.pk, budget],
                    BATCH_MESSAGES - 1)


def _file_all(batch: Sequence[InboundMail]) -> None:
    """Files stored messages in one transaction, each in a savepoint of its own. Parsing happens
    before, outside the transaction (a large message takes a moment). A busy or unreachable
    database or storage raises, so that the job is tried again later (filing is idempotent: a
    message no longer waiting is left alone). Any other failure is a message Kontor cannot file by
    itself: its savepoint is rolled back and, rather than waiting unseen for ever, it goes to the
    inbox with a note, to be filed by hand; the others are filed."""
    read = [(inbound, _read(inbound)) for inbound in batch if inbound.state == InboundState.PENDING]
    if not read:
        return
    if len(read) == 1:
        _file_one(*read[0])  # a transaction of its own: no savepoint needed
        return
    with transaction.atomic():
        waiting = _claimed([inbound for inbound, _parsed in read])
        for inbound, parsed in read:
            if inbound.pk in waiting:
                _file_one(inbound, parsed)


def _claimed(batch: Sequence[InboundMail]) -> set[int]:
    """At the start of a batch's transaction: the ids of its messages that still wait and are
    now this worker's to file. The worker's other thread (or another worker) may have taken the
    same messages into a batch of its own a moment earlier; without this, both would write every
    entry and the later one would roll each back at its final write. On SQLite the transaction
    holds the write lock from its start, so what another worker filed shows here as filed; on
    PostgreSQL the rows are locked until the commit, and those another worker holds are skipped."""
    placeholders = ", ".join(["%s"] * len(batch))
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    rows = _fetch(f"SELECT id FROM {InboundMail._meta.db_table} WHERE id IN ({placeholders}) AND state = %s{lock}",
                  [*(inbound.pk for inbound in batch), InboundState.PENDING])
    return {inbound_id for (inbound_id,) in rows}


def _file_one(inbound: InboundMail, parsed: ParsedMail | None) -> None:
    """One message of _file_all, in a transaction (a savepoint within a batch's)."""
    try:
        with transaction.atomic():
            _file_parsed(inbound, parsed)
    except _HandledMeanwhile:
        return
    except (OperationalError, InterfaceError, OSError):
        raise
    except Exception:
        logger.exception("Could not file incoming message %s", inbound.pk)
        InboundMail.objects.filter(pk=inbound.pk, state=InboundState.PENDING).update(
            state=InboundState.INBOX, reason=InboxReason.FAILED)


def _file_parsed(inbound: InboundMail, parsed: ParsedMail | None) -> None:
    """Files one message, in the caller's transaction; whether it still waits is checked by the
    final write (_settle_pending), which raises _HandledMeanwhile when it does not.

    1. A missing or unreadable message waits in the inbox with a note.
    2. Finds the records by the first rule that applies, plus the project of a project address.
    3. Nothing found: the message waits in the receiving user's inbox, with a note saying why.
    4. Otherwise writes the e-mail entry (or joins the one with the same Message-ID)."""
    if parsed is None:
        _to_inbox(inbound, InboxReason.MISSING)
        return
    _remember_headers(inbound, parsed)
    if parsed.unreadable:
        _to_inbox(inbound, InboxReason.UNREADABLE, note=" ".join(parsed.problems))
        return
    colleagues = colleagues_among(inbound.account, _message_addresses(parsed))
    colleague = sender_colleague(parsed, colleagues)
    situation = Situation(parsed, colleague)
    records, looked_up = matching_records(inbound.account, rule_for(situation).addresses(situation),
                                          team=colleagues.keys())
    project = _live_project(inbound)
    if project is not None:
        records = [project.record, *(r for r in records if r.pk != project.pk)]
    if not records:
        _to_inbox(inbound, InboxReason.NOBODY if looked_up else InboxReason.NO_ADDRESS, looked_up=looked_up)
        return
    _file(inbound, parsed, records, author=colleague, by=None, save=_settle_pending)


_HEADER_FIELDS = ("subject", "sender_name", "sender_email", "message_id", "sent_at")


def _to_inbox(inbound: InboundMail, reason: str, *, looked_up: Sequence[str] = (), note: str = "") -> None:
    inbound.state = InboundState.INBOX
    inbound.reason, inbound.looked_up, inbound.note = reason, list(looked_up), note
    _settle_pending(inbound, [*_HEADER_FIELDS, "state", "reason", "looked_up", "note"])


@dataclass(frozen=True)
class _Shape:
    """The message as the history keeps it: for a forwarded mail, the original one."""

    subject: str
    sender: MailAddress | None
    to: list[MailAddress]
    cc: list[MailAddress]
    happened_at: dt.datetime | None


def _shape(parsed: ParsedMail, author: Membership | None) -> _Shape:
    forwarded = parsed.forwarded
    if author is not None and forwarded is not None:
        return _Shape(forwarded.subject or parsed.subject, forwarded.sender or parsed.sender, list(forwarded.to),
                      list(forwarded.cc), forwarded.date or parsed.date)
    return _Shape(parsed.subject, parsed.sender, list(parsed.to), list(parsed.cc), parsed.date)


def _pairs(addresses: Sequence[MailAddress]) -> list[list[str]]:
    return [[address.name or "", address.email] for address in addresses]


def _by_message_id(account: Account, message_id: str) -> QuerySet[EmailMessage]:
    # The exclude repeats the condition of the partial unique index, so that SQLite looks the
    # Message-ID up in it, instead of reading every e-mail of the account.
    return EmailMessage.objects.filter(account=account, message_id=message_id).exclude(message_id="")



def _file(inbound: InboundMail, parsed: ParsedMail, records: Sequence[Record], *, author: Membership | None,
          by: Membership | None, save: Callable[[InboundMail, Sequence[str]], None] = _save) -> Entry:
    """Writes (or joins) the e-mail entry for a message and links it to the records, in the
    caller's transaction. The same Message-ID in the same account is one entry: the unique
    constraint decides, for a message filed before as for a race between two workers, and the
    later one joins the entry written first. Not looking the Message-ID up first saves every new
    message (nearly all of them) a query; a repeated one costs an INSERT rolled back instead."""
    message_id = (parsed.message_id or "")[:300]
    existing: EmailMessage | None = None
    stored: list[Attachment] = []
    try:
        try:
            with transaction.atomic():
                entry, stored = _create_entry(inbound, parsed, records, author=author, by=by)
        except IntegrityError:
            if not message_id:
                raise
            existing = _by_message_id(inbound.account, message_id).select_related("entry").get()
        if existing is not None:
            entry = existing.entry
            _join_entry(entry, records, author=author, by=by, receiver=inbound.membership)
        inbound.entry = entry
        inbound.state = InboundState.FILED
        inbound.note, inbound.reason, inbound.looked_up = "", "", []
        inbound.handled_at = timezone.now()
        inbound.handled_by = by.user if by is not None else None
        save(inbound, [*_HEADER_FIELDS, "entry", "state", "note", "reason", "looked_up", "handled_at",
                       "handled_by"])
    except BaseException:
        file_actions.remove_stored_bytes(stored)
        raise
    return entry


def _create_entry(inbound: InboundMail, parsed: ParsedMail, records: Sequence[Record], *,
                  author: Membership | None, by: Membership | None) -> tuple[Entry, list[Attachment]]:
    shape = _shape(parsed, author)
    now = timezone.now()
    entry = Entry.objects.create(account=inbound.account, kind=EntryKind.EMAIL, subject=(shape.subject or "")[:300],
                                 body=(parsed.text or "")[:history_actions.MAX_NOTE_LENGTH],
                                 author=author.user if author is not None else None,
                                 happened_at=shape.happened_at or inbound.received_at, confidential=False,
                                 created_at=now, updated_at=now)
    email = EmailMessage.objects.create(
        entry=entry, account=inbound.account, message_id=(parsed.message_id or "")[:300],
        from_name=(shape.sender.name if shape.sender else "")[:200],
        from_email=(shape.sender.email if shape.sender else "")[:320],
        to=_pairs(shape.to), cc=_pairs(shape.cc), html=parsed.html or "",
        has_remote_images=parsed.has_remote_images, inbound=inbound,
        event=parsed.calendar.as_data() if parsed.calendar is not None else {})
    history_actions.link_entry(entry, records, now=now, is_new=True)
    stored = _store_attachments(entry, email, parsed, records[0], author.user if author is not None else None)
    if author is not None:
        _follow(records, author.user)
    # Written once, from what is in memory: a new entry has no document and no comments yet.
    search_index.index_new_entry(entry, records)
    # The receiving user had the mail in their own mailbox already; the author wrote it; whoever
    # filed it by hand knows.
    told = {m.user_id for m in (author, by, inbound.membership) if m is not None}
    if _followers_besides(records, told):
        notification_actions.notify_followers(entry, by or author, records, exclude=told)
    webhooks.emit(inbound.account, "email.created", entry)
    return entry, stored


def _followers_besides(records: Sequence[Record], told: Collection[int]) -> bool:
    """Whether anyone not told already follows the records. Mostly no one does (the receiving
    user follows their own contacts): one small query then spares the costlier one of
    notify_followers, which reads the followers' memberships and users."""
    placeholders = ", ".join(["%s"] * len(records))
    rows = _fetch(f"SELECT user_id FROM {Watch._meta.db_table} WHERE record_id IN ({placeholders})",
                  [record.pk for record in records])
    return any(user_id not in told for (user_id,) in rows)


def _follow(records: Sequence[Record], user: User) -> None:
    """The author of a filed mail follows its records, as record_actions.watch would make them,
    in one INSERT for all of them: the unique constraint leaves out those they follow already."""
    Watch.objects.bulk_create([Watch(record=record, user=user) for record in records], ignore_conflicts=True)


def _store_attachments(entry: Entry, email: EmailMessage, parsed: ParsedMail, record: Record,
                       uploaded_by: User | None) -> list[Attachment]:
    """The message's attachments as files on the entry and its first record. Files too large or
    empty are left out, and the entry says so under its text."""
    parts = list(parsed.attachments)
    if not parts:
        return []
    stored, skipped = file_actions.store_received_files(
        entry.account, [(part.filename or "", part.data) for part in parts], record=record, entry=entry,
        uploaded_by=uploaded_by)
    # The stored files are the first parts neither empty nor too large (the quota may leave out
    # the rest), in order.
    by_name = iter(stored)
    inline: dict[str, int] = {}
    for part in parts:
        if part.data and len(part.data) <= file_actions.max_upload_bytes():
            attachment = next(by_name, None)
            if attachment is None:
                break
            if part.content_id:
                inline[part.content_id.strip("<>")] = attachment.pk
    changes: list[str] = []
    if inline:
        email.inline_files = inline
        changes.append("inline_files")
    if changes:
        email.save(update_fields=changes)
    if skipped:
        entry.body = "\n\n".join(part for part in (entry.body, *(_("Not stored: %(reason)s") % {"reason": reason}
                                                                  for reason in skipped)) if part)
        entry.save(update_fields=["body"])
    return stored


def _join_entry(entry: Entry, records: Sequence[Record], *, author: Membership | None, by: Membership | None,
                receiver: Membership | None) -> None:
    """The same message again (BCC'd to two colleagues, fetched twice, filed by hand): its entry
    is linked to the records it is not on yet, and only their followers hear of it."""
    earlier = list(Record.objects.filter(entries=entry))
    new = history_actions.link_entry(entry, records)
    if not new:
        return
    if author is not None:
        _follow(new, author.user)
    search_index.index_entries([entry.pk])
    told = set(Watch.objects.filter(record__in=earlier).values_list("user_id", flat=True))
    told |= {m.user_id for m in (author, by, receiver) if m is not None}
    notification_actions.notify_followers(entry, by or author, new, exclude=told)
    webhooks.emit(entry.account_id, "email.updated", entry)


@transaction.atomic
def file_onto(inbound: InboundMail, records: Sequence[Record], by: Membership) -> Entry:
    """Files a stored message onto the given records (the inbox's "file it here"): writes the
    e-mail entry, or adds the records to the entry already written for the same Message-ID. The
    message then counts as filed. A message that cannot be read is filed with what could be
    read of it; its raw form stays downloadable."""
    if inbound.account_id != by.account.pk or any(r.account_id != by.account.pk for r in records):
        raise PermissionDenied
    if not records:
        raise ValidationError({"records": _("Please choose at least one person, company, deal or project.")})
    if any(r.is_deleted for r in records):
        raise ValidationError({"records": _("This record is in the trash.")})
    inbound = _locked(inbound)
    parsed = _read(inbound)
    if parsed is None:
        raise ValidationError(_("The stored message is missing; it cannot be shown or filed."))
    _remember_headers(inbound, parsed)
    colleague = sender_colleague(parsed, colleagues_among(inbound.account, [parsed.sender] if parsed.sender else []))
    if inbound.entry_id is not None and Entry.objects.filter(pk=inbound.entry_id).exists():
        entry = Entry.objects.get(pk=inbound.entry_id)
        _join_entry(entry, records, author=colleague, by=by, receiver=inbound.membership)
        inbound.state = InboundState.FILED
        inbound.handled_at, inbound.handled_by = timezone.now(), by.user
        inbound.save()
        return entry
    return _file(inbound, parsed, records, author=colleague, by=by)
