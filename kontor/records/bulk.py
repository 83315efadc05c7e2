"""Bulk actions on the People, Companies, Deals, Projects and Tasks lists, written once for all five.

A bulk action is a kind, a selection, an action and its arguments:

1. The selection becomes the ids of the kind's live objects in the account: the ids given (those
   of another account, in the trash or unknown drop out silently, as a 404 would not say which)
   or every object the list's filters select (the list's query string, as the page has it).
2. The arguments are checked and the role is asked before anything is written: a refused action
   (a power user deleting 11 records) raises PermissionDenied and changes nothing.
3. Up to INLINE_LIMIT objects the action runs within the request. More go to a BulkJob that a
   background job runs (kontor/records/jobs.py) while the page shows its state.
4. Either way the action runs in one transaction, all or nothing, with set-based writes (a few
   queries per thousand objects, not a few per object), and writes one activity line for the
   whole rather than one per record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kontor.accounts import roles
from kontor.accounts.models import Membership, User
from kontor.history import activity
from kontor.history.models import ActivityVerb, Comment, EntryLink
from kontor.records import tag_counts as counters
from kontor.records.access import access_colleague
from kontor.records.actions import TagNameError, get_or_create_tags, normalize_tag_name
from kontor.records.models import BulkJob, BulkState, ListKind, Record, RecordTag, Tag, Watch
from kontor.search import index as search_index
from kontor.search.models import Document, DocumentKind
from kontor.webhooks import actions as webhooks

# Above this many objects a bulk action runs as a background job.
INLINE_LIMIT = 500
# The most one bulk action takes on (the lists' own paging stops at 10,000 rows).
MAX_OBJECTS = 50_000
MAX_TAGS = 20
# Ids per IN (...) list: well below SQLite's limit of 32,766 parameters.
CHUNK = 5_000

RECORD_ACTIONS = ("add_tags", "remove_tags", "set_responsible", "follow", "unfollow", "delete")
TASK_ACTIONS = ("done", "postpone", "assign")
ACTION_LABELS = {
    "add_tags": gettext_lazy("Add tags"), "remove_tags": gettext_lazy("Remove tags"),
    "set_responsible": gettext_lazy("Set responsible"), "follow": gettext_lazy("Follow"),
    "unfollow": gettext_lazy("Unfollow"), "delete": gettext_lazy("Move to the trash"),
    "done": gettext_lazy("Mark done"), "postpone": gettext_lazy("Postpone"),
    "assign": gettext_lazy("Reassign"),
}


@dataclass(frozen=True)
class BulkKind:
    """One list that bulk actions work on: its kind, its model and how its filters select."""

    kind: str
    resource: str  # the list's path and API resource: people, companies, deals, projects, tasks
    actions: tuple[str, ...]
    select: Callable[[Membership, Mapping], QuerySet[Any]]

    def objects(self, by: Membership) -> QuerySet[Any]:
        """The kind's live objects in the membership's account."""
        return _live(by, self.kind)

    def noun(self, count: int) -> str:
        return NOUNS[self.kind](count)


def _select_people(by: Membership, query: Mapping) -> QuerySet[Any]:
    from kontor.contacts.queries import ListFilters

    return ListFilters.from_query(query, current_user_id=by.user.pk).apply(by.account, ListKind.PERSON)


def _select_companies(by: Membership, query: Mapping) -> QuerySet[Any]:
    from kontor.contacts.queries import ListFilters

    return ListFilters.from_query(query, current_user_id=by.user.pk).apply(by.account, ListKind.COMPANY)


def _select_deals(by: Membership, query: Mapping) -> QuerySet[Any]:
    from kontor.deals.queries import DealFilters

    return DealFilters.from_query(query, current_user_id=by.user.pk).apply(by.account)


def _select_projects(by: Membership, query: Mapping) -> QuerySet[Any]:
    from kontor.projects.queries import ProjectFilters

    return ProjectFilters.from_query(query, current_user_id=by.user.pk).apply(by.account)


def _select_tasks(by: Membership, query: Mapping) -> QuerySet[Any]:
    from kontor.tasks import queries

    filters = queries.TaskFilters.from_query(by, query)
    return queries.filtered_tasks(by, filters, queries.today_for(by, timezone.now()))


def _live(by: Membership, kind: str) -> QuerySet[Any]:
    from kontor.contacts.models import Company, Person
    from kontor.deals.models import Deal
    from kontor.projects.models import Project
    from kontor.tasks.models import Task

    if ListKind(kind) == ListKind.TASK:
        return Task.objects.visible_in(by.account)
    records: dict[str, type[Person] | type[Company] | type[Deal] | type[Project]] = {
        ListKind.PERSON: Person, ListKind.COMPANY: Company, ListKind.DEAL: Deal, ListKind.PROJECT: Project}
    return records[kind].objects.filter(account=by.account, record__deleted_at__isnull=True)


NOUNS: dict[str, Callable[[int], str]] = {
    ListKind.PERSON: lambda n: ngettext("%(count)s person", "%(count)s people", n) % {"count": n},
    ListKind.COMPANY: lambda n: ngettext("%(count)s company", "%(count)s companies", n) % {"count": n},
    ListKind.DEAL: lambda n: ngettext("%(count)s deal", "%(count)s deals", n) % {"count": n},
    ListKind.PROJECT: lambda n: ngettext("%(count)s project", "%(count)s projects", n) % {"count": n},
    ListKind.TASK: lambda n: ngettext("%(count)s task", "%(count)s tasks", n) % {"count": n},
}

KINDS: dict[str, BulkKind] = {
    "people": BulkKind(ListKind.PERSON, "people", RECORD_ACTIONS, _select_people),
    "companies": BulkKind(ListKind.COMPANY, "companies", RECORD_ACTIONS, _select_companies),
    "deals": BulkKind(ListKind.DEAL, "deals", RECORD_ACTIONS, _select_deals),
    "projects": BulkKind(ListKind.PROJECT, "projects", RECORD_ACTIONS, _select_projects),
    "tasks": BulkKind(ListKind.TASK, "tasks", TASK_ACTIONS, _select_tasks),
}
KIND_BY_NAME = {bulk_kind.kind: bulk_kind for bulk_kind in KINDS.values()}


# -- selecting -----------------------------------------------------------------------------------------------

def selected_ids(by: Membership, bulk_kind: BulkKind, *, ids: Sequence[object] | None = None,
                 query: Mapping | None = None) -> list[int]:
    """The ids of the kind's live objects in the account that the selection names (see the module
    docstring, step 1), in the list's order for a filter, at most MAX_OBJECTS."""
    if ids is not None:
        wanted = sorted({number for number in (_as_id(value) for value in ids) if number is not None})
        found: list[int] = []
        for chunk in _chunks(wanted[:MAX_OBJECTS]):
            found += bulk_kind.objects(by).filter(pk__in=chunk).values_list("pk", flat=True)
        return sorted(found)
    selection = bulk_kind.select(by, query or {})
    return list(selection.values_list("pk", flat=True)[:MAX_OBJECTS])


