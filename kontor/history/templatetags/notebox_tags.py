"""Template helpers for the note field of a record page: what it was (note, call, meeting) and when."""

from __future__ import annotations

from django import template
from django.utils import timezone

from kontor.history.forms import WRITTEN_KINDS, NoteForm

register = template.Library()


@register.simple_tag
def notebox_when(note_form: NoteForm | str | None) -> dict[str, object]:
    """The kinds to choose from, the chosen one and the "when" field's value together with the time
    it showed (see NoteForm.happened_at_shown): now in the user's time zone for a fresh note field,
    what was sent for a refused note (shown again as typed, so nothing is lost)."""
    if isinstance(note_form, NoteForm) and note_form.is_bound:
        data = note_form.data
        return {"kinds": WRITTEN_KINDS, "kind": data.get("kind") or "note",
                "value": data.get("happened_at", ""), "shown": data.get("happened_at_shown", "")}
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {"kinds": WRITTEN_KINDS, "kind": "note", "value": now, "shown": now}
