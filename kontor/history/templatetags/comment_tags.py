"""Template helpers for comments and activity lines in the timelines, and for the note box's
list of followers to notify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, Field, Model, Prefetch, TimeField, prefetch_related_objects
from django.utils import formats
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kontor.accounts.models import Membership
from kontor.accounts.queries import Colleague
from kontor.accounts.requests import request_of
from kontor.contacts.models import Company, Person
from kontor.deals.models import Deal, Stage
from kontor.history import actions
from kontor.history.models import Activity, ActivityVerb, Comment, Entry
from kontor.history.templatetags.history_tags import engine_of
from kontor.lib.stamped import stamped
from kontor.notifications import actions as notification_actions
from kontor.notifications.templatetags.notifications_tags import watcher_ids
from kontor.projects.models import Project, ProjectStatus
from kontor.records.models import Kind, Record
from kontor.tasks.models import Task

register = template.Library()


COMMENTS = Prefetch("comments", queryset=Comment.objects.select_related("author").order_by("created_at", "pk"))


@register.simple_tag(takes_context=True)
def entry_comments(context: template.Context, entry: Entry, record: Record) -> SafeString:
    """`{% entry_comments entry record %}`: the comments under an entry and the link to add one
    (history/_comments.html). An entry without comments (most of them) gets a copy of one such
    block rendered once per page (kontor/lib/stamped.py)."""
    if is_commented(entry) or context.get("comment_form_open") or context.get("comment_error"):
        with context.push(entry=entry, record=record):
            return SafeString(engine_of(context).get_template("history/_comments.html").render(context))
    return stamped(request_of(context), ("entry_comments", record.pk), uncommented_render(context, record), entry.pk)


def uncommented_render(context: template.Context, record: Record) -> Callable[[int], str]:
    """The comments block of an entry without comments on `record`, for an entry's id."""
    comments = engine_of(context).get_template("history/_comments.html")

    def render(entry_pk: int) -> str:
        uncommented = SimpleNamespace(pk=entry_pk, comments=SimpleNamespace(all=list))
        return comments.render(context.new({"entry": uncommented, "record": record}))

    return render


def is_commented(entry: Entry) -> bool:
    """Whether the entry has comments: known from timeline_items, else asked of its comments."""
    commented = getattr(entry, "is_commented", None)
    return bool(entry.comments.all()) if commented is None else commented


@register.filter
def timeline_items(entries: list[Entry]) -> list[Entry | Activity]:
    """The page's entries, merged with the page's activity lines (TimelinePage.activities) newest
    first. Each entry learns whether it has comments (`is_commented`) in one query of their ids; the
    few that have are given them (prefetched), the others need none."""
    items: list[Entry | Activity] = list(entries)
    if items and "comments" not in getattr(items[0], "_prefetched_objects_cache", {}):
        if hasattr(items[0], "is_commented"):  # annotated by queries.timeline
            commented = {entry.pk for entry in items if entry.is_commented}  # type: ignore[union-attr]
        else:
            commented = set(Comment.objects.filter(entry_id__in=[entry.pk for entry in items])
                            .values_list("entry_id", flat=True))
            for entry in items:
                entry.is_commented = entry.pk in commented  # type: ignore[union-attr]
        if commented:
            prefetch_related_objects([entry for entry in items if entry.pk in commented], COMMENTS)
    activities = getattr(entries, "activities", [])
    if not activities:
        return items
    return sorted([*items, *activities], reverse=True,
                  key=lambda item: item.created_at if isinstance(item, Activity) else item.happened_at)


@register.simple_tag(takes_context=True)
def colleagues_to_tick(context: template.Context) -> list[Membership]:
    """Active colleagues (without the viewer) for the "notify" ticks under comments; fetched once
    per request however many entries the page shows."""
    membership = context.get("membership")
    if membership is None:
        return []
    cache = request_of(context).__dict__  # a per-request cache, as watcher_ids keeps one
    if "_kontor_colleagues" not in cache:
        cache["_kontor_colleagues"] = notification_actions.colleagues(membership)
    return cache["_kontor_colleagues"]


