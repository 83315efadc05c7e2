"""Roles and what each may do. One table of abilities, read by pages and API alike.

    owner  everything, including deleting the account, handing over ownership and downloading
           all of the account's data
    admin  everything else: users, tags, imports, bulk delete, emptying the trash
    power  create, edit and delete records (bulk delete at most 10), confidential entries,
           exporting lists (CSV, Excel, vCard)
    member create and edit records; no delete, no confidential entries; exports single vCards only
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Administrator")
    POWER = "power", _("Power user")
    MEMBER = "member", _("Member")


RANK = {Role.MEMBER: 0, Role.POWER: 1, Role.ADMIN: 2, Role.OWNER: 3}


def at_least(role: str, minimum: str) -> bool:
    return RANK[Role(role)] >= RANK[Role(minimum)]


def can_delete_records(role: str) -> bool:
    return at_least(role, Role.POWER)


def can_read_confidential(role: str) -> bool:
    return at_least(role, Role.POWER)


def can_manage_team(role: str) -> bool:
    return at_least(role, Role.ADMIN)


def can_manage_tags(role: str) -> bool:
    return at_least(role, Role.ADMIN)


def can_empty_trash(role: str) -> bool:
    return at_least(role, Role.ADMIN)


def can_bulk_export(role: str) -> bool:
    """Exporting whole lists (CSV, Excel, vCard) is for power users and up, as in CentralStationCRM:
    a member may take one vCard at a time, not walk off with the address book."""
    return at_least(role, Role.POWER)


def can_download_account(role: str) -> bool:
    """All of the account's data with its files in one zip: the owner's alone."""
    return role == Role.OWNER


def can_import(role: str) -> bool:
    """Imports of whole files; members may still import a single vCard (see transfer.actions)."""
    return at_least(role, Role.POWER)


def bulk_delete_limit(role: str) -> int | None:
    """How many records one bulk delete may remove; None means no limit, 0 means none."""
    if at_least(role, Role.ADMIN):
        return None
    return 10 if role == Role.POWER else 0
