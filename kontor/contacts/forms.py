"""The forms behind the person and company pages.

An editor bundles a record's main form with its repeatable rows (contact details, addresses, and for
people positions, assistants and dates), turns them into one call of the contacts actions, and puts
the actions' errors back next to the field or row they concern. Nothing here writes on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.formsets import BaseFormSet
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kontor.accounts.models import Membership, User
from kontor.accounts.queries import active_colleagues
from kontor.contacts import actions
from kontor.contacts.actions import AddressData, AssistantData, DateData, DetailData, Details, PositionData
from kontor.contacts.models import (
    Address,
    AddressLabel,
    Company,
    ContactDetail,
    DetailKind,
    DetailLabel,
    Gender,
    Person,
    Salutation,
)
from kontor.records.custom_field_forms import add_custom_fields, custom_value_fields, initial_values, save_custom_fields
from kontor.records.models import Kind, Record
from kontor.records.tag_names import clean_tag_names

StrOrPromise = str | Promise
Choice = tuple[int | str, str]

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("salutation", Salutation.choices), ("gender", Gender.choices)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "—"), *choices]

    class Meta:
        model = Person
        fields = list(actions.PERSON_FIELDS)
        widgets = {"birthday": DATE_WIDGET, "background": forms.Textarea(attrs={"rows": 5})}
        labels = {"background": gettext_lazy("About the person")}


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = list(actions.COMPANY_FIELDS)
        widgets = {"background": forms.Textarea(attrs={"rows": 5})}
        labels = {"background": gettext_lazy("About the company")}


class RecordFieldsForm(forms.Form):
    """What every record form has beside the kind's own fields."""

    responsible = forms.TypedChoiceField(label=gettext_lazy("Responsible"), coerce=int, required=False,
                                         empty_value=None)
    tags = forms.CharField(label=gettext_lazy("Tags"), required=False, max_length=2000,
                           help_text=gettext_lazy("Separate several tags with commas."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, colleagues: list[Choice], is_new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new record always starts with someone responsible (its creator unless chosen otherwise).
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ChoiceField)
        nobody: list[Choice] = [] if is_new else [("", _("Nobody"))]
        responsible.choices = nobody + colleagues

    def clean_tags(self) -> list[str]:
        return clean_tag_names(self.cleaned_data["tags"])


def _tag_names(record: Record) -> list[str]:
    return list(record.tags.order_by("name").values_list("name", flat=True))


class RowForm(forms.Form):
    """A repeatable row. A row left empty is skipped, so that a blank row never blocks saving."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rows are compact: their labels are read by screen readers, sighted users see placeholders.
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.EmailInput):
                field.widget.attrs.setdefault("placeholder", field.label)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(str(data.get(name) or "").strip() for name in self.content_fields)

    content_fields: tuple[str, ...] = ()


class ContactDetailForm(RowForm):
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=DetailKind.choices)
    label = forms.ChoiceField(label=gettext_lazy("Label"), choices=DetailLabel.choices)
    value = forms.CharField(label=gettext_lazy("Value"), required=False, max_length=300)
    content_fields = ("value",)


class AddressForm(RowForm):
    label = forms.ChoiceField(label=gettext_lazy("Label"), choices=AddressLabel.choices)
    street = forms.CharField(label=gettext_lazy("Street"), required=False, max_length=200)
    zip = forms.CharField(label=gettext_lazy("Postcode"), required=False, max_length=20)
    city = forms.CharField(label=gettext_lazy("City"), required=False, max_length=100)
    # "State" of an address is a region (German "Bundesland"), not a deal's state.
    state = forms.CharField(label=pgettext_lazy("address", "State"), required=False, max_length=100)
    country = forms.CharField(label=gettext_lazy("Country"), required=False, max_length=100)
    content_fields = ("street", "zip", "city", "state", "country")


class PositionForm(RowForm):
    company_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    company_name = forms.CharField(
        label=gettext_lazy("Company"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"list": "company-names", "autocomplete": "off"}))
    job_title = forms.CharField(label=gettext_lazy("Job title"), required=False, max_length=150)
    department = forms.CharField(label=gettext_lazy("Department"), required=False, max_length=150)
    is_primary = forms.BooleanField(label=gettext_lazy("Primary"), required=False)
    is_former = forms.BooleanField(label=gettext_lazy("Former"), required=False)
    content_fields = ("company_name",)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_job = data.get("job_title") or data.get("department")
        if has_job and not str(data.get("company_name") or "").strip():
            self.add_error("company_name", _("Please name the company."))
        return data


class AssistantForm(RowForm):
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=60)
    content_fields = ("name",)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not str(data.get("name") or "").strip() and (data.get("email") or data.get("phone")):
            self.add_error("name", _("Please enter the assistant's name."))
        return data


class DateForm(RowForm):
    label = forms.CharField(label=gettext_lazy("Occasion"), required=False, max_length=100)
    date = forms.DateField(label=gettext_lazy("Date"), required=False, widget=DATE_WIDGET)
    content_fields = ("label", "date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and not str(data.get("label") or "").strip():
            self.add_error("label", _("Please name the occasion."))
        elif str(data.get("label") or "").strip() and not data.get("date") and "date" not in self.errors:
            self.add_error("date", _("Please enter the date."))
        return data


def _formset(form: type[RowForm]) -> type[BaseFormSet]:
    return forms.formset_factory(form, extra=0, can_delete=True, max_num=100, absolute_max=100,
                                 validate_max=True)


ContactDetailFormSet = _formset(ContactDetailForm)
AddressFormSet = _formset(AddressForm)
PositionFormSet = _formset(PositionForm)
AssistantFormSet = _formset(AssistantForm)
DateFormSet = _formset(DateForm)


@dataclass
class Conflict:
    """One field that a colleague changed while the user was editing."""

    label: str
    stored: str
    yours: str


class RecordEditor:
    """A person's or company's main form plus its rows; `save` writes through the actions."""

    model_form: type[forms.ModelForm]
    kind: str
    field_names: tuple[str, ...]  # the model fields the form edits, as the actions name them
    # Formset prefix -> (formset class, key the actions use in error dicts)
    row_sets: dict[str, tuple[type[BaseFormSet], str]] = {
        "details": (ContactDetailFormSet, "contact_details"),
        "addresses": (AddressFormSet, "addresses"),
    }

    def __init__(self, membership: Membership, obj: Person | Company | None = None,
                 data: Any = None, initial_rows: dict[str, list[dict]] | None = None) -> None:
        self.membership = membership
        self.obj = obj
        memberships = active_colleagues(membership.account)
        self.users = {m.user.pk: m.user for m in memberships}
        initial = {name: getattr(obj, name) for name in self.field_names} if obj else {}
        self.form = self.model_form(data, initial=initial)
        record = obj.record if obj else None
        self.record_form = RecordFieldsForm(
            data, colleagues=_colleague_choices(memberships, obj), is_new=obj is None,
            initial={"responsible": record.responsible_id if record else membership.user.pk,
                     "version": record.version if record else None,
                     "tags": ", ".join(_tag_names(record)) if record else ""})
        add_custom_fields(self.record_form, membership.account, self.kind, record)
        rows = self.initial_rows() if obj else {}
        for prefix, extra in (initial_rows or {}).items():
            rows[prefix] = rows.get(prefix, []) + extra
        # Each list ends in one blank row, so that a row can be added without JavaScript too.
        self.formsets = {prefix: formset_class(data, prefix=prefix,
                                               initial=rows.get(prefix, []) + self.blank_rows(prefix, rows))
                         for prefix, (formset_class, _key) in self.row_sets.items()}

    # -- reading ---------------------------------------------------------------------------------

    def initial_rows(self) -> dict[str, list[dict]]:
        assert self.obj is not None
        record = self.obj.record
        return {
            "details": [{"kind": d.kind, "label": d.label, "value": d.value}
                        for d in ContactDetail.objects.filter(record=record)],
            "addresses": [{f: getattr(a, f) for f in ("label", "street", "zip", "city", "state", "country")}
                          for a in Address.objects.filter(record=record)],
        }

    @property
    def has_errors(self) -> bool:
        found = [bool(self.form.errors), bool(self.record_form.errors)]
        for formset in self.formsets.values():
            found += [bool(formset.non_form_errors()), *(bool(form.errors) for form in formset.forms)]
        return self.form.is_bound and any(found)

    def blank_rows(self, prefix: str, rows: dict[str, list[dict]]) -> list[dict]:
        if prefix != "details":
            return [{}]
        kinds = {row.get("kind") for row in rows.get("details", [])}
        if self.obj is None and not kinds:
            return [{"kind": DetailKind.EMAIL}, {"kind": DetailKind.PHONE}]
        return [{"kind": DetailKind.EMAIL if DetailKind.EMAIL not in kinds else DetailKind.PHONE}]

    def is_valid(self) -> bool:
        results = [self.form.is_valid(), self.record_form.is_valid()]
        results += [formset.is_valid() for formset in self.formsets.values()]
        return all(results)

    def rows(self, prefix: str) -> list[tuple[int, RowForm]]:
        """The filled, not removed rows of a formset, with their index in the formset."""
        return [(index, form) for index, form in enumerate(self.formsets[prefix].forms)
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()]

    def details(self) -> Details:
        return Details(
            contact=[DetailData(f.cleaned_data["kind"], f.cleaned_data["value"], f.cleaned_data["label"])
                     for _i, f in self.rows("details")],
            addresses=[AddressData(**{k: f.cleaned_data[k] or "" for k in ("label", "street", "zip", "city",
                                                                          "state", "country")})
                       for _i, f in self.rows("addresses")],
        )

    def fields(self) -> dict[str, Any]:
        return {name: self.form.cleaned_data.get(name) for name in self.field_names}

    def chosen_responsible(self) -> User | None:
        user_id = self.record_form.cleaned_data.get("responsible")
        return self.users.get(user_id) if user_id else None

    def responsible(self) -> User | None | bool:
        """The chosen responsible user; False when it stays as it is (it may be a deactivated user)."""
        user_id = self.record_form.cleaned_data.get("responsible")
        if self.obj is not None and user_id == self.obj.record.responsible_id:
            return False
        return self.chosen_responsible()

    # -- writing ---------------------------------------------------------------------------------

    def save(self) -> Person | Company | None:
        """Writes the forms through the actions. Returns the saved object, or None when the actions
        refused the input (the errors are then on the forms). Raises StaleEdit when the record
        changed since the form was loaded; nothing is written then."""
        try:
            with transaction.atomic():
                obj = self.write()
                save_custom_fields(self.record_form, obj.record, self.membership, is_new=self.obj is None)
                return obj
        except ValidationError as error:
            self.show_errors(error)
            return None

    def write(self) -> Person | Company:
        raise NotImplementedError

    def show_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error.messages)
            return
        formsets_by_key = {key: prefix for prefix, (_cls, key) in self.row_sets.items()}
        for key, messages in error.message_dict.items():
            name, _dot, index = key.partition(".")
            if name in self.form.fields:
                self.form.add_error(name, messages)
            elif name in formsets_by_key:
                prefix = formsets_by_key[name]
                rows = self.rows(prefix)
                if index.isdigit() and int(index) < len(rows):
                    rows[int(index)][1].add_error(None, messages)
                else:
                    # Formsets have no add_error(); their own clean() puts errors in this list, which
                    # is empty here (the formsets were valid).
                    self.formsets[prefix].non_form_errors().extend(messages)
            elif name == "responsible":
                self.record_form.add_error("responsible", messages)
            else:
                self.form.add_error(None, messages)

    # -- conflicts -------------------------------------------------------------------------------

    def edited_tags(self) -> list[str] | None:
        """The tags as the edit form sent them; None (leave them as they are) when the form had no
        tags field, as a page loaded before the field existed."""
        return self.record_form.cleaned_data.get("tags") if "tags" in self.record_form.data else None

    def conflicts(self, stored: Person | Company) -> list[Conflict]:
        """The fields whose stored value now differs from what the user submitted."""
        stored_editor = type(self)(self.membership, stored)
        conflicts = []
        for name in self.field_names:
            field = self.form.fields[name]
            mine = _display(field, self.form.cleaned_data.get(name))
            theirs = _display(field, getattr(stored, name))
            if mine != theirs:
                conflicts.append(Conflict(str(field.label), theirs, mine))
        user_id = self.record_form.cleaned_data.get("responsible")
        if user_id != stored.record.responsible_id:
            field = self.record_form.fields["responsible"]
            conflicts.append(Conflict(str(field.label), _display(field, stored.record.responsible_id),
                                      _display(field, user_id)))
        my_tags, stored_tags = self.edited_tags(), _tag_names(stored.record)
        if my_tags is not None and sorted(map(str.lower, my_tags)) != sorted(map(str.lower, stored_tags)):
            conflicts.append(Conflict(str(self.record_form.fields["tags"].label),
                                      ", ".join(stored_tags) or _("(empty)"), ", ".join(my_tags) or _("(empty)")))
        stored_custom = initial_values(stored.record)
        for name, field in custom_value_fields(self.record_form).items():
            mine = _display(field, field.as_input(self.record_form.cleaned_data.get(name)))
            theirs = _display(field, stored_custom.get(name))
            if mine != theirs:
                conflicts.append(Conflict(str(field.label), theirs, mine))
        stored_rows = stored_editor.initial_rows()
        for prefix, describe in self.row_descriptions().items():
            my_rows = [describe(form.cleaned_data) for _i, form in self.rows(prefix)]
            stored_rows_now = [describe(row) for row in stored_rows.get(prefix, []) if any(
                str(row.get(n) or "").strip() for n in self.formsets[prefix].form.content_fields)]
            if my_rows != stored_rows_now:
                label = str(self.row_labels()[prefix])
                conflicts.append(Conflict(label, "; ".join(stored_rows_now) or _("(empty)"),
                                          "; ".join(my_rows) or _("(empty)")))
        return conflicts

    def row_labels(self) -> dict[str, StrOrPromise]:
        return {"details": gettext_lazy("Contact details"), "addresses": gettext_lazy("Addresses")}

    def row_descriptions(self) -> dict[str, Callable[[dict], str]]:
        return {
            "details": lambda r: f"{DetailKind(r['kind']).label} ({DetailLabel(r['label']).label}): "
                                 f"{r['value'].strip()}",
            "addresses": lambda r: f"{AddressLabel(r['label']).label}: " + ", ".join(
                str(r.get(k) or "").strip() for k in ("street", "zip", "city", "state", "country")
                if str(r.get(k) or "").strip()),
        }


class CompanyEditor(RecordEditor):
    model_form = CompanyForm
    kind = Kind.COMPANY
    field_names = actions.COMPANY_FIELDS

    def write(self) -> Company:
        version = self.record_form.cleaned_data.get("version")
        if self.obj is None:
            return actions.create_company(self.membership, self.fields(), self.details(),
                                          tags=self.record_form.cleaned_data.get("tags", []),
                                          responsible=self.chosen_responsible())
        assert isinstance(self.obj, Company)
        return actions.update_company(self.obj, self.membership, self.fields(), version=version,
                                      details=self.details(), tags=self.edited_tags(),
                                      responsible=self.responsible())


class PersonEditor(RecordEditor):
    model_form = PersonForm
    kind = Kind.PERSON
    field_names = actions.PERSON_FIELDS
    row_sets = {
        **RecordEditor.row_sets,
        "positions": (PositionFormSet, "positions"),
        "assistants": (AssistantFormSet, "assistants"),
        "dates": (DateFormSet, "dates"),
    }

    def initial_rows(self) -> dict[str, list[dict]]:
        assert isinstance(self.obj, Person)
        person = self.obj
        return {
            **super().initial_rows(),
            "positions": [{"company_id": p.company_id, "company_name": p.company.name,
                           "job_title": p.job_title, "department": p.department,
                           "is_primary": p.is_primary, "is_former": p.is_former}
                          for p in person.positions.select_related("company")],
            "assistants": [{"name": a.name, "email": a.email, "phone": a.phone}
                           for a in person.assistants.all()],
            "dates": [{"label": d.label, "date": d.date} for d in person.important_dates.all()],
        }

    def details(self) -> Details:
        details = super().details()
        details.positions = [PositionData(self.company_for(f), f.cleaned_data["job_title"],
                                          f.cleaned_data["department"], f.cleaned_data["is_primary"],
                                          f.cleaned_data["is_former"]) for _i, f in self.rows("positions")]
        details.assistants = [AssistantData(f.cleaned_data["name"], f.cleaned_data["email"],
                                            f.cleaned_data["phone"]) for _i, f in self.rows("assistants")]
        details.dates = [DateData(f.cleaned_data["label"], f.cleaned_data["date"])
                         for _i, f in self.rows("dates")]
        return details

    def company_for(self, form: RowForm) -> Company:
        """The company a position row names: the one it was loaded with while the name is unchanged,
        else the account's live company of that name, else a new company of that name."""
        name = " ".join(form.cleaned_data["company_name"].split())
        companies = Company.objects.filter(account=self.membership.account).alive()
        chosen = form.cleaned_data.get("company_id")
        if chosen:
            company = companies.filter(pk=chosen, name__iexact=name).first()
            if company:
                return company
        company = companies.filter(name__iexact=name).order_by("record_id").first()
        return company or actions.create_company(self.membership, {"name": name})

    def write(self) -> Person:
        version = self.record_form.cleaned_data.get("version")
        if self.obj is None:
            return actions.create_person(self.membership, self.fields(), self.details(),
                                         tags=self.record_form.cleaned_data.get("tags", []),
                                         responsible=self.chosen_responsible())
        assert isinstance(self.obj, Person)
        return actions.update_person(self.obj, self.membership, self.fields(), version=version,
                                     details=self.details(), tags=self.edited_tags(),
                                     responsible=self.responsible())

    def row_labels(self) -> dict[str, StrOrPromise]:
        return {**super().row_labels(), "positions": gettext_lazy("Positions"),
                "assistants": gettext_lazy("Assistants"), "dates": gettext_lazy("Other dates")}

    def row_descriptions(self) -> dict[str, Callable[[dict], str]]:
        def position(r: dict) -> str:
            parts = [" ".join(str(r["company_name"]).split()), r["job_title"].strip(),
                     r["department"].strip()]
            text = ", ".join(p for p in parts if p)
            return text + (f" ({_('former')})" if r["is_former"] else "")

        return {
            **super().row_descriptions(),
            "positions": position,
            "assistants": lambda r: ", ".join(p for p in (r["name"].strip(), r["email"].strip(),
                                                          r["phone"].strip()) if p),
            "dates": lambda r: f"{r['label'].strip()}: {date_format(r['date'])}" if r.get("date") else "",
        }


def _colleague_choices(memberships: list[Membership],
                       obj: Person | Company | None) -> list[Choice]:
    choices: list[Choice] = [(m.user.pk, str(m.user)) for m in memberships]
    responsible = obj.record.responsible if obj else None
    if responsible is not None and responsible.pk not in {pk for pk, _name in choices}:
        choices.append((responsible.pk, _("%(name)s (deactivated)") % {"name": responsible}))
    return choices


def _display(field: forms.Field, value: Any) -> str:
    """A value as the form shows it, for comparing and for the conflict message."""
    if value in (None, ""):
        return _("(empty)")
    choices = getattr(field, "choices", None)
    if choices:
        return str(dict((str(k), v) for k, v in choices).get(str(value), value))
    if hasattr(value, "isoformat"):
        return date_format(value)
    return str(value).strip() or _("(empty)")


class PhotoForm(forms.Form):
    photo = forms.FileField(label=gettext_lazy("Photo"))
