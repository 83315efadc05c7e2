"""The Files area's filter form: every field optional, bad values are ignored with a message."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.files.models import FileType
from kontor.files.queries import FileFilters

MAX_PAGE = 200


class FileFilterForm(forms.Form):
    q = forms.CharField(label=_("File name"), required=False, max_length=200)
    on = forms.CharField(label=_("On record"), required=False, max_length=200)
    type = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("All types")), *FileType.choices])
    uploader = forms.TypedChoiceField(label=_("Uploaded by"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    record = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)

    def __init__(self, *args, colleagues: list[tuple[int, str]], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        uploader = self.fields["uploader"]
        assert isinstance(uploader, forms.TypedChoiceField)  # declared above
        uploader.choices = [("", _("Anyone")), *colleagues]

    def filters(self) -> FileFilters:
        """The valid filters; an invalid field counts as not set."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return FileFilters(record_id=data.get("record"), record_name=data.get("on") or "",
                           uploader_id=data.get("uploader"), file_type=data.get("type") or "",
                           created_from=_start_of(data.get("date_from")),
                           created_before=_start_of(data.get("date_to"), days=1), name=data.get("q") or "")

    @property
    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if hasattr(self, "cleaned_data") else None) or 1


def _start_of(day: dt.date | None, days: int = 0) -> dt.datetime | None:
    """The start of the day (plus `days`) in the user's time zone."""
    if day is None:
        return None
    try:
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=days), dt.time.min))
    except OverflowError:
        return None