@register.simple_tag(takes_context=True)
def note_followers(context: template.Context, record: Record) -> list[Colleague]:
    """The colleagues who follow the record, as (id, name) rows: the note box lists them, ticked.
    Without a follower other than the viewer (most records) the colleagues need not be read."""
    following = watcher_ids(context["request"], record)
    membership = context.get("membership")
    if not following or (membership is not None and following == {membership.user_id}):
        return []
    return [Colleague.of(m) for m in colleagues_to_tick(context) if m.user_id in following]


@register.filter
def comment_deletable_by(comment: Comment, membership: Membership | None) -> bool:
    return membership is not None and actions.can_delete_comment(membership, comment)


# Diff keys that are no field of the kind's model: what every record has, and a contact's lists.
LABELS = {"responsible": gettext_lazy("responsible"), "tags": gettext_lazy("tags"),
          "contact_details": gettext_lazy("contact details"), "addresses": gettext_lazy("addresses"),
          "positions": gettext_lazy("positions"), "assistants": gettext_lazy("assistants"),
          "dates": gettext_lazy("important dates")}


def _field(record: Record | None, name: str, task: bool = False) -> Field | None:
    """The model field a diff key names: a task's for lines about tasks, else the record kind's."""
    models: dict[str, type[Model]] = {Kind.PERSON: Person, Kind.COMPANY: Company, Kind.DEAL: Deal,
                                      Kind.PROJECT: Project}
    model = Task if task else models.get(record.kind) if record else None
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A diff key names a concrete field; a list's key may name a reverse relation, which has no
    # label or choices of its own.
    return field if isinstance(field, Field) else None


def _label(field: Field | None, name: str) -> str:
    if name in LABELS:
        return str(LABELS[name])
    return str(getattr(field, "verbose_name", name)) if field else name


