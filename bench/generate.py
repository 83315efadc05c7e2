"""Fills the database with one large, realistic account (plus a few small noise accounts) for the
benchmark, fast: rows are made in memory and written with bulk inserts (primary keys assigned
here, so that dependent rows need no round trip), in chunks, each chunk one transaction.

The generator writes around the actions on purpose: at a million notes, one action call per note
would take hours. It writes exactly the rows the actions would (the Record beside each kind's
row, derived columns such as sort_name and normalized, EntryLink with the entry's time), and builds
the search index with `kontor reindex`'s own code (kontor.search.index.reindex).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from bench import words
from kontor.accounts import actions as account_actions
from kontor.accounts.models import Account, Membership
from kontor.accounts.roles import Role
from kontor.contacts.matching import company_name_key, person_name_key
from kontor.contacts.models import Company, ContactDetail, Person, Position
from kontor.contacts.validation import normalize_phone
from kontor.deals.models import Deal
from kontor.history.models import Entry, EntryKind, EntryLink
from kontor.records import actions as record_actions
from kontor.records.models import CustomField, CustomValue, FieldType, Kind, Record, RecordTag, Tag, Watch
from kontor.search import index as search_index
from kontor.tasks.models import Task, TaskType

BENCH_ACCOUNT = "Benchmark GmbH"
BENCH_EMAIL = "bench@kontor-bench.example"
PASSWORD = "benchmark-password"
CHUNK = 5000
# The person whose page the benchmark opens: found by this unusual name, with this many entries.
HEAVY_PERSON = ("Theodora", "Quastenberg")
HEAVY_ENTRIES = 500


@dataclass
class Size:
    people: int = 300
    companies: int = 60
    deals: int = 100
    entries: int = 1000
    tasks: int | None = None  # defaults to a fifth of the people

    @property
    def task_count(self) -> int:
        return self.tasks if self.tasks is not None else max(self.people // 5, 10)


def _next_ids(model: type[models.Model]) -> Iterator[int]:
    start = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
    return iter(range(start, 2**62))


def _save(rows: Sequence[Any]) -> None:
    if rows:
        type(rows[0])._default_manager.bulk_create(rows, batch_size=1000)


class Generator:
    def __init__(self, account: Account, owner: Membership, size: Size, seed: int,
                 say: Callable[[str], None]) -> None:
        self.account, self.owner, self.size, self.say = account, owner, size, say
        self.random = random.Random(seed)
        self.now = timezone.now()
        self.record_ids = _next_ids(Record)
        self.users = [owner.user]
        self.tags: list[Tag] = []
        self.companies: list[int] = []
        self.people: list[int] = []
        self.deals: list[int] = []

    # Helpers

    def _past(self, days: int = 5 * 365) -> dt.datetime:
        return self.now - dt.timedelta(seconds=self.random.randrange(days * 86400))

    def _record(self, kind: str, name: str) -> Record:
        created = self._past()
        return Record(id=next(self.record_ids), account=self.account, kind=kind, display_name=name[:300],
                      responsible=self.random.choice(self.users), created_by=self.owner.user,
                      updated_by=self.owner.user, created_at=created,
                      updated_at=created + dt.timedelta(days=self.random.randrange(300)))

    def _phone(self) -> str:
        return f"+49 {self.random.choice(['30', '89', '40', '171', '152', '160'])} " \
               f"{self.random.randrange(1000000, 99999999)}"

    def _text(self, sentences: int) -> str:
        parts = []
        for _ in range(sentences):
            city, _zip = self.random.choice(words.CITIES)
            parts.append(self.random.choice(words.SENTENCES).format(
                product=self.random.choice(words.PRODUCTS), city=city, street=self.random.choice(words.STREETS),
                name=f"{self.random.choice(words.FIRST_NAMES)} {self.random.choice(words.LAST_NAMES)}"))
        return " ".join(parts)

    def _chunks(self, total: int) -> Iterator[range]:
        for start in range(0, total, CHUNK):
            yield range(start, min(start + CHUNK, total))

    # The parts of the account

    def team(self) -> None:
        for number, role in enumerate([Role.ADMIN, Role.POWER, Role.POWER, Role.MEMBER, Role.MEMBER]):
            membership = account_actions.add_user(
                self.account, f"colleague{number}.{self.account.pk}@kontor-bench.example", None,
                f"{words.FIRST_NAMES[number]} {words.LAST_NAMES[number]}", role)
            self.users.append(membership.user)
        self.tags = [Tag.objects.create(account=self.account, name=name) for name in words.TAGS]
        # One custom field with a value on most people, for the "tag + custom field" list case.
        self.customer_number = CustomField.objects.create(account=self.account, kind=Kind.PERSON, key="kundennummer",
                                                          name="Kundennummer", type=FieldType.TEXT, position=1)

    def _tag_rows(self, record_id: int) -> list[RecordTag]:
        # A few tags are on many records (Kunde, Lead, Berlin), most on few: a skewed distribution,
        # so that a two-tag filter meets realistic overlaps.
        count = self.random.choice([0, 1, 1, 2, 2, 3])
        chosen = {self.tags[min(int(self.random.expovariate(0.25)), len(self.tags) - 1)].pk for _ in range(count)}
        return [RecordTag(record_id=record_id, tag_id=tag_id) for tag_id in chosen]

    def companies_(self) -> None:
        for chunk in self._chunks(self.size.companies):
            records, companies, details, tags = [], [], [], []
            for _ in chunk:
                name = f"{self.random.choice(words.LAST_NAMES)} {self.random.choice(words.COMPANY_WORDS)} " \
                       f"{self.random.choice(words.COMPANY_FORMS)}"
                record = self._record("company", name)
                records.append(record)
                companies.append(Company(record_id=record.pk, account=self.account, name=name,
                                         background=self._text(1) if self.random.random() < 0.3 else "",
                                         sort_name=name.lower(), match_name=company_name_key(name)))
                phone = self._phone()
                details.append(ContactDetail(account=self.account, record_id=record.pk, kind="phone",
                                             value=phone, normalized=normalize_phone(phone)))
                tags += self._tag_rows(record.pk)
                self.companies.append(record.pk)
            with transaction.atomic():
                for rows in (records, companies, details, tags):
                    _save(rows)
        self.say(f"companies: {self.size.companies}")

    def people_(self) -> None:
        heavy_done = False
        for chunk in self._chunks(self.size.people):
            records, people, details, positions, tags, watches = [], [], [], [], [], []
            values: list[CustomValue] = []
            for _ in chunk:
                first, last = self.random.choice(words.FIRST_NAMES), self.random.choice(words.LAST_NAMES)
                if not heavy_done:
                    first, last = HEAVY_PERSON
                    heavy_done = True
                record = self._record("person", f"{first} {last}")
                records.append(record)
                people.append(Person(record_id=record.pk, account=self.account, first_name=first, last_name=last,
                                     background=self._text(1) if self.random.random() < 0.2 else "",
                                     sort_name=f"{last} {first}".lower(),
                                     match_name=person_name_key(first, last)))
                email = f"{first}.{last}.{record.pk}@example.com".lower()
                phone = self._phone()
                details += [
                    ContactDetail(account=self.account, record_id=record.pk, kind="email", value=email,
                                  normalized=email),
                    ContactDetail(account=self.account, record_id=record.pk, kind="mobile", value=phone,
                                  normalized=normalize_phone(phone), position=1)]
                if self.companies and self.random.random() < 0.8:
                    positions.append(Position(account=self.account, person_id=record.pk,
                                              company_id=self.random.choice(self.companies),
                                              job_title=self.random.choice(words.JOB_TITLES), is_primary=True))
                tags += self._tag_rows(record.pk)
                if self.random.random() < 0.9:
                    values.append(CustomValue(account=self.account, field=self.customer_number, record_id=record.pk,
                                              text_value=f"K-{record.pk:06d}"))
                watches.append(Watch(record_id=record.pk, user_id=self.owner.user.pk))
                self.people.append(record.pk)
            with transaction.atomic():
                for rows in (records, people, details, positions, tags, watches, values):
                    _save(rows)
        self.say(f"people: {self.size.people}")

    def deals_(self) -> None:
        ids = []
        for chunk in self._chunks(self.size.deals):
            records, deals = [], []
            for _ in chunk:
                name = f"{self.random.choice(words.DEAL_WORDS)} {self.random.choice(words.LAST_NAMES)}"
                record = self._record("deal", name)
                state = self.random.choice(["open", "open", "open", "won", "lost"])
                value = Decimal(self.random.randrange(500, 80000))
                target = (self.now + dt.timedelta(days=self.random.randrange(-400, 400))).date()
                records.append(record)
                deals.append(Deal(
                    record_id=record.pk, account=self.account, name=name, value=value, currency="EUR",
                    target_date=target, state=state,
                    probability=self.random.choice([0, 25, 50, 75]) if state == "open" else 0,
                    closed_at=record.updated_at if state != "open" else None,
                    company_id=self.random.choice(self.companies) if self.companies else None,
                    total_cents=int(value * 100), sort_name=name.lower()))
                ids.append(record.pk)
            with transaction.atomic():
                _save(records)
                _save(deals)
        self.deals = ids
        self.say(f"deals: {self.size.deals}")

    def tasks_(self) -> None:
        task_ids = _next_ids(Task)
        for chunk in self._chunks(self.size.task_count):
            tasks = []
            for _ in chunk:
                created = self._past(400)
                done = self.random.random() < 0.6
                tasks.append(Task(
                    id=next(task_ids), account=self.account, title=self.random.choice(words.TASK_TITLES),
                    type=self.random.choice(list(TaskType.values)), record_id=self.random.choice(self.people),
                    assignee=self.random.choice(self.users), created_by=self.owner.user,
                    due_date=(created + dt.timedelta(days=self.random.randrange(60))).date(),
                    done_at=created + dt.timedelta(days=3) if done else None, created_at=created,
                    updated_at=created))
            _save(tasks)
        self.say(f"tasks: {self.size.task_count}")

    def entries_(self) -> None:
        entry_ids = _next_ids(Entry)
        heavy = self.people[0]
        made = 0
        for chunk in self._chunks(self.size.entries):
            entries, links = [], []
            for number in chunk:
                happened = self._past()
                is_email = self.random.random() < 0.25
                entry = Entry(id=next(entry_ids), account=self.account,
                              kind=EntryKind.EMAIL if is_email else self.random.choice(
                                  [EntryKind.NOTE, EntryKind.NOTE, EntryKind.CALL, EntryKind.MEETING]),
                              subject=self.random.choice(words.EMAIL_SUBJECTS) if is_email else "",
                              body=self._text(self.random.randrange(1, 5)), author=self.random.choice(self.users),
                              happened_at=happened, confidential=self.random.random() < 0.05,
                              created_at=happened, updated_at=happened)
                entries.append(entry)
                person = heavy if number < min(HEAVY_ENTRIES, self.size.entries // 2) else \
                    self.random.choice(self.people)
                links.append(EntryLink(entry_id=entry.pk, record_id=person, happened_at=happened))
                if self.companies and self.random.random() < 0.3:
                    links.append(EntryLink(entry_id=entry.pk, record_id=self.random.choice(self.companies),
                                           happened_at=happened))
            with transaction.atomic():
                _save(entries)
                _save(links)
            made += len(chunk)
            if made % 100_000 < CHUNK:
                self.say(f"entries: {made}")


def _reset_sequences() -> None:
    """After inserts with explicit keys, PostgreSQL's sequences must move past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Record, Task, Entry, EntryLink, ContactDetail,
                                                                Position, RecordTag, Watch, Tag])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def bench_membership() -> Membership | None:
    return (Membership.objects.filter(account__name=BENCH_ACCOUNT, user__email=BENCH_EMAIL)
            .select_related("account", "user").first())


