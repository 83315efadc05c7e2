"""When two people (or two companies) are the same: the one rule that imports use to find
duplicates and that the "Possible duplicates" pages use to propose merges.

    person   the same e-mail address (any of the person's, case-insensitive); without an e-mail,
             the same first and last name and the same company; a row without a company
             matches a person of that name who works nowhere.
    company  the same name.

Names are compared folded (`person_name_key`, `company_name_key`): case, accents and the two
spellings of an umlaut do not count ("Müller", "Mueller" and "Muller" are one name), nor do
spaces, hyphens and dots ("Hans-Peter", "Hans Peter"); a company's legal form does not count
either ("Müller & Söhne GmbH" is "Mueller und Soehne"). The duplicates pages add two more kinds
of evidence: the same phone number (its digits, +49 read as 0) and the same e-mail address on
two records of the account.

Lookups go by indexed columns (ContactDetail.normalized, Person.match_name, Company.match_name)
in chunks, a few queries for 10,000 rows, never one query per row and never a comparison of all
pairs. Only live records match: a person in the trash is not a duplicate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Exists, OuterRef

from kontor.contacts.models import Company, ContactDetail, DetailKind, Person, Position
from kontor.search.folding import fold, word_variants

CHUNK = 500
_WORD = re.compile(r"[^\W_]+")
# Legal forms and joining words that say nothing about which company is meant, as folded words.
LEGAL_WORDS = frozenset({
    "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "gbr", "ug", "haftungsbeschrankt", "ek", "ev", "eg", "se",
    "co", "ltd", "limited", "llc", "llp", "inc", "corp", "corporation", "plc", "sa", "sarl", "sas", "srl",
    "spa", "bv", "nv", "oy", "ab", "as", "aps", "und", "and", "the",
})


def _folded_words(text: str) -> list[str]:
    """The words of a name folded one way whatever the spelling: lower case, accents gone, and an
    umlaut written out ("ue") read as the umlaut, so "Müller", "Mueller" and "Muller" are "muller"."""
    words = _WORD.findall(fold(text.replace("&", " ")))
    # word_variants offers the spellings a word may stand for; the shortest is the one without
    # written-out umlauts, the same for every spelling of the word.
    return [min(word_variants(word), key=lambda variant: (len(variant), variant)) for word in words]


def person_name_key(first_name: str, last_name: str) -> str:
    """"last first" folded (see the module doc), without spaces: what Person.match_name holds."""
    return "".join(_folded_words(f"{last_name} {first_name}"))[:210]


def company_name_key(name: str) -> str:
    """The company's name folded, without its legal form: what Company.match_name holds. A name
    that is nothing but a legal form ("AG") keeps it."""
    words = _folded_words(name)
    return "".join([word for word in words if word not in LEGAL_WORDS] or words)[:200]


@dataclass(frozen=True)
class PersonKey:
    """What identifies a person for matching: e-mail addresses, or name and company."""

    emails: tuple[str, ...] = ()
    first_name: str = ""
    last_name: str = ""
    company: str = ""

    @property
    def name_key(self) -> tuple[str, str]:
        return person_name_key(self.first_name, self.last_name), company_name_key(self.company)


T = TypeVar("T", str, int)


def _chunks(values: Sequence[T]) -> Iterator[list[T]]:
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
    """{(person_name_key, company_name_key or ""): person id} for live people of the account
    with that name who work (currently or formerly) at that company, or nowhere for ""."""
    found: dict[tuple[str, str], int] = {}
    wanted = {key for key in keys if key[0]}
    for chunk in _chunks([name for name, _company in wanted]):
        people = list(Person.objects.filter(account_id=account_id, match_name__in=chunk).alive()
                      .order_by("record_id").values_list("record_id", "match_name"))
        companies: dict[int, set[str]] = {pk: set() for pk, _name in people}
        positions = (Position.objects.filter(person_id__in=list(companies), company__record__deleted_at__isnull=True)
                     .values_list("person_id", "company__match_name"))
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


def companies_by_match_name(account_id: int, names: Sequence[str]) -> dict[str, int]:
    """{company_name_key: company id} for the account's live companies of these names, folded."""
    found: dict[str, int] = {}
    for chunk in _chunks([key for key in map(company_name_key, names) if key]):
        rows = (Company.objects.filter(account_id=account_id, match_name__in=chunk).alive()
                .order_by("record_id").values_list("match_name", "record_id"))
        for key, pk in rows:
            found.setdefault(key, pk)
    return found


