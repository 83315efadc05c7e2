"""The company, people and team fields that deals and projects share: the form part that links a
record to them, the helpers that offer people and resolve a typed company name, and save_linked,
which writes a valid form through the kind's actions.

A form only carries the input. Nothing else here writes, except that naming a company that does
not exist yet creates it (as the person form does), in save_linked's transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kontor.accounts.models import Membership, User
from kontor.accounts.queries import active_colleagues
from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Company, Person, Position
from kontor.lib.params import parse_id, parse_ids, parse_text
from kontor.records import actions as record_actions
from kontor.records.access import access_company, access_person
from kontor.records.custom_field_forms import add_custom_fields, initial_values, save_custom_fields
from kontor.records.tag_names import clean_tag_names

T = TypeVar("T", bound=Any)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STAFF_OFFERED = 30


def primary_jobs() -> Prefetch:
    return Prefetch("positions", Position.objects.filter(is_primary=True, is_former=False,
                                                         company__record__deleted_at__isnull=True)
                    .select_related("company"), to_attr="primary_positions")


def person_label(person: Person) -> str:
    """A person as the suggestions list them: the name, and the company where there is one."""
    jobs = getattr(person, "primary_positions", None) or []
    return f"{person.full_name} ({jobs[0].company.name})" if jobs else person.full_name


def people_named(membership: Membership, text: str, limit: int = 20) -> list[Person]:
    """Live people of the account whose name contains each word of the text (for suggestions)."""
    people = Person.objects.filter(account=membership.account).alive()
    for word in text.split()[:6]:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(people.prefetch_related(primary_jobs()).order_by("sort_name", "record_id")[:limit])


def resolve_company(membership: Membership, name: str, chosen_id: int | None) -> Company | None:
    """The company a company field names: the one it was loaded with while the name is unchanged,
    else the account's live company of that name, else a new company of that name."""
    name = " ".join(name.split())
    if not name:
        return None
    companies = Company.objects.filter(account=membership.account).alive().select_related("record")
    if chosen_id:
        company = companies.filter(pk=chosen_id, name__iexact=name).first()
        if company:
            return company
    company = companies.filter(name__iexact=name).order_by("record_id").first()
    return company or contact_actions.create_company(membership, {"name": name})


def named_company(membership: Membership, name: str, chosen_id: int | None) -> Company | None:
    """The live company a company field names (the one it was loaded with while the name is
    unchanged, else the first of that name), without creating one: for offering its people."""
    name = " ".join(name.split())
    if not name:
        return None
    companies = Company.objects.filter(account=membership.account, name__iexact=name).alive()
    return (companies.filter(pk=chosen_id).first() if chosen_id else None) or companies.order_by("record_id").first()


def live_company(company_id: int | None) -> Company | None:
    """The company a deal or project points at, unless it is in the trash (one query)."""
    if company_id is None:
        return None
    return Company.objects.alive().select_related("record").filter(pk=company_id).first()


def team(membership: Membership) -> list[User]:
    return [m.user for m in active_colleagues(membership.account)]


