"""Merging people and merging companies: what each kind adds to kontor/records/merge.py.

    person   its fields; its jobs at companies the survivor has no job at; its assistants and
             important dates the survivor lacks; its place among the contact persons of deals
             and the people of projects
    company  its fields; its people (their jobs) who have no job at the survivor yet; the deals
             and projects of the company
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Membership
from kontor.contacts.actions import COMPANY_FIELDS, PERSON_FIELDS
from kontor.contacts.matching import Candidates, duplicate_companies, duplicate_people
from kontor.contacts.models import Assistant, Company, ImportantDate, Person, Position
from kontor.deals.models import Deal
from kontor.projects.models import Project
from kontor.records import actions as record_actions
from kontor.records import merge as records_merge
from kontor.records.merge import Moved
from kontor.records.models import Kind, Merge, Record

FIELD_LABELS = {
    "salutation": _("Salutation"), "title": _("Title"), "first_name": _("First name"), "last_name": _("Last name"),
    "gender": _("Gender"), "language": _("Language"), "background": _("Background"), "birthday": _("Birthday"),
    "name": _("Name"), "responsible": _("Responsible"),
}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _from_json(name: str, value: Any) -> Any:
    if name == "birthday":
        return dt.date.fromisoformat(value) if value else None
    return value if value is not None else ""


def _ids(rows: Any) -> list[int]:
    return list(rows.values_list("pk", flat=True))


@dataclass
class _ContactPart:
    kind: str
    model: type[Person] | type[Company]
    fields: tuple[str, ...] = field(default=())

    def values(self, record: Record) -> dict[str, Any]:
        obj = self.model.objects.get(record=record)
        return {name: _json(getattr(obj, name)) for name in self.fields}

    def write_values(self, survivor: Record, values: Mapping[str, Any]) -> None:
        obj = self.model.objects.get(record=survivor)
        for name, value in values.items():
            setattr(obj, name, _from_json(name, value))
        obj.refresh_derived()
        obj.save()
        record_actions.save_record_header(survivor, obj.full_name)


class PersonPart(_ContactPart):
    def __init__(self) -> None:
        super().__init__(Kind.PERSON, Person, PERSON_FIELDS)

    def move(self, survivor: Record, other: Record) -> Moved:
        at = Position.objects.filter(person_id=survivor.pk).values("company_id")
        positions = _ids(Position.objects.filter(person_id=other.pk).exclude(company_id__in=at))
        # One current job stays the primary one: the survivor's, if it has one.
        demoted = (_ids(Position.objects.filter(pk__in=positions, is_primary=True))
                   if Position.objects.filter(person_id=survivor.pk, is_primary=True).exists() else [])
        Position.objects.filter(pk__in=demoted).update(is_primary=False)
        Position.objects.filter(pk__in=positions).update(person_id=survivor.pk)
        names = {name.lower() for name in
                 Assistant.objects.filter(person_id=survivor.pk).values_list("name", flat=True)}
        assistants = [a.pk for a in Assistant.objects.filter(person_id=other.pk) if a.name.lower() not in names]
        Assistant.objects.filter(pk__in=assistants).update(person_id=survivor.pk)
        have = {(label.lower(), date) for label, date in
                ImportantDate.objects.filter(person_id=survivor.pk).values_list("label", "date")}
        dates = [d.pk for d in ImportantDate.objects.filter(person_id=other.pk)
                 if (d.label.lower(), d.date) not in have]
        ImportantDate.objects.filter(pk__in=dates).update(person_id=survivor.pk)
        return {"positions": positions, "positions_demoted": demoted, "assistants": assistants, "dates": dates,
                "deal_people": _move_through(Deal.people.through, "deal_id", survivor, other),
                "project_people": _move_through(Project.people.through, "project_id", survivor, other)}

    def move_back(self, survivor: Record, other: Record, moved: Moved) -> None:
        Position.objects.filter(person_id=survivor.pk, pk__in=moved.get("positions", [])).update(person_id=other.pk)
        Position.objects.filter(person_id=other.pk, pk__in=moved.get("positions_demoted", [])).update(is_primary=True)
        Assistant.objects.filter(person_id=survivor.pk, pk__in=moved.get("assistants", [])).update(person_id=other.pk)
        ImportantDate.objects.filter(person_id=survivor.pk, pk__in=moved.get("dates", [])).update(person_id=other.pk)
        Deal.people.through.objects.filter(person_id=survivor.pk, pk__in=moved.get("deal_people", [])).update(
            person_id=other.pk)
        Project.people.through.objects.filter(person_id=survivor.pk, pk__in=moved.get("project_people", [])).update(
            person_id=other.pk)


def _move_through(through: Any, owner: str, survivor: Record, other: Record) -> list[int]:
    """Moves the other person's rows of a many-to-many (a deal's contact persons) to the survivor,
    where the survivor is not in that deal or project already."""
    have = through.objects.filter(person_id=survivor.pk).values(owner)
    rows = _ids(through.objects.filter(person_id=other.pk).exclude(**{f"{owner}__in": have}))
    through.objects.filter(pk__in=rows).update(person_id=survivor.pk)
    return rows


class CompanyPart(_ContactPart):
    def __init__(self) -> None:
        super().__init__(Kind.COMPANY, Company, COMPANY_FIELDS)

    def move(self, survivor: Record, other: Record) -> Moved:
        employed = Position.objects.filter(company_id=survivor.pk).values("person_id")
        positions = _ids(Position.objects.filter(company_id=other.pk).exclude(person_id__in=employed))
        Position.objects.filter(pk__in=positions).update(company_id=survivor.pk)
        deals = _ids(Deal.objects.filter(company_id=other.pk))
        Deal.objects.filter(pk__in=deals).update(company_id=survivor.pk)
        projects = _ids(Project.objects.filter(company_id=other.pk))
        Project.objects.filter(pk__in=projects).update(company_id=survivor.pk)
        return {"positions": positions, "deals": deals, "projects": projects}

    def move_back(self, survivor: Record, other: Record, moved: Moved) -> None:
        Position.objects.filter(company_id=survivor.pk, pk__in=moved.get("positions", [])).update(
            company_id=other.pk)
        Deal.objects.filter(company_id=survivor.pk, pk__in=moved.get("deals", [])).update(company_id=other.pk)
        Project.objects.filter(company_id=survivor.pk, pk__in=moved.get("projects", [])).update(company_id=other.pk)


PARTS: dict[str, PersonPart | CompanyPart] = {Kind.PERSON: PersonPart(), Kind.COMPANY: CompanyPart()}


def merge_people(by: Membership, person: Person, others: Sequence[Person], keep: Mapping[str, int] | None = None,
                 version: int | None = None) -> Person:
    """Merges `others` into `person` (see kontor/records/merge.py); returns the person, as saved."""
    return _merge(by, person, others, keep, version)


def merge_companies(by: Membership, company: Company, others: Sequence[Company],
                    keep: Mapping[str, int] | None = None, version: int | None = None) -> Company:
    return _merge(by, company, others, keep, version)


Contact = TypeVar("Contact", Person, Company)


def _merge(by: Membership, obj: Contact, others: Sequence[Contact], keep: Mapping[str, int] | None,
           version: int | None) -> Contact:
    part = PARTS[obj.record.kind]
    records_merge.merge_records(by, obj.record, [o.record for o in others], part, keep, version)
    return type(obj).objects.select_related("record", "record__responsible").get(pk=obj.pk)


def undo_merge(by: Membership, merge: Merge) -> list[Record]:
    """Undoes a merge of people or companies (see kontor/records/merge.py: undo_merge)."""
    return records_merge.undo_merge(by, merge, PARTS[merge.kind])


def duplicates(account_id: int, kind: str) -> list[Candidates]:
    return duplicate_people(account_id) if kind == Kind.PERSON else duplicate_companies(account_id)