def _value(field: Field | None, value: object) -> str:
    """A diff value as the pages show it: a choice by its label (“Call”, not “call”), a date or a
    time in the reader's format (not 2026-12-04), nothing as –."""
    if value in (None, ""):
        return "–"
    if isinstance(field, DateField) and isinstance(value, str):
        try:
            return formats.date_format(dt.date.fromisoformat(value[:10]), "DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(field, TimeField) and isinstance(value, str):
        try:
            return formats.time_format(dt.time.fromisoformat(value), "TIME_FORMAT")
        except ValueError:
            return value
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    return str(choices.get(value, value))


# Diff keys whose values are lists joined into one text (activity.listed, activity.tag_names): a
# change reads as what was added and what was removed, not as the whole list before and after.
LIST_SEPARATORS = {"people": "; ", "colleagues": "; ", "contact_details": "; ", "addresses": "; ",
                   "positions": "; ", "assistants": "; ", "dates": "; ", "tags": ", "}
LIST_TEXTS: dict[str, tuple[Callable[[int], str], Callable[[int], str]]] = {
    "people": (lambda n: ngettext("Contact added: %(items)s", "Contacts added: %(items)s", n),
               lambda n: ngettext("Contact removed: %(items)s", "Contacts removed: %(items)s", n)),
    "colleagues": (lambda n: ngettext("Colleague added: %(items)s", "Colleagues added: %(items)s", n),
                   lambda n: ngettext("Colleague removed: %(items)s", "Colleagues removed: %(items)s", n)),
    "tags": (lambda n: ngettext("Tag added: %(items)s", "Tags added: %(items)s", n),
             lambda n: ngettext("Tag removed: %(items)s", "Tags removed: %(items)s", n)),
    "contact_details": (
        lambda n: ngettext("Contact detail added: %(items)s", "Contact details added: %(items)s", n),
        lambda n: ngettext("Contact detail removed: %(items)s", "Contact details removed: %(items)s", n)),
    "addresses": (lambda n: ngettext("Address added: %(items)s", "Addresses added: %(items)s", n),
                  lambda n: ngettext("Address removed: %(items)s", "Addresses removed: %(items)s", n)),
    "positions": (lambda n: ngettext("Position added: %(items)s", "Positions added: %(items)s", n),
                  lambda n: ngettext("Position removed: %(items)s", "Positions removed: %(items)s", n)),
    "assistants": (lambda n: ngettext("Assistant added: %(items)s", "Assistants added: %(items)s", n),
                   lambda n: ngettext("Assistant removed: %(items)s", "Assistants removed: %(items)s", n)),
    "dates": (lambda n: ngettext("Important date added: %(items)s", "Important dates added: %(items)s", n),
              lambda n: ngettext("Important date removed: %(items)s", "Important dates removed: %(items)s", n)),
}


def _items(name: str, value: object) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return [item for item in str(value).split(LIST_SEPARATORS[name]) if item]


def _list_change(name: str, old: object, new: object) -> list[str]:
    """["Contact added: Klaus Maier"] for a list that gained Klaus Maier, in the list's own order."""
    before, after = _items(name, old), _items(name, new)
    added = [item for item in after if item not in before]
    removed = [item for item in before if item not in after]
    added_text, removed_text = LIST_TEXTS[name]
    parts = []
    if added:
        parts.append(added_text(len(added)) % {"items": ", ".join(added)})
    if removed:
        parts.append(removed_text(len(removed)) % {"items": ", ".join(removed)})
    return parts


def _diff_text(activity: Activity, task: bool = False) -> str:
    parts = []
    for name, (old, new) in activity.changes.items():
        if name in LIST_TEXTS and not task:
            parts.extend(_list_change(name, old, new))
            continue
        field = _field(activity.record, name, task)
        parts.append(f"{_label(field, name)}: {_value(field, old)} → {_value(field, new)}")
    return "; ".join(parts)


def _task_changed_text(activity: Activity, names: dict[str, str]) -> str:
    """A task moved to another day reads as such ("… moved the task “Call back” to Dec. 11, 2026.");
    other changes name the fields in the reader's words."""
    changes = activity.changes
    if set(changes) == {"due_date"} and changes["due_date"][1]:
        day = _value(_field(None, "due_date", task=True), changes["due_date"][1])
        return _("%(actor)s moved the task “%(task)s” to %(day)s.") % {**names, "day": day}
    return str(TASK_TEXTS[ActivityVerb.TASK_CHANGED]) % {**names, "changes": _diff_text(activity, task=True)}


NOTE_DELETED_TEXTS: dict[str, Promise] = {
    "note": gettext_lazy("%(actor)s deleted a note: “%(text)s”"),
    "call": gettext_lazy("%(actor)s deleted the report of a call: “%(text)s”"),
    "meeting": gettext_lazy("%(actor)s deleted the report of a meeting: “%(text)s”"),
    "email": gettext_lazy("%(actor)s deleted an e-mail: “%(text)s”"),
}

TASK_TEXTS: dict[str, Promise] = {
    ActivityVerb.TASK_CREATED: gettext_lazy("%(actor)s created the task “%(task)s”."),
    ActivityVerb.TASK_CHANGED: gettext_lazy("%(actor)s changed the task “%(task)s”: %(changes)s"),
    ActivityVerb.TASK_DONE: gettext_lazy("%(actor)s completed the task “%(task)s”."),
    ActivityVerb.TASK_REOPENED: gettext_lazy("%(actor)s reopened the task “%(task)s”."),
    ActivityVerb.TASK_DELETED: gettext_lazy("%(actor)s deleted the task “%(task)s”."),
}


def _import_text(activity: Activity, actor: str) -> str:
    """"Alice imported 1,234 people from kontakte.xlsx." (one line for a whole import)."""
    changes = activity.changes
    file = activity.summary
    if activity.verb == ActivityVerb.IMPORT_UNDONE:
        return _("%(actor)s undid the import of %(file)s.") % {"actor": actor, "file": file}
    count = int(changes.get("created", 0))
    number = number_format(count, force_grouping=True)
    if changes.get("kind") == "companies":
        text = ngettext("%(actor)s imported %(count)s company from %(file)s.",
                        "%(actor)s imported %(count)s companies from %(file)s.", count)
    else:
        text = ngettext("%(actor)s imported %(count)s person from %(file)s.",
                        "%(actor)s imported %(count)s people from %(file)s.", count)
    return text % {"actor": actor, "count": number, "file": file}


def _state_label(record: Record | None, value: str) -> str:
    choices = dict(Stage.choices) if record and record.kind == Kind.DEAL else dict(ProjectStatus.choices)
    return str(choices.get(value, value))


def _user_name(activity: Activity, field: str) -> str | None:
    """The name of the line's actor or subject user: read along by activity.for_record
    (`actor_name`), else from the user."""
    name = getattr(activity, f"{field}_name", _NOT_READ)
    if name is not _NOT_READ:
        return name  # type: ignore[return-value]  # a CharField's value or None
    user = getattr(activity, field)
    return user.name if user else None


_NOT_READ = object()


@register.filter
def activity_text(activity: Activity) -> str:
    """One sentence for an activity line, in the viewer's language."""
    record = activity.record
    actor, user = _user_name(activity, "actor"), _user_name(activity, "subject_user")
    names = {"actor": _("A former colleague") if actor is None else actor,
             "record": record.display_name if record else "—", "task": activity.summary,
             "user": "—" if user is None else user}
    verb = activity.verb
    if activity.changes.get("bulk"):  # one line for a bulk action on many records (records/bulk.py)
        from kontor.records.bulk import describe

        return describe(activity.changes, names["actor"])
    if verb == ActivityVerb.CREATED:
        return _("%(actor)s created %(record)s.") % names
    if verb == ActivityVerb.DELETED:
        return _("%(actor)s moved %(record)s to the trash.") % names
    if verb == ActivityVerb.RESTORED:
        return _("%(actor)s restored %(record)s from the trash.") % names
    if verb == ActivityVerb.ASSIGNED:
        return _("%(actor)s assigned the task “%(task)s” to %(user)s.") % names
    if verb == ActivityVerb.NOTE_DELETED:
        text = NOTE_DELETED_TEXTS.get(activity.changes.get("kind", ""), NOTE_DELETED_TEXTS["note"])
        return text % {**names, "text": activity.summary}
    if verb == ActivityVerb.TASK_CHANGED:
        return _task_changed_text(activity, names)
    if verb in TASK_TEXTS:
        return TASK_TEXTS[verb] % {**names, "changes": _diff_text(activity, task=True)}
    if verb == ActivityVerb.FILE_ADDED:
        count = len(activity.changes.get("files", [])) or 1
        return ngettext("%(actor)s added the file “%(files)s” to %(record)s.",
                        "%(actor)s added %(count)s files to %(record)s: %(files)s.", count) % {
            **names, "files": activity.summary, "count": count}
    if verb == ActivityVerb.FILE_DELETED:
        return _("%(actor)s deleted the file “%(files)s” from %(record)s.") % {**names, "files": activity.summary}
    if verb == ActivityVerb.FILE_RESTORED:
        return _("%(actor)s brought back the file “%(files)s” on %(record)s.") % {**names, "files": activity.summary}
    if verb in (ActivityVerb.IMPORTED, ActivityVerb.IMPORT_UNDONE):
        return _import_text(activity, names["actor"])
    if verb == ActivityVerb.MERGED:
        return _("%(actor)s merged %(others)s into %(record)s.") % {**names, "others": activity.summary}
    if verb == ActivityVerb.MERGE_UNDONE:
        return _("%(actor)s undid the merge of %(others)s into %(record)s.") % {**names, "others": activity.summary}
    if verb == ActivityVerb.STATE:
        old, new = next(iter(activity.changes.values()), ["", ""])
        return _("%(actor)s changed the state of %(record)s from %(old)s to %(new)s.") % {
            **names, "old": _state_label(record, old), "new": _state_label(record, new)}
    return _("%(actor)s changed %(record)s: %(changes)s") % {**names, "changes": _diff_text(activity)}