def find_companies(account_id: int, names: Sequence[str]) -> list[int | None]:
    """The id of the existing company each name stands for (folded), or None; in the names' order."""
    found = companies_by_match_name(account_id, names)
    return [found.get(company_name_key(name)) for name in names]


# -- possible duplicates within an account -----------------------------------------------------------

# A value shared by more records than this (the switchboard's number, info@ of a company) says
# they belong together, not that they are one: it is no evidence of a duplicate.
MAX_SHARED = 5
MIN_PHONE_DIGITS = 6
WEIGHTS = {"email": 3, "phone": 2, "name": 2}


@dataclass(frozen=True)
class Evidence:
    """Why records look like one: the same e-mail address, phone number or (folded) name."""

    reason: str  # "email", "phone" or "name"
    value: str


@dataclass
class Candidates:
    """Records of one kind that look like the same person or company, with the evidence."""

    ids: list[int]
    reasons: list[Evidence]

    @property
    def score(self) -> int:
        return sum(WEIGHTS[evidence.reason] for evidence in self.reasons)


class _Groups:
    """Union-find over record ids, each union carrying its evidence."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.evidence: dict[int, list[Evidence]] = {}

    def root(self, pk: int) -> int:
        self.parent.setdefault(pk, pk)
        while self.parent[pk] != pk:
            self.parent[pk] = self.parent[self.parent[pk]]
            pk = self.parent[pk]
        return pk

    def join(self, ids: Sequence[int], evidence: Evidence) -> None:
        roots = sorted({self.root(pk) for pk in ids})
        first = roots[0]
        found = self.evidence.setdefault(first, [])
        for other in roots[1:]:
            self.parent[other] = first
            found += self.evidence.pop(other, [])
        if evidence not in found:
            found.append(evidence)

    def candidates(self) -> list[Candidates]:
        members: dict[int, list[int]] = {}
        for pk in self.parent:
            members.setdefault(self.root(pk), []).append(pk)
        found = [Candidates(sorted(ids), self.evidence.get(root, [])) for root, ids in members.items()
                 if len(ids) > 1]
        return sorted(found, key=lambda group: (-group.score, group.ids[0]))


def _shared_details(account_id: int, kind: str, detail_kinds: Sequence[str]) -> dict[str, list[int]]:
    """{normalized value: ids of live records of the kind} for the contact details of these kinds
    that two to MAX_SHARED records share.

    1. One GROUP BY over the (account, kind, normalized) index finds the values stored twice or
       more, whatever their record's kind or trash state (no join: it reads the index alone).
    2. Only those values are looked up again, now keeping live records of the wanted kind."""
    shared = list(ContactDetail.objects.filter(account_id=account_id, kind__in=detail_kinds).exclude(normalized="")
                  .values("normalized").annotate(rows=Count("pk"))
                  .filter(rows__gte=2).values_list("normalized", flat=True))
    found: dict[str, set[int]] = {}
    for chunk in _chunks(shared):
        rows = (ContactDetail.objects.filter(account_id=account_id, kind__in=detail_kinds, normalized__in=chunk,
                                             record__kind=kind, record__deleted_at__isnull=True)
                .values_list("normalized", "record_id"))
        for value, record_id in rows:
            found.setdefault(value, set()).add(record_id)
    return {value: sorted(ids) for value, ids in found.items() if 2 <= len(ids) <= MAX_SHARED}


def _same_names(model: type[Person] | type[Company], account_id: int) -> dict[str, list[int]]:
    """{match name: ids of live records} for the folded names two or more records share (found
    by a GROUP BY over the (account, match_name) index, then looked up again among the live)."""
    shared = list(model.objects.filter(account_id=account_id).exclude(match_name="").values("match_name")
                  .annotate(records=Count("pk")).filter(records__gte=2).values_list("match_name", flat=True))
    found: dict[str, list[int]] = {}
    for chunk in _chunks(shared):
        for name, pk in (model.objects.filter(account_id=account_id, match_name__in=chunk).alive()
                         .order_by("pk").values_list("match_name", "pk")):
            found.setdefault(name, []).append(pk)
    return {name: ids for name, ids in found.items() if len(ids) >= 2}


def _join_details(groups: _Groups, account_id: int, kind: str) -> None:
    for value, ids in _shared_details(account_id, kind, [DetailKind.EMAIL]).items():
        groups.join(ids, Evidence("email", value))
    phones = _shared_details(account_id, kind, [DetailKind.PHONE, DetailKind.MOBILE])
    for value, ids in phones.items():
        if len(value) >= MIN_PHONE_DIGITS:
            groups.join(ids, Evidence("phone", value))


def duplicate_people(account_id: int) -> list[Candidates]:
    """Groups of the account's live people who look like one person, the strongest evidence first:
    the same e-mail address, the same phone number, or the same folded name and the same company
    (two people of that name who both work nowhere count as the same company)."""
    groups = _Groups()
    _join_details(groups, account_id, "person")
    for name, ids in _namesakes_at_one_company(account_id):
        groups.join(ids, Evidence("name", name))
    return groups.candidates()


def _namesakes_at_one_company(account_id: int) -> list[tuple[str, list[int]]]:
    """(match name, live people ids) for the people of one folded name who work at one company, or
    who all have no job at all. A common name ("Thomas Müller") is shared by dozens of people in a large
    account, so the pairing with companies happens in the database as well:

    1. GROUP BY (match name, company) over the jobs finds the pairs held by two or more people;
    2. GROUP BY match name over the people without a job finds the names two of them share;
    3. only the people of those names are read, and kept where they are alive and still pair up."""
    jobs = Position.objects.filter(account_id=account_id)
    pairs = set(jobs.exclude(person__match_name="").values("person__match_name", "company_id")
                .annotate(people=Count("person_id")).filter(people__gte=2)
                .values_list("person__match_name", "company_id"))
    # NOT EXISTS probes the index on Position.person for each person; a NOT IN list of every
    # employed person of a large account cost ten times as much.
    jobless = (Person.objects.filter(account_id=account_id).exclude(match_name="")
               .filter(~Exists(Position.objects.filter(person_id=OuterRef("pk")))))
    names = set(jobless.values("match_name").annotate(people=Count("pk")).filter(people__gte=2)
                .values_list("match_name", flat=True))
    found: dict[tuple[str, int], set[int]] = {}
    for chunk in _chunks(sorted({name for name, _company in pairs})):
        for name, company_id, person_id in (jobs.filter(person__match_name__in=chunk,
                                                        person__record__deleted_at__isnull=True,
                                                        company__record__deleted_at__isnull=True)
                                            .values_list("person__match_name", "company_id", "person_id")):
            if (name, company_id) in pairs:
                found.setdefault((name, company_id), set()).add(person_id)
    for chunk in _chunks(sorted(names)):
        for name, person_id in jobless.filter(match_name__in=chunk).alive().values_list("match_name", "pk"):
            found.setdefault((name, 0), set()).add(person_id)
    return [(name, sorted(ids)) for (name, _company), ids in sorted(found.items()) if len(ids) >= 2]


def duplicate_companies(account_id: int) -> list[Candidates]:
    """Groups of the account's live companies that look like one: the same e-mail address, the
    same phone number, or names that are the same once folded and without their legal form."""
    groups = _Groups()
    _join_details(groups, account_id, "company")
    for name, ids in _same_names(Company, account_id).items():
        groups.join(ids, Evidence("name", name))
    return groups.candidates()


def similar_to(obj: Person | Company, limit: int = 10) -> list[int]:
    """Ids of live records of the same kind that share an e-mail address, a phone number or the
    folded name with this one: the suggestions of its "Merge with…" page (indexed lookups only).
    The evidence is the duplicates page's: a phone number of fewer than MIN_PHONE_DIGITS digits, or
    an address or number that more than MAX_SHARED records hold (a switchboard), suggests nobody."""
    model = type(obj)
    kind = "person" if model is Person else "company"
    evidence_kinds = [DetailKind.EMAIL, DetailKind.PHONE, DetailKind.MOBILE]
    values = [value for detail_kind, value in ContactDetail.objects.filter(record_id=obj.pk, kind__in=evidence_kinds)
              .exclude(normalized="").values_list("kind", "normalized")
              if detail_kind == DetailKind.EMAIL or len(value) >= MIN_PHONE_DIGITS]
    same = ContactDetail.objects.filter(account_id=obj.account_id, normalized__in=values, kind__in=evidence_kinds,
                                        record__kind=kind, record__deleted_at__isnull=True)
    telling = (same.values("normalized").annotate(records=Count("record_id", distinct=True))
               .filter(records__lte=MAX_SHARED).values("normalized"))
    found = list(same.filter(normalized__in=telling).exclude(record_id=obj.pk).order_by("record_id")
                 .values_list("record_id", flat=True)[:limit]) if values else []
    if obj.match_name:
        found += list(model.objects.filter(account_id=obj.account_id, match_name=obj.match_name).alive()
                      .exclude(pk=obj.pk).order_by("pk").values_list("pk", flat=True)[:limit])
    return list(dict.fromkeys(found))[:limit]
