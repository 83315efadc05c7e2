"""Changing a filed e-mail afterwards: the records it belongs to, and whether it is confidential.

The message itself (its text, headers and raw file) never changes once filed; only where it sits
and who may read it. Moving it is an ordinary edit (anyone who can read it); marking it
confidential or open again takes a power user, as for notes. Deleting goes through
history.actions.delete_note, with its rights (its author, the colleague who wrote it, and
administrators)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.history.models import Entry, EntryKind, EntryLink
from kontor.records import actions as record_actions
from kontor.records.models import Record
from kontor.search import index as search_index


def _email(entry: Entry, by: Membership) -> None:
    if entry.account_id != by.account.pk or entry.kind != EntryKind.EMAIL:
        raise PermissionDenied
    if entry.confidential and not roles.can_read_confidential(by.role):
        raise PermissionDenied


@transaction.atomic
def set_email_records(entry: Entry, records: Sequence[Record], by: Membership) -> Entry:
    """Makes the e-mail belong to exactly these records (at least one, all live, of the account).
    Links to records in the trash stay: they come back with a restored record, which is not
    something a move from elsewhere should undo. The mover follows the records it added."""
    _email(entry, by)
    wanted = {record.pk: record for record in records}
    if not wanted:
        raise ValidationError({"records": _("An e-mail belongs to at least one record.")})
    if any(record.account_id != by.account.pk for record in wanted.values()):
        raise PermissionDenied
    if any(record.deleted_at is not None for record in wanted.values()):
        raise ValidationError({"records": _("A record in the trash cannot receive e-mails.")})
    links = EntryLink.objects.filter(entry=entry)
    current = set(links.values_list("record_id", flat=True))
    live_current = set(links.filter(record__deleted_at__isnull=True).values_list("record_id", flat=True))
    added = [record for pk, record in wanted.items() if pk not in current]
    links.filter(record_id__in=live_current - wanted.keys()).delete()
    EntryLink.objects.bulk_create([EntryLink(entry=entry, record=record, happened_at=entry.happened_at)
                                   for record in added])
    for record in added:
        record_actions.watch(record, by.user)
    if added or live_current - wanted.keys():
        Record.objects.filter(pk__in=[*wanted, *live_current]).update(updated_at=timezone.now())
        search_index.index_entries([entry.pk])
    return entry


@transaction.atomic
def set_email_confidential(entry: Entry, confidential: bool, by: Membership) -> Entry:
    """Marks the e-mail confidential (only power users and above read it then) or open again."""
    _email(entry, by)
    if not roles.can_read_confidential(by.role):
        raise PermissionDenied(_("Your role does not allow confidential e-mails."))
    if entry.confidential != confidential:
        Entry.objects.filter(pk=entry.pk).update(confidential=confidential, updated_at=timezone.now())
        entry.confidential = confidential
        search_index.index_entries([entry.pk])
    return entry
