"""The change of a deal or a project, in the steps both kinds share (links.py has the steps of
their links; this is the update built from them). Callers hold the transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from kontor.accounts.models import Membership, User
from kontor.contacts.models import Company, Person
from kontor.history import activity
from kontor.history.models import ActivityVerb
from kontor.records import actions as record_actions
from kontor.records.actions import KEEP
from kontor.records.links import change_snapshot, check_links, save_changes

if TYPE_CHECKING:
    from kontor.deals.models import Deal
    from kontor.projects.models import Project

T = TypeVar("T")


def update_linked(obj: Deal | Project, by: Membership, own_fields: tuple[str, ...], apply: Callable[[], None], *,
                  version: int | None, company: Company | None, people: Sequence[Person] | None,
                  colleagues: Sequence[User] | None, tags: Iterable[str] | None, responsible: Any,
                  then: Callable[[], T] | None = None) -> T | None:
    """Changes a deal or a project if it is still at `version` (None skips the check). Relations
    left at KEEP or None stay as they are; `company=None` or `responsible=None` clears them.

    1. The snapshot of what may change, for the activity's field diff.
    2. `apply()` sets and checks the kind's own fields: their errors come first.
    3. The links are checked; then `then()` runs (a deal's stage), and what it returns is returned.
    4. The version is bumped; the object, its record and its links are saved.
    5. One "changed" activity with the diff.
    The caller then indexes the object and tells the webhooks."""
    changing: dict[str, Any] = {"company": company, "people": people, "colleagues": colleagues,
                                "tags": tags, "responsible": responsible}
    before = change_snapshot(obj, own_fields, **changing)
    apply()
    check_links(by, None if company is KEEP else company, people, colleagues)
    result = then() if then is not None else None
    record_actions.bump_version(obj.record, by, version)
    save_changes(obj, **changing)
    activity.record_activity(by, ActivityVerb.CHANGED, obj.record,
                             changes=activity.field_diff(before, change_snapshot(obj, own_fields, **changing)))
    return result
