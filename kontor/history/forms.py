"""Forms for writing and editing notes. The rules themselves (not empty, not too long, who may
mark a note confidential) live in kontor/history/actions.py; these forms only carry the input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class NoteForm(forms.Form):
    # Not required here: the action says "Please write something first", which reads better than
    # the generic "This field is required".
    body = forms.CharField(label=_("Note"), required=False, strip=False, widget=forms.Textarea)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)


class NoteEditForm(NoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts an action's ValidationError next to the fields it names; anything else on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