def _as_id(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


# -- checking ------------------------------------------------------------------------------------------------

def clean_arguments(by: Membership, bulk_kind: BulkKind, action: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The action's arguments, checked: {"tags": [...]}, {"user_id": n} or {"days": n}. Raises
    ValidationError keyed by argument for what does not fit."""
    if action not in bulk_kind.actions:
        raise ValidationError({"action": _("Choose one of: %(actions)s.") % {"actions": ", ".join(bulk_kind.actions)}})
    if action in ("add_tags", "remove_tags"):
        return {"tags": _clean_tags(arguments.get("tags"))}
    if action in ("set_responsible", "assign"):
        return {"user_id": _clean_colleague(by, arguments.get("user_id"))}
    if action == "postpone":
        from kontor.tasks.actions import MAX_POSTPONE_DAYS

        days = arguments.get("days")
        if isinstance(days, str) and days.strip().isdigit():
            days = int(days)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_POSTPONE_DAYS:
            raise ValidationError({"days": _("Postpone by 1 to %(max)s days.") % {"max": MAX_POSTPONE_DAYS}})
        return {"days": days}
    return {}


def _clean_tags(value: object) -> list[str]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not all(isinstance(name, str) for name in names):
        raise ValidationError({"tags": _("Name at least one tag.")})
    try:
        cleaned = list(dict.fromkeys(normalize_tag_name(name) for name in names if name.strip()))
    except TagNameError as error:
        raise ValidationError({"tags": str(error)}) from error
    if not cleaned:
        raise ValidationError({"tags": _("Name at least one tag.")})
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(count)s tags at a time.") % {"count": MAX_TAGS}})
    return cleaned


def _clean_colleague(by: Membership, value: object) -> int:
    user_id = _as_id(value)
    try:
        colleague = access_colleague(by, user_id) if user_id is not None else None
    except Http404:
        colleague = None
    if colleague is None:
        raise ValidationError({"user_id": _("Choose an active colleague.")})
    return colleague.user_id


def check_allowed(by: Membership, action: str, count: int) -> None:
    """Raises PermissionDenied when the role may not do this to `count` objects at once."""
    if action != "delete":
        return
    limit = roles.bulk_delete_limit(by.role)
    if limit == 0:
        raise PermissionDenied(_("Your role does not allow deleting records."))
    if limit is not None and count > limit:
        raise PermissionDenied(_("Your role may move at most %(limit)s records to the trash at a time; "
                                 "an administrator can move more.") % {"limit": limit})


# -- running -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What a bulk action did: run at once (`count` objects), or queued as `job`."""

    count: int
    job: BulkJob | None = None


def start(by: Membership, bulk_kind: BulkKind, action: str, arguments: Mapping[str, Any], ids: Sequence[int],
          back_url: str = "") -> Outcome:
    """Checks and runs a bulk action on these ids (already selected), at once or as a job."""
    cleaned = clean_arguments(by, bulk_kind, action, arguments)
    check_allowed(by, action, len(ids))
    if len(ids) <= INLINE_LIMIT:
        return Outcome(run(by, bulk_kind, action, cleaned, ids))
    job = BulkJob.objects.create(account=by.account, created_by=by.user, kind=bulk_kind.kind, action=action,
                                 arguments=cleaned, object_ids=list(ids), total=len(ids), back_url=back_url[:2000])
    from kontor.records import jobs

    transaction.on_commit(lambda: jobs.run_bulk_job(job.pk))
    return Outcome(len(ids), job)


@transaction.atomic
def run(by: Membership, bulk_kind: BulkKind, action: str, arguments: Mapping[str, Any], ids: Sequence[int]) -> int:
    """Does the action to the objects, all or nothing, and writes one activity line. The role is
    asked again here, so that a job queued before a demotion does not outlive it."""
    check_allowed(by, action, len(ids))
    # Read again inside the transaction: what went to the trash meanwhile is left alone.
    ids = [pk for chunk in _chunks(sorted(ids)) for pk in bulk_kind.objects(by).filter(pk__in=chunk)
           .values_list("pk", flat=True)]
    if not ids:
        return 0
    WRITERS[action](by, bulk_kind.kind, ids, arguments)
    activity.record_activity(by, ActivityVerb.CHANGED, None, summary=bulk_kind.noun(len(ids)),
                             changes={"bulk": [bulk_kind.kind, action], "count": [0, len(ids)],
                                      **_described(by, arguments)})
    return len(ids)


def _described(by: Membership, arguments: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The arguments as the activity line keeps them (names, not ids)."""
    described: dict[str, list[Any]] = {}
    if "tags" in arguments:
        described["tags"] = ["", ", ".join(arguments["tags"])]
    if "user_id" in arguments:
        user = User.objects.filter(pk=arguments["user_id"]).first()
        described["user"] = ["", user.name if user else ""]
    if "days" in arguments:
        described["days"] = [0, arguments["days"]]
    return described


def run_job(job_id: int) -> None:
    """Runs a queued BulkJob (idempotent: a job that is not waiting any more is left alone)."""
    if not BulkJob.objects.filter(pk=job_id, state=BulkState.QUEUED).update(state=BulkState.RUNNING):
        return
    job = BulkJob.objects.select_related("account").get(pk=job_id)
    by = Membership.objects.active().filter(account=job.account, user_id=job.created_by_id).first()
    try:
        if by is None:
            raise PermissionDenied(_("You are no longer a member of this team."))
        run(by, KIND_BY_NAME[job.kind], job.action, job.arguments, job.object_ids)
    except (PermissionDenied, ValidationError) as error:
        _finish(job, BulkState.FAILED, " ".join(getattr(error, "messages", [str(error)])))
    except Exception:
        _finish(job, BulkState.FAILED, _("Something went wrong; nothing was changed."))
        raise
    else:
        _finish(job, BulkState.DONE)


def _finish(job: BulkJob, state: str, error: str = "") -> None:
    BulkJob.objects.filter(pk=job.pk).update(state=state, error=error[:500], finished_at=timezone.now())


# -- the writers: set-based, a few queries per CHUNK ids -----------------------------------------------------

def _touch(by: Membership, ids: Sequence[int], **changes: Any) -> None:
    for chunk in _chunks(ids):
        Record.objects.filter(pk__in=chunk).update(updated_at=timezone.now(), updated_by=by.user, **changes)


def _add_tags(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    """Tags every record with every named tag; the counters grow by the taggings that are new."""
    for tag in get_or_create_tags(by.account, arguments["tags"]):
        added = 0
        for chunk in _chunks(ids):
            carrying = set(RecordTag.objects.filter(tag=tag, record_id__in=chunk).values_list("record_id", flat=True))
            new = [RecordTag(record_id=pk, tag=tag) for pk in chunk if pk not in carrying]
            RecordTag.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
            added += len(new)
        counters.adjust_many([(kind, tag.pk)] * added, +1)
    _touch(by, ids)


def _remove_tags(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    wanted = {name.lower() for name in arguments["tags"]}
    for tag in [tag for tag in Tag.objects.filter(account=by.account) if tag.name.lower() in wanted]:
        removed = sum(RecordTag.objects.filter(tag=tag, record_id__in=chunk).delete()[0] for chunk in _chunks(ids))
        counters.adjust_many([(kind, tag.pk)] * removed, -1)
    _touch(by, ids)


def _set_responsible(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    _touch(by, ids, responsible_id=arguments["user_id"], version=F("version") + 1)


def _follow(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    now = timezone.now()
    Watch.objects.bulk_create([Watch(record_id=pk, user=by.user, created_at=now) for pk in ids],
                              batch_size=1000, ignore_conflicts=True)


def _unfollow(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    for chunk in _chunks(ids):
        Watch.objects.filter(record_id__in=chunk, user=by.user).delete()


def _delete(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    """Moves the records to the trash, as trash_record does one at a time: counters, search
    index (the records, their tasks, notes and comments), webhooks."""
    from kontor.tasks.models import Task

    now = timezone.now()
    for chunk in _chunks(ids):
        taggings = RecordTag.objects.filter(record_id__in=chunk).values_list("tag_id", flat=True)
        counters.adjust_many([(kind, tag_id) for tag_id in taggings], -1)
        Record.objects.filter(pk__in=chunk, deleted_at__isnull=True).update(
            deleted_at=now, deleted_by=by.user, version=F("version") + 1)
        # The records' own documents keep their text and are only hidden (a restore finds them
        # again); their tasks' likewise; notes and comments are written anew, since a note stays
        # found while one of its records is alive.
        Document.objects.filter(kind=kind, object_id__in=chunk).update(is_hidden=True)
        Document.objects.filter(kind=DocumentKind.TASK, record_id__in=chunk).update(is_hidden=True)
        search_index.index_entries(EntryLink.objects.filter(record_id__in=chunk).values_list("entry_id", flat=True))
        search_index.index_objects(Comment, Comment.objects.filter(task__in=Task.objects.filter(record_id__in=chunk))
                                   .values_list("pk", flat=True))
        webhooks.emit(by.account, f"{kind}.deleted", list(Record.objects.filter(pk__in=chunk)))


def _done(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    from kontor.tasks.models import Task

    now = timezone.now()
    for chunk in _chunks(ids):
        Task.objects.filter(pk__in=chunk, done_at__isnull=True).update(
            done_at=now, done_by=by.user, updated_at=now, version=F("version") + 1)
        search_index.index_objects(Task, chunk)


def _postpone(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    """Each task `days` later by the single task's rule (kontor.tasks.actions.postponed), in its
    assignee's time zone."""
    from kontor.tasks.actions import postponed
    from kontor.tasks.models import Task, zone_of

    now = timezone.now()
    for chunk in _chunks(ids):
        tasks = list(Task.objects.filter(pk__in=chunk).select_related("assignee"))
        for task in tasks:
            today = timezone.localdate(now, timezone=zone_of(task.assignee.time_zone))
            task.due_date = postponed(task.due_date, arguments["days"], today)
            task.version += 1
            task.updated_at = now
        Task.objects.bulk_update(tasks, ["due_date", "version", "updated_at"], batch_size=1000)
        search_index.index_objects(Task, chunk)


def _assign(by: Membership, kind: str, ids: Sequence[int], arguments: Mapping[str, Any]) -> None:
    """Gives the tasks to a colleague, who hears of each task that was someone else's, as of a
    single reassignment (urgent ones at once, the others in the hourly batch)."""
    from kontor.notifications import actions as notification_actions
    from kontor.tasks.models import Task

    now = timezone.now()
    for chunk in _chunks(ids):
        changed = list(Task.objects.filter(pk__in=chunk).exclude(assignee_id=arguments["user_id"])
                       .values_list("pk", flat=True))
        Task.objects.filter(pk__in=chunk).update(assignee_id=arguments["user_id"], updated_at=now,
                                                 version=F("version") + 1)
        search_index.index_objects(Task, chunk)
        for task in Task.objects.filter(pk__in=changed).select_related("assignee", "record"):
            notification_actions.notify_assignment(task, by, now)


WRITERS: dict[str, Callable[[Membership, str, Sequence[int], Mapping[str, Any]], None]] = {
    "add_tags": _add_tags, "remove_tags": _remove_tags, "set_responsible": _set_responsible,
    "follow": _follow, "unfollow": _unfollow, "delete": _delete,
    "done": _done, "postpone": _postpone, "assign": _assign,
}


# -- the activity line ---------------------------------------------------------------------------------------

TEXTS = {
    "add_tags": gettext_lazy("%(actor)s tagged %(objects)s with %(tags)s."),
    "remove_tags": gettext_lazy("%(actor)s removed the tags %(tags)s from %(objects)s."),
    "set_responsible": gettext_lazy("%(actor)s made %(user)s responsible for %(objects)s."),
    "follow": gettext_lazy("%(actor)s now follows %(objects)s."),
    "unfollow": gettext_lazy("%(actor)s no longer follows %(objects)s."),
    "delete": gettext_lazy("%(actor)s moved %(objects)s to the trash."),
    "done": gettext_lazy("%(actor)s completed %(objects)s."),
    "postpone": gettext_lazy("%(actor)s postponed %(objects)s by %(days)s days."),
    "assign": gettext_lazy("%(actor)s assigned %(objects)s to %(user)s."),
}


def describe(changes: Mapping[str, Any], actor: str) -> str:
    """The one activity line of a bulk action, in the reader's language ("Alice tagged 40 people
    with Messe 2027."), from what run() stored: {"bulk": [kind, action], "count": [0, n], ...}."""
    kind, action = changes["bulk"]
    count = int(changes.get("count", [0, 0])[1])
    noun = NOUNS.get(kind, NOUNS[ListKind.PERSON])(count)
    values = {"actor": actor, "objects": noun, "tags": changes.get("tags", ["", ""])[1],
              "user": changes.get("user", ["", ""])[1], "days": changes.get("days", [0, 0])[1]}
    return str(TEXTS.get(action, TEXTS["follow"])) % values
