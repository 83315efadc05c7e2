"""Forms for writing and editing notes. The rules themselves (not empty, not too long, who may
mark a note confidential, when it may have happened) live in kontor/history/actions.py; these
forms only carry the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kontor.history.models import EntryKind

# What a person writes into a record's history by hand; e-mails arrive by mail.
WRITTEN_KINDS = [(EntryKind.NOTE.value, EntryKind.NOTE.label), (EntryKind.CALL.value, EntryKind.CALL.label),
                 (EntryKind.MEETING.value, EntryKind.MEETING.label)]
# What a datetime-local field sends ("2026-12-04T14:30"), and the same with seconds or a space.
LOCAL_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class NoteForm(forms.Form):
    # Not required here: the action says "Please write something first", which reads better than
    # the generic "This field is required".
    body = forms.CharField(label=_("Note"), required=False, strip=False, widget=forms.Textarea)
    kind = forms.ChoiceField(label=_("Type"), choices=WRITTEN_KINDS, required=False)
    # In the user's time zone (the middleware activates it), as a datetime-local field sends it.
    happened_at = forms.DateTimeField(label=_("When"), required=False, input_formats=LOCAL_DATETIME_FORMATS,
                                      error_messages={"invalid": _("Enter a date and time, such as 2026-12-04 14:30.")})
    # The time the field showed when the page was drawn. Sent back unchanged, it means "now":
    # a note written slowly still counts from the moment it was saved.
    happened_at_shown = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        shown = self.data.get("happened_at_shown")
        if shown and self.data.get("happened_at") == shown:
            data["happened_at"] = None
        data["kind"] = data.get("kind") or EntryKind.NOTE
        return data


class NoteEditForm(forms.Form):
    body = forms.CharField(label=_("Note"), required=False, strip=False, widget=forms.Textarea)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts an action's ValidationError next to the fields it names; anything else on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
