"""The two forms of this app: the visitor's enquiry (built from a web form's field list) and the
settings of a web form (for owners and administrators)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Membership
from kontor.accounts.queries import active_colleagues
from kontor.contacts.models import DetailKind
from kontor.contacts.validation import clean_detail
from kontor.webforms.models import ALWAYS_REQUIRED, CATALOGUE, DEFAULT_FIELDS, FieldSpec, Language, WebForm

if TYPE_CHECKING:
    from kontor.webforms.actions import WebFormData

AUTOCOMPLETE = {"first_name": "given-name", "last_name": "family-name", "email": "email", "phone": "tel",
                "company": "organization"}


def _enquiry_field(spec: FieldSpec, required: bool) -> forms.Field:
    attrs = {"maxlength": str(spec.max_length), "autocomplete": AUTOCOMPLETE.get(spec.key, "off")}
    if spec.input == "textarea":
        widget: forms.Widget = forms.Textarea(attrs={**attrs, "rows": 6})
    elif spec.input == "email":
        widget = forms.EmailInput(attrs=attrs)
    elif spec.input == "tel":
        widget = forms.TextInput(attrs={**attrs, "type": "tel"})
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(label=spec.label, max_length=spec.max_length, required=required, widget=widget,
                           strip=True)


class EnquiryForm(forms.Form):
    """What a visitor fills in: exactly the fields the web form shows, with their limits."""

    def __init__(self, webform: WebForm, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        for spec, required in webform.field_specs():
            self.fields[spec.key] = _enquiry_field(spec, required)

    def _detail(self, kind: str, key: str) -> str:
        value = self.cleaned_data.get(key, "")
        if not value:
            return ""
        try:
            return clean_detail(kind, value)[0]
        except ValidationError as error:
            self.add_error(key, error.messages)
            return ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "email" in self.fields and cleaned.get("email"):
            cleaned["email"] = self._detail(DetailKind.EMAIL, "email")
        if "phone" in self.fields and cleaned.get("phone"):
            cleaned["phone"] = self._detail(DetailKind.PHONE, "phone")
        return cleaned


class WebFormSettingsForm(forms.Form):
    """A web form's settings; `data()` hands them to the actions as WebFormData."""

    name = forms.CharField(label=_("Name"), max_length=150,
                           help_text=_("For you and your colleagues; visitors do not see it."))
    tags = forms.CharField(label=_("Tags for new enquiries"), required=False, max_length=1000,
                           help_text=_("Separate several tags with commas, e.g. “website, enquiry”."))
    responsible = forms.TypedChoiceField(label=_("Responsible"), coerce=int, required=False, empty_value=None,
                                         help_text=_("Becomes responsible for new people, follows them, and the "
                                                     "notes are filed in their name. Without one: the owner."))
    notify = forms.TypedMultipleChoiceField(label=_("Notify these colleagues"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    thank_you_text = forms.CharField(label=_("Thank-you text"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text=_("Shown after sending. Leave empty for a short standard text."))
    redirect_url = forms.CharField(label=_("Or send visitors to this page"), required=False, max_length=500,
                                   widget=forms.URLInput(attrs={"placeholder": "https://www.example.com/danke"}),
                                   help_text=_("For example a thank-you page on your website; replaces the text."))
    language = forms.ChoiceField(label=_("Language of the form"), choices=Language.choices)
    allowed_origins = forms.CharField(
        label=_("Only accept the form from these websites"), required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://www.example.com"}),
        help_text=_("One address per line. Leave empty to accept the form from anywhere."))

    def __init__(self, membership: Membership, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        colleagues = [(m.user_id, m.user.name) for m in active_colleagues(membership.account)]
        responsible, notify = self.fields["responsible"], self.fields["notify"]
        assert isinstance(responsible, forms.TypedChoiceField) and isinstance(notify, forms.TypedMultipleChoiceField)
        responsible.choices = [("", _("nobody (the owner)")), *colleagues]
        notify.choices = colleagues
        for key, spec in CATALOGUE.items():
            fixed = key in ALWAYS_REQUIRED
            self.fields[f"show_{key}"] = forms.BooleanField(label=spec.label, required=False, disabled=fixed)
            self.fields[f"required_{key}"] = forms.BooleanField(label=_("required"), required=False, disabled=fixed)

    def field_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"show_{key}"], self[f"required_{key}"]) for key in CATALOGUE]

    def data_for_action(self) -> WebFormData:
        from kontor.webforms.actions import WebFormData  # actions import this module

        data = self.cleaned_data
        fields = [{"key": key, "required": bool(data.get(f"required_{key}")) or key in ALWAYS_REQUIRED}
                  for key in CATALOGUE if data.get(f"show_{key}") or key in ALWAYS_REQUIRED]
        return WebFormData(
            name=data["name"], fields=fields, tags=[t for t in data["tags"].split(",") if t.strip()],
            responsible_id=data["responsible"], notify_ids=list(data["notify"]),
            thank_you_text=data["thank_you_text"], redirect_url=data["redirect_url"], language=data["language"],
            allowed_origins=data["allowed_origins"].split())


def settings_initial(webform: WebForm | None, membership: Membership) -> dict[str, Any]:
    """The settings form's values for an existing web form, or the defaults for a new one."""
    fields = webform.fields if webform else DEFAULT_FIELDS
    chosen = {f["key"]: bool(f.get("required")) for f in fields}
    initial: dict[str, Any] = {}
    for key in CATALOGUE:
        initial[f"show_{key}"] = key in chosen or key in ALWAYS_REQUIRED
        initial[f"required_{key}"] = chosen.get(key, False) or key in ALWAYS_REQUIRED
    if webform is None:
        return {**initial, "language": membership.user.language if membership.user.language in Language.values
                else Language.GERMAN, "responsible": membership.user_id, "notify": [membership.user_id]}
    return {**initial, "name": webform.name, "tags": ", ".join(t.name for t in webform.tags.order_by("name")),
            "responsible": webform.responsible_id, "notify": [u.pk for u in webform.notify.all()],
            "thank_you_text": webform.thank_you_text, "redirect_url": webform.redirect_url,
            "language": webform.language, "allowed_origins": "\n".join(webform.allowed_origins)}