def generate(size: Size, seed: int = 1, noise_accounts: int = 3,
             say: Callable[[str], None] = print) -> Membership:
    """Builds the benchmark account (and `noise_accounts` small ones beside it) and its index."""
    started = time.monotonic()
    owner = account_actions.create_account(BENCH_ACCOUNT, BENCH_EMAIL, PASSWORD, owner_name="Bench Owner")
    accounts = [(owner, size)]
    for number in range(noise_accounts):
        noise_owner = account_actions.create_account(f"Noise {number} GmbH", f"noise{number}@kontor-bench.example",
                                                     PASSWORD, owner_name=f"Noise {number}")
        accounts.append((noise_owner, Size(max(size.people // 100, 20), max(size.companies // 100, 5),
                                           max(size.deals // 100, 5), max(size.entries // 100, 50))))
    for number, (membership, account_size) in enumerate(accounts):
        generator = Generator(membership.account, membership, account_size, seed + number,
                              say if number == 0 else lambda _text: None)
        generator.team()
        generator.companies_()
        generator.people_()
        generator.deals_()
        generator.tasks_()
        generator.entries_()
        _reset_sequences()
    # The rows went around the tagging actions, so the lists' tag counters are set from them.
    record_actions.recount_tags()
    say(f"rows written in {time.monotonic() - started:.0f} s; building the search index")
    search_index.reindex(progress=lambda name, count: say(f"index: {count} {name}") if count % 200_000 < 2000
                         else None)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    say(f"generated in {time.monotonic() - started:.0f} s")
    return owner
