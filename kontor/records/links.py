"""What a deal or a project links to besides itself (a company, people, colleagues): the checks
those links must pass, and the snapshot of them that an update's activity diff compares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership, User
from kontor.contacts.models import Company, Person
from kontor.history import activity
from kontor.records.actions import KEEP

if TYPE_CHECKING:
    from kontor.deals.models import Deal
    from kontor.projects.models import Project


def check_links(by: Membership, company: Company | None, people: Iterable[Person] | None,
                 colleagues: Iterable[User] | None) -> None:
    """Everything a deal or project points at must belong to the same account; a company must
    also be alive, and colleagues active members of the team."""
    if company is not None and (company.account_id != by.account.pk or company.record.deleted_at):
        raise ValidationError({"company": _("Unknown company.")})
    if people is not None and any(p.account_id != by.account.pk for p in people):
        raise ValidationError({"people": _("Unknown person.")})
    if colleagues is not None:
        team = set(Membership.objects.active().filter(account=by.account).values_list("user_id", flat=True))
        if any(user.pk not in team for user in colleagues):
            raise ValidationError({"colleagues": _("Only active colleagues of this team can be involved.")})


def change_snapshot(obj: Deal | Project, fields: tuple[str, ...], *, company: Any, people: Any, colleagues: Any,
                    tags: Any, responsible: Any) -> dict[str, Any]:
    """What an update of a deal or a project changes, before or after it, for the activity's field
    diff: its own fields, and whatever of responsible user, tags, company, people and colleagues
    the update sets (the arguments as update_deal takes them: KEEP or None leave a thing alone)."""
    found = {**activity.snapshot(obj, fields),
             **activity.record_snapshot(obj.record, responsible=responsible is not KEEP, tags=tags is not None)}
    if company is not KEEP:
        found["company"] = obj.company.name if obj.company else ""
    # order_by: a fresh read, never a prefetch cache that still holds the old people
    if people is not None:
        found["people"] = activity.listed(person.full_name for person in obj.people.order_by("sort_name"))
    if colleagues is not None:
        found["colleagues"] = activity.listed(user.name for user in obj.colleagues.order_by("name"))
    return found
