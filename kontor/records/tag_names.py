"""Reading the tags a form's text field holds: names separated by commas."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from kontor.records.actions import TagNameError, normalize_tag_name


def clean_tag_names(text: str) -> list[str]:
    """The tag names in a comma-separated text, each cleaned; a ValidationError for a bad one."""
    names = []
    for name in text.split(","):
        if name.strip():
            try:
                names.append(normalize_tag_name(name))
            except TagNameError as error:
                raise ValidationError(str(error)) from None
    return names
