"""The storage quota of an account (settings.KONTOR_STORAGE_QUOTA, off when 0): what its stored
bytes add up to, and the check the file-storing actions make before they store anything.

Counted are the attached files and the raw e-mails. A deleted file stops counting at once, so
deleting makes room (its bytes stay for the undo until the daily purge, a small overshoot the
operator's disk sees for the trash's retention period). Previews and photos are small WebP images made by Kontor
and are not counted. Mail is never refused for the quota: the raw message is always kept, and
only its attachments wait (see store_received_files).

The check reads the usage, then the caller stores: two uploads at the same moment may together
overshoot the quota by one upload. That is the price of not locking the account on every upload."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kontor.accounts.models import Account
from kontor.files.models import Attachment


def quota_bytes() -> int | None:
    """The quota per account in bytes, or None when there is none."""
    return settings.KONTOR_STORAGE_QUOTA or None


def used_bytes(account: Account) -> int:
    from kontor.mail.models import InboundMail  # mail stores through files: imported late, no cycle

    files = Attachment.objects.filter(account=account, deleted_at__isnull=True)
    mail = InboundMail.objects.filter(account=account)
    return sum(rows.aggregate(total=Sum("size"))["total"] or 0 for rows in (files, mail))


@dataclass(frozen=True)
class Usage:
    used: int
    quota: int | None

    @property
    def is_full(self) -> bool:
        return self.quota is not None and self.used >= self.quota

    @property
    def percent(self) -> int:
        """How much of the quota is used, 0 to 100 (0 without a quota)."""
        if not self.quota:
            return 0
        return min(100, self.used * 100 // self.quota)


def usage(account: Account) -> Usage:
    return Usage(used=used_bytes(account), quota=quota_bytes())


class QuotaExceeded(ValidationError):
    """Storing more would take the account beyond its quota; the message says how full it is."""


def full_message(used: int, quota: int) -> str:
    return _("The account's storage is full: %(used)s of %(quota)s are used. Delete files that are no longer "
             "needed, or ask whoever runs Kontor for more room.") % {
        "used": filesizeformat(used), "quota": filesizeformat(quota)}


def check_room(account: Account, incoming: int) -> None:
    """Raises QuotaExceeded (code "quota") when `incoming` more bytes would not fit the quota."""
    quota = quota_bytes()
    if quota is None:
        return
    used = used_bytes(account)
    if used + incoming > quota:
        raise QuotaExceeded(full_message(used, quota), code="quota")


def room_left(account: Account) -> int | None:
    """Bytes the account may still store, or None without a quota."""
    quota = quota_bytes()
    return None if quota is None else max(0, quota - used_bytes(account))
