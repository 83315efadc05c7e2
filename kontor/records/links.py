"""What a deal or a project links to besides itself (a company, people, colleagues): the checks
those links must pass, the snapshot of them that an update's activity diff compares, and the
steps that creating or changing either kind shares. Callers hold the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership, User
from kontor.contacts.models import Company, Person
from kontor.history import activity
from kontor.history.models import ActivityVerb
from kontor.records import actions as record_actions
from kontor.records.actions import KEEP
from kontor.search import index as search_index
from kontor.webhooks import actions as webhooks

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


def set_links(obj: Deal | Project, people: Sequence[Person] | None, colleagues: Sequence[User] | None) -> None:
    """Sets the people and colleagues of a deal or project; None leaves them as they are."""
    if people is not None:
        obj.people.set(people)
    if colleagues is not None:
        obj.colleagues.set(colleagues)


def save_new(by: Membership, obj: Deal | Project, kind: str, *, company: Company | None,
             people: Sequence[Person], colleagues: Sequence[User], tags: Iterable[str],
             responsible: User | None) -> None:
    """Saves a new deal or project whose own fields are set and whose links are checked: its
    record, company, people, colleagues and tags, its search entry, the activity and the webhook."""
    obj.company = company
    obj.record = record_actions.create_record(by, kind, obj.name, responsible)
    obj.save()
    set_links(obj, people, colleagues)
    if tags:
        record_actions.set_tags(obj.record, tags)
    search_index.index(obj)
    activity.record_activity(by, ActivityVerb.CREATED, obj.record)
    webhooks.emit(by.account, f"{kind}.created", obj)


def save_changes(obj: Deal | Project, *, company: Any, people: Sequence[Person] | None,
                 colleagues: Sequence[User] | None, tags: Iterable[str] | None, responsible: Any) -> None:
    """Saves a changed deal or project (its version already bumped) with whatever of company,
    people, colleagues, tags and responsible user the update sets (KEEP or None leave them)."""
    if company is not KEEP:
        obj.company = company
    obj.save()
    record_actions.save_record_header(obj.record, obj.name, responsible)
    set_links(obj, people, colleagues)
    if tags is not None:
        record_actions.set_tags(obj.record, tags)
