"""The history lines Kontor wrote as sentences in the writer's language become facts, worded when
read:

1. "Done: <title>" / "Erledigt: <title>" notes of completed tasks become TASK_DONE entries
   (subject: the title, body: the task's description). Recognised only with the "completed the
   task" activity line the same person wrote for the same title on the same record within a
   minute, so that a note someone typed as "Done: …" stays as it is.
2. The notes a change of a deal's state wrote ("Deal won" / "Angebot gewonnen" with "State changed
   from 75 % to won." / "Status von „75 %“ auf „gewonnen“ geändert.") are removed: their activity
   line says the same in every language. Where that line is missing (written before there were
   activity lines) it is written first, with the note's author and time. A note with comments or
   files stays: colleagues answered it. A project's status notes ("Status changed from open to
   closed.") the same.
3. "The project “X” continues this deal." (or its German) becomes a PROJECT_FROM_DEAL entry.

Everything else stays as it is. The reverse step leaves the lines as they are now."""

from __future__ import annotations

import datetime as dt
import re

from django.db import migrations
from django.db.models import Q

WINDOW = dt.timedelta(minutes=1)
DONE = re.compile(r"(?:Done|Erledigt): (?P<title>[^\n]+)(?:\n\n(?P<description>.*))?", re.S)
STAGE_SUBJECTS = {"Deal won", "Deal lost", "Deal reopened", "Chance changed", "Angebot gewonnen",
                  "Angebot verloren", "Angebot wieder geöffnet", "Wahrscheinlichkeit geändert"}
STAGE_CHANGE = re.compile(r"State changed from (?P<old>.+?) to (?P<new>.+?)\."
                          r"|Status von „(?P<old_de>.+?)“ auf „(?P<new_de>.+?)“ geändert\.")
STAGES = {"0 %": "0", "25 %": "25", "50 %": "50", "75 %": "75", "won": "won", "gewonnen": "won",
          "lost": "lost", "verloren": "lost"}
STATUS_SUBJECTS = {"Project closed", "Status changed", "Projekt abgeschlossen", "Status geändert"}
STATUS_CHANGE = re.compile(r"Status changed from (?P<old>.+?) to (?P<new>.+?)\."
                           r"|Status von „(?P<old_de>.+?)“ auf „(?P<new_de>.+?)“ geändert\.")
STATUSES = {"starting": "starting", "in Vorbereitung": "starting", "open": "open", "offen": "open",
            "closed": "closed", "abgeschlossen": "closed"}
PROJECT_SUBJECTS = {"Project created", "Projekt angelegt"}
PROJECT_FROM_DEAL = re.compile(r"The project “(?P<name>.+)” continues this deal\."
                               r"|Das Projekt „(?P<name_de>.+)“ führt dieses Angebot fort\.")

def _near(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return moment - WINDOW, moment + WINDOW


def _task_done_lines(apps) -> None:
    Entry = apps.get_model("history", "Entry")
    EntryLink = apps.get_model("history", "EntryLink")
    Activity = apps.get_model("history", "Activity")
    candidates = Entry.objects.filter(event="", subject="", kind__in=["note", "call", "meeting"]).filter(
        Q(body__startswith="Done: ") | Q(body__startswith="Erledigt: "))
    for entry in list(candidates):  # read first: SQLite does not isolate a cursor from writes to its table
        found = DONE.fullmatch(entry.body)
        if found is None:
            continue
        title = found["title"].strip()
        records = EntryLink.objects.filter(entry_id=entry.pk).values("record_id")
        if not Activity.objects.filter(record_id__in=records, verb="task_done", summary=title,
                                       actor_id=entry.author_id, created_at__range=_near(entry.created_at)).exists():
            continue
        Entry.objects.filter(pk=entry.pk).update(event="task_done", subject=title[:300],
                                                 body=(found["description"] or "").strip())


def _state_notes(apps, subjects: set[str], pattern: re.Pattern[str], values: dict[str, str], key: str) -> None:
    Entry = apps.get_model("history", "Entry")
    EntryLink = apps.get_model("history", "EntryLink")
    Activity = apps.get_model("history", "Activity")
    Comment = apps.get_model("history", "Comment")
    Attachment = apps.get_model("files", "Attachment")
    Document = apps.get_model("search", "Document")
    for entry in list(Entry.objects.filter(event="", kind="note", subject__in=subjects)):
        found = pattern.fullmatch(entry.body.strip())
        if found is None:
            continue
        old, new = values.get(found["old"] or found["old_de"]), values.get(found["new"] or found["new_de"])
        if old is None or new is None:
            continue
        if Comment.objects.filter(entry_id=entry.pk).exists() or Attachment.objects.filter(entry_id=entry.pk).exists():
            continue
        for record_id in EntryLink.objects.filter(entry_id=entry.pk).values_list("record_id", flat=True):
            if not Activity.objects.filter(record_id=record_id, verb="state",
                                           created_at__range=_near(entry.created_at)).exists():
                Activity.objects.create(account_id=entry.account_id, record_id=record_id, verb="state",
                                        actor_id=entry.author_id, changes={key: [old, new]},
                                        created_at=entry.happened_at)
        Document.objects.filter(kind="note", object_id=entry.pk).delete()
        entry.delete()


def _project_lines(apps) -> None:
    Entry = apps.get_model("history", "Entry")
    for entry in list(Entry.objects.filter(event="", kind="note", subject__in=PROJECT_SUBJECTS)):
        found = PROJECT_FROM_DEAL.fullmatch(entry.body.strip())
        if found is not None:
            Entry.objects.filter(pk=entry.pk).update(event="project_new", subject=found["name"] or found["name_de"],
                                                     body="")


def forwards(apps, schema_editor) -> None:
    _task_done_lines(apps)
    _state_notes(apps, STAGE_SUBJECTS, STAGE_CHANGE, STAGES, "stage")
    _state_notes(apps, STATUS_SUBJECTS, STATUS_CHANGE, STATUSES, "status")
    _project_lines(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("history", "0008_entry_event"),
        ("files", "0001_initial"),
        ("search", "0004_comments"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
