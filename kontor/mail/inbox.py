"""The inbox: mail that arrived at a user's dropbox but matched nobody (or could not be read) waits
here until its user files it on records, creates a person from its sender, or discards it.

Whose message it is decides who may act on it: the user whose dropbox received it, and for mail
that reached no user's dropbox (a project's address), or still waits for a colleague who has
been deactivated, the account's administrators and owner.
Everyone else gets a 404 from `access_inbound`, as for a missing message. Discarding is undone
within DISCARD_KEPT_DAYS from the "Discarded" list; after that `purge_discarded` removes the
message and its raw file for good."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details
from kontor.contacts.models import ContactDetail, DetailKind, Person
from kontor.history.models import Entry
from kontor.mail import filing
from kontor.mail.headers import MailAddress
from kontor.mail.models import InboundMail, InboundState
from kontor.mail.names import PersonName, split_name
from kontor.mail.parsing import ParsedMail, parse_mail
from kontor.records.models import Record

logger = logging.getLogger(__name__)

DISCARD_KEPT_DAYS = 30
# The list shows each message's first lines and attachments without a stored copy of them: it
# reads this much of each raw message (a page holds 25), enough for the text of nearly all mail.
PREVIEW_BYTES = 64 * 1024
PREVIEW_CHARS = 240


# The waiting mail of a colleague who has left: nobody else would ever see it otherwise.
_LEFT = Q(membership__is_active=False) | Q(membership__user__is_active=False)


def _theirs(by: Membership, state: str) -> Q:
    """The messages in this state the membership handles: those its dropbox received, and for
    administrators those that reached no user or wait for a deactivated colleague. Two branches,
    each along one index of InboundMail (inbound_inbox and inbound_by_state), so the count stays
    cheap in a busy account."""
    mine = Q(membership=by, state=state)
    if roles.can_manage_team(by.role):
        mine |= Q(account=by.account, state=state) & (Q(membership__isnull=True) | _LEFT)
    return mine


def can_handle(by: Membership, inbound: InboundMail) -> bool:
    if inbound.account_id != by.account.pk:
        return False
    if inbound.membership_id == by.pk:
        return True
    if not roles.can_manage_team(by.role):
        return False
    return inbound.membership_id is None or InboundMail.objects.filter(_LEFT, pk=inbound.pk).exists()


def discard_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=DISCARD_KEPT_DAYS)


def inbox_for(by: Membership) -> QuerySet[InboundMail]:
    """The messages waiting for the membership, newest first."""
    return (InboundMail.objects.filter(_theirs(by, InboundState.INBOX))
            .select_related("project", "membership__user").order_by("-received_at", "-pk"))


def discarded_for(by: Membership) -> QuerySet[InboundMail]:
    """The messages the membership may still bring back, most recently received first."""
    return (InboundMail.objects.filter(_theirs(by, InboundState.DISCARDED), handled_at__gte=discard_cutoff())
            .select_related("project", "membership__user").order_by("-received_at", "-pk"))


def inbox_count(by: Membership) -> int:
    """How many messages wait for the membership: one query along the inbox index."""
    return InboundMail.objects.filter(_theirs(by, InboundState.INBOX)).count()


def access_inbound(by: Membership, inbound_id: int, *, discarded: bool = False) -> InboundMail:
    """A message the membership may act on: waiting in its inbox (or, with `discarded`, discarded
    and still within the undo period). Any other message, of this account or another, is a 404."""
    messages = discarded_for(by) if discarded else inbox_for(by)
    found = messages.filter(pk=inbound_id).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class Preview:
    """What the inbox list shows of a message's content. `attachments` counts those within the
    part read; `is_partial` says more of the message was not read (more may follow).
    `unreadable` (with the parser's English `problems`) lets the page say so in the reader's
    language: the note stored when filing holds the parser's words and the server's language."""

    text: str = ""
    attachments: int = 0
    is_partial: bool = False
    unreadable: bool = False
    problems: tuple[str, ...] = ()


def _raw_bytes(inbound: InboundMail, limit: int | None = None) -> bytes | None:
    try:
        with inbound.raw.open("rb") as handle:
            return handle.read(limit) if limit else handle.read()
    except (OSError, ValueError):  # the stored file is gone (or the row names none)
        return None


def preview(inbound: InboundMail) -> Preview:
    """The first lines of the message's text and how many attachments it has, read from the
    beginning of the raw message."""
    head = _raw_bytes(inbound, PREVIEW_BYTES)
    if not head:
        return Preview()
    parsed = parse_mail(head)
    if parsed.unreadable:  # its "text" is the raw bytes guessed as text: noise in a list
        return Preview("", 0, inbound.size > len(head), True, tuple(parsed.problems))
    lines = [" ".join(line.split()) for line in (parsed.text or "").splitlines()]
    text = " ".join(line for line in lines if line and not line.startswith(">"))
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"
    return Preview(text, len(parsed.attachments), inbound.size > len(head))


def attach_previews(items: Sequence[InboundMail]) -> None:
    """Sets `preview` on each message of a list page (no queries; one short read per message)."""
    for item in items:
        item.preview = preview(item)  # type: ignore[attr-defined]  # preview is for the list template only


def read_message(inbound: InboundMail) -> ParsedMail | None:
    """The whole message, parsed for reading; None when its stored bytes are gone."""
    raw = _raw_bytes(inbound)
    return parse_mail(raw) if raw is not None else None


def attachment_of(inbound: InboundMail, number: int) -> tuple[str, bytes] | None:
    """The name and bytes of the message's attachment `number` (counted from 1), or None."""
    parsed = read_message(inbound)
    if parsed is None or not 1 <= number <= len(parsed.attachments):
        return None
    part = parsed.attachments[number - 1]
    return (part.filename or _("attachment-%(number)s") % {"number": number}), part.data


def contact_of(inbound: InboundMail) -> MailAddress:
    """Whom "Create person from sender" makes a person of. Mostly the sender; but a message the
    dropbox's own user sent waits here because its customer is not in Kontor yet, and making the
    user a contact of their own CRM is never what they meant:

    1. From someone else (or to a project's address): the sender, as the inbox row has it.
    2. The user's forward: the sender of the forwarded original.
    3. The user's own mail: the first recipient (To, then Cc) outside the team and Kontor.
    4. Nothing better found: the sender after all.

    Only the user's own address counts as "the user" (it is loaded with the row), so the list
    pays no query for this; the message is read only in cases 2 and 3."""
    sender = MailAddress(inbound.sender_name, inbound.sender_email)
    owner = inbound.membership.user.email if inbound.membership else ""
    if not owner or sender.email.strip().lower() != owner.lower():
        return sender
    parsed = read_message(inbound)
    if parsed is None:
        return sender
    if parsed.forwarded is not None and parsed.forwarded.sender is not None and parsed.forwarded.sender.email:
        return parsed.forwarded.sender
    candidates = [address for address in (*parsed.to, *parsed.cc) if "@" in address.email
                  and not address.email.strip().lower().endswith("@" + settings.MAIL_DOMAIN.lower())]
    team = set(Membership.objects.filter(account_id=inbound.account_id,
                                         user__email__in=[a.email.strip().lower() for a in candidates])
               .values_list("user__email", flat=True)) if candidates else set()
    outside = [address for address in candidates if address.email.strip().lower() not in team]
    return outside[0] if outside else sender


def sender_name(inbound: InboundMail, contact: MailAddress | None = None) -> PersonName:
    """The name a person created from the sender gets, as the inbox shows it before creating."""
    contact = contact or contact_of(inbound)
    return split_name(contact.name, contact.email)


def people_with_sender_address(by: Membership, inbound: InboundMail,
                               contact: MailAddress | None = None) -> list[Person]:
    """Live people of the account who have the sender's address by now (added after the message
    arrived): offered instead of creating a second person."""
    email = (contact or contact_of(inbound)).email.strip().lower()
    if not email:
        return []
    record_ids = ContactDetail.objects.filter(account=by.account, kind=DetailKind.EMAIL,
                                              normalized=email).values("record_id")
    return list(Person.objects.filter(account=by.account, record_id__in=record_ids).alive()
                .select_related("record").order_by("sort_name", "record_id")[:5])


def _take(inbound: InboundMail, by: Membership, state: str) -> InboundMail:
    """The message locked for this change, if the membership may make it and the message is still
    in `state`: two clicks (or two colleagues) never file or discard it twice."""
    if not can_handle(by, inbound):
        raise PermissionDenied(_("This message is in a colleague's inbox."))
    locked = InboundMail.objects.select_for_update().filter(pk=inbound.pk).first()
    if locked is None or locked.state != state:
        if locked is not None and locked.state == InboundState.FILED:
            raise ValidationError(_("This message has been filed already."))
        if locked is not None and locked.state == InboundState.DISCARDED:
            raise ValidationError(_("This message has been discarded."))
        raise ValidationError(_("This message is no longer in the inbox."))
    if state == InboundState.DISCARDED and (locked.handled_at is None or locked.handled_at < discard_cutoff()):
        raise ValidationError(_("This message was discarded more than %(days)s days ago and cannot be "
                                "brought back.") % {"days": DISCARD_KEPT_DAYS})
    return locked


def _live_records(records: Sequence[Record], by: Membership) -> list[Record]:
    unique = list({record.pk: record for record in records}.values())
    if not unique:
        raise ValidationError({"records": _("Pick at least one person, company, deal or project.")})
    if any(record.account_id != by.account.pk for record in unique):
        raise PermissionDenied
    if any(record.deleted_at is not None for record in unique):
        raise ValidationError({"records": _("A record in the trash cannot receive e-mails.")})
    return unique


@transaction.atomic
def file_from_inbox(inbound: InboundMail, records: Sequence[Record], by: Membership) -> Entry:
    """Files a waiting message on the chosen records (people, companies, deals, projects) as one
    e-mail entry; it leaves the inbox."""
    locked = _take(inbound, by, InboundState.INBOX)
    return filing.file_onto(locked, _live_records(records, by), by)


@transaction.atomic
def create_person_from_sender(inbound: InboundMail, by: Membership, name: PersonName | None = None) -> Person:
    """Creates a person from the message's sender (the name read from the From header unless the
    user corrected it, the address as a work e-mail) and files the message on that person. Later
    mail from the same address then finds the person by itself."""
    locked = _take(inbound, by, InboundState.INBOX)
    locked.membership = inbound.membership  # loaded with the row: whose own mail it may be
    contact = contact_of(locked)
    email = contact.email.strip()
    if not email:
        raise ValidationError(_("The sender's address could not be read, so no person can be made from it. "
                                "File the message on a person instead."))
    name = name or sender_name(locked, contact)
    if not name.last_name.strip():
        raise ValidationError({"last_name": _("Please enter a last name.")})
    fields = {"first_name": name.first_name.strip(), "last_name": name.last_name.strip(),
              "title": name.title.strip(), "salutation": name.salutation}
    person = contact_actions.create_person(by, fields, Details(contact=[DetailData(DetailKind.EMAIL, email)]))
    filing.file_onto(locked, [person.record], by)
    return person


@transaction.atomic
def discard(inbound: InboundMail, by: Membership) -> None:
    """Takes the message out of the inbox; `bring_back` undoes it for DISCARD_KEPT_DAYS."""
    locked = _take(inbound, by, InboundState.INBOX)
    InboundMail.objects.filter(pk=locked.pk).update(state=InboundState.DISCARDED, handled_at=timezone.now(),
                                                    handled_by=by.user)


@transaction.atomic
def bring_back(inbound: InboundMail, by: Membership) -> None:
    """Puts a discarded message back into the inbox, where it waits as before."""
    locked = _take(inbound, by, InboundState.DISCARDED)
    InboundMail.objects.filter(pk=locked.pk).update(state=InboundState.INBOX, handled_at=None, handled_by=None)


def purge_discarded(now: dt.datetime | None = None) -> int:
    """Removes messages discarded more than DISCARD_KEPT_DAYS ago, with their raw files (after the
    commit, so a rolled-back purge keeps them). Safe to run any number of times."""
    with transaction.atomic():
        old = InboundMail.objects.filter(state=InboundState.DISCARDED, handled_at__lt=discard_cutoff(now))
        names = [name for name in old.values_list("raw", flat=True) if name]
        _total, per_model = old.delete()
        transaction.on_commit(lambda: _delete_files(names))
    return per_model.get(InboundMail._meta.label, 0)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not remove the raw message %s", name)