class LinkedRecordsForm(forms.Form):
    """Company, people and team: the fields deals and projects share; and the custom fields of
    the form's `kind`."""

    kind = ""

    company_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    company_name = forms.CharField(
        label=gettext_lazy("Company"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"list": "company-names", "autocomplete": "off"}))
    people = forms.TypedMultipleChoiceField(label=gettext_lazy("Contact persons"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    # A search, not a value: the people it finds are offered as checkboxes, and only ticks count.
    add_person = forms.CharField(
        label=gettext_lazy("Find a contact person"), required=False, max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
        help_text=gettext_lazy("Type a name and tick the person among those offered below."))
    colleagues = forms.TypedMultipleChoiceField(label=gettext_lazy("Colleagues involved"), coerce=int,
                                                required=False, widget=forms.CheckboxSelectMultiple)
    responsible = forms.TypedChoiceField(label=gettext_lazy("Responsible"), coerce=int, required=False,
                                         empty_value=None)
    tags = forms.CharField(label=gettext_lazy("Tags"), required=False, max_length=2000,
                           help_text=gettext_lazy("Separate several tags with commas."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, membership: Membership, people: Iterable[Person], is_new: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.candidates = {p.pk: p for p in people}
        self.found: list[Person] = []
        if self.is_bound:
            self._offer_submitted(self.data)
        self.team = {user.pk: user for user in team(membership)}
        choices = {name: field for name, field in self.fields.items() if isinstance(field, forms.ChoiceField)}
        choices["people"].choices = [(pk, person_label(p)) for pk, p in self.candidates.items()]
        choices["colleagues"].choices = [(pk, user.name) for pk, user in self.team.items()]
        # A new record always starts with someone responsible (its creator unless chosen otherwise).
        nobody: list[tuple[Any, str]] = [] if is_new else [("", _("Nobody"))]
        choices["responsible"].choices = nobody + [(pk, user.name) for pk, user in self.team.items()]
        if not is_new:
            del self.fields["tags"]
        if self.kind:
            add_custom_fields(self, membership.account, self.kind)

    def _offer_submitted(self, data: Any) -> None:
        """Also offers the people the submitted search finds and the current staff of the submitted
        company, so that a page without JavaScript offers after a post what the live form offers
        while typing. Every choice is then a tick on a person's id, never a name read back."""
        text = parse_text(data.get("add_person", ""), 300)
        self.found = people_named(self.membership, text) if text.strip() else []
        company = named_company(self.membership, parse_text(data.get("company_name", "")),
                                parse_id(data.get("company_id")))
        for person in people_offered(self.membership, self.found, company):
            self.candidates.setdefault(person.pk, person)

    def clean_tags(self) -> list[str]:
        return clean_tag_names(self.cleaned_data["tags"])

    def clean_add_person(self) -> str:
        """A search typed but nobody ticked among what it found: ask rather than guess."""
        text = self.cleaned_data["add_person"].strip()
        ticked = set(self.cleaned_data.get("people") or [])
        if text and not self.found:
            raise ValidationError(_("Nobody called “%(name)s” was found. Check the spelling or add the person "
                                    "first.") % {"name": text})
        if text and not ticked & {person.pk for person in self.found}:
            raise ValidationError(_("Tick the person you mean among the contact persons offered, or clear "
                                    "this field."))
        return text

    def chosen_people(self) -> list[Person]:
        ticked = self.cleaned_data.get("people") or []
        return [self.candidates[pk] for pk in ticked if pk in self.candidates]

    def chosen_colleagues(self) -> list[User]:
        return [self.team[pk] for pk in self.cleaned_data.get("colleagues") or [] if pk in self.team]

    def chosen_company(self) -> Company | None:
        return resolve_company(self.membership, self.cleaned_data.get("company_name") or "",
                               self.cleaned_data.get("company_id"))

    def fields_for_action(self) -> dict[str, Any]:
        """The record's own fields, as the kind's create and update actions take them."""
        raise NotImplementedError

    def chosen_responsible(self, current: User | None) -> Any:
        """The chosen responsible user; KEEP when unchanged (it may be a deactivated user)."""
        user_id = self.cleaned_data.get("responsible")
        if current is not None and user_id == current.pk:
            return record_actions.KEEP
        return self.team.get(user_id) if user_id else None


def linked_initial(obj: Any) -> dict[str, Any]:
    """What every linked-records form shows of a stored deal or project: its name and description,
    company, people, colleagues, responsible user, version and custom fields. The kind adds its own."""
    return {
        "name": obj.name, "description": obj.description, "company_id": obj.company_id,
        "company_name": obj.company.name if obj.company_id and obj.company else "",
        "people": [p.pk for p in obj.people.all()], "colleagues": [u.pk for u in obj.colleagues.all()],
        "responsible": obj.record.responsible_id, "version": obj.record.version,
        **initial_values(obj.record),
    }


def save_linked(form: LinkedRecordsForm, obj: T | None, create: Callable[..., T], update: Callable[..., T],
                **own: Any) -> T | None:
    """Writes a valid form through the kind's `create` action (obj None) or `update` action, with
    `own`, the kind's own keyword arguments; None when the actions refused the input (the errors
    are then on the form). Raises StaleEdit when the record changed since the form was loaded;
    nothing is written then."""
    membership, data = form.membership, form.cleaned_data
    try:
        with transaction.atomic():
            company = form.chosen_company()
            if obj is None:
                saved = create(membership, form.fields_for_action(), **own, company=company,
                               people=form.chosen_people(), colleagues=form.chosen_colleagues(),
                               tags=data.get("tags") or [], responsible=form.chosen_responsible(None) or None)
            else:
                saved = update(obj, membership, form.fields_for_action(), version=data.get("version"), **own,
                               company=company, people=form.chosen_people(), colleagues=form.chosen_colleagues(),
                               responsible=form.chosen_responsible(obj.record.responsible))
            save_custom_fields(form, saved.record, membership, is_new=obj is None)
            return saved
    except ValidationError as error:
        add_errors(form, error)
        return None


def ticked_people(membership: Membership, data: Any) -> list[Person]:
    """The account's live people a submitted form ticked: they stay on offer whatever company was
    chosen meanwhile, so that a tick is never lost to the choice of company."""
    ids = parse_ids(data.getlist("people"), limit=500) if data else []
    return list(Person.objects.filter(account=membership.account, pk__in=ids).alive()) if ids else []


def people_offered(membership: Membership, linked: Iterable[Person], company: Company | None,
                   extra: Iterable[Person] = ()) -> list[Person]:
    """The contact persons a form offers to tick: those linked already, those asked for in the URL,
    and the current staff of the company."""
    offered = {p.pk: p for p in [*linked, *extra]}
    if company is not None:
        staff = (Person.objects.filter(account=membership.account, positions__company=company,
                                       positions__is_former=False).alive().distinct()
                 .order_by("sort_name", "record_id")[:STAFF_OFFERED])
        for person in staff:
            offered.setdefault(person.pk, person)
    people = list(offered.values())
    prefetch_related_objects(people, primary_jobs())
    return people


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts an action's ValidationError next to the fields it names; anything else on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    aliases = {"state": "stage", "company": "company_name"}
    for key, messages in error.message_dict.items():
        name = aliases.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


def prefill(membership: Membership, query: Any) -> tuple[Company | None, Person | None]:
    """The company and person that `?company=ID` and `?person=ID` name (from their pages); a
    person alone brings their current company along."""
    company_id, person_id = str(query.get("company", "")), str(query.get("person", ""))
    company_pk, person_pk = parse_id(company_id), parse_id(person_id)
    company = access_company(membership, company_pk) if company_pk else None
    person = access_person(membership, person_pk) if person_pk else None
    if person is not None and company is None:
        jobs = person.positions.filter(is_former=False, company__record__deleted_at__isnull=True)
        job = jobs.select_related("company").order_by("-is_primary", "pk").first()
        company = job.company if job else None
    return company, person
