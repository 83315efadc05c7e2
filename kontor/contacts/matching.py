"""When two people (or two companies) are the same: the rule imports use to find duplicates, and
that a later merge of duplicates shares.

    person   the same e-mail address (any of the person's, case-insensitive); without an e-mail,
             the same first and last name and the same company (case-insensitive); a row
             without a company matches a person of that name who works nowhere.
    company  the same name, case-insensitive.

Lookups go by the indexed columns (ContactDetail.normalized, Person.sort_name, Company.sort_name)
in chunks, a few queries for 10,000 rows, never one query per row. Only live records match: a
person in the trash is not a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kontor.contacts.models import Company, ContactDetail, DetailKind, Person, Position

CHUNK = 500


@dataclass(frozen=True)
class PersonKey:
    """What identifies a person for matching: e-mail addresses, or name and company."""

    emails: tuple[str, ...] = ()
    first_name: str = ""
    last_name: str = ""
    company: str = ""

    @property
    def name_key(self) -> tuple[str, str]:
        return sort_name(self.first_name, self.last_name), self.company.strip().lower()


def sort_name(first_name: str, last_name: str) -> str:
    """As Person.refresh_derived stores it."""
    return f"{last_name.strip()} {first_name.strip()}".strip().lower()


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    values = list(dict.fromkeys(values))
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def people_by_email(account_id: int, emails: Sequence[str]) -> dict[str, int]:
    """{lower-cased e-mail: person id} for the live people of the account with these addresses."""
    found: dict[str, int] = {}
    for chunk in _chunks([e.strip().lower() for e in emails if e.strip()]):
        rows = (ContactDetail.objects.filter(account_id=account_id, kind=DetailKind.EMAIL, normalized__in=chunk,
                                             record__kind="person", record__deleted_at__isnull=True)
                .order_by("record_id").values_list("normalized", "record_id"))
        for email, record_id in rows:
            found.setdefault(email, record_id)
    return found


def people_by_name(account_id: int, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """{(sort name, lower-cased company name or ""): person id} for live people of the account
    with that name who work (currently or formerly) at that company, or nowhere for ""."""
    found: dict[tuple[str, str], int] = {}
    wanted = {key for key in keys if key[0]}
    for chunk in _chunks([name for name, _company in wanted]):
        people = list(Person.objects.filter(account_id=account_id, sort_name__in=chunk).alive()
                      .order_by("record_id").values_list("record_id", "sort_name"))
        companies: dict[int, set[str]] = {pk: set() for pk, _name in people}
        positions = (Position.objects.filter(person_id__in=list(companies), company__record__deleted_at__isnull=True)
                     .values_list("person_id", "company__sort_name"))
        for person_id, company in positions:
            companies[person_id].add(company)
        for pk, name in people:
            for company in companies[pk] or {""}:
                if (name, company) in wanted:
                    found.setdefault((name, company), pk)
    return found


def find_people(account_id: int, keys: Sequence[PersonKey]) -> list[int | None]:
    """The id of the existing person each key matches, or None; in the keys' order."""
    by_email = people_by_email(account_id, [e for key in keys for e in key.emails])
    by_name = people_by_name(account_id, [key.name_key for key in keys if not key.emails])
    matches: list[int | None] = []
    for key in keys:
        if key.emails:
            matches.append(next((by_email[e.strip().lower()] for e in key.emails
                                 if e.strip().lower() in by_email), None))
        else:
            matches.append(by_name.get(key.name_key))
    return matches


def companies_by_name(account_id: int, names: Sequence[str]) -> dict[str, int]:
    """{lower-cased name: company id} for the account's live companies of these names."""
    found: dict[str, int] = {}
    for chunk in _chunks([n.strip().lower() for n in names if n.strip()]):
        rows = (Company.objects.filter(account_id=account_id, sort_name__in=chunk).alive()
                .order_by("record_id").values_list("sort_name", "record_id"))
        for name, pk in rows:
            found.setdefault(name, pk)
    return found


def find_companies(account_id: int, names: Sequence[str]) -> list[int | None]:
    """The id of the existing company of each name, or None; in the names' order."""
    found = companies_by_name(account_id, names)
    return [found.get(name.strip().lower()) for name in names]
