"""`kontor demo`: sample data written through the real actions, repeatable, never twice."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from kontor.accounts.models import Account, Membership
from kontor.accounts.roles import Role
from kontor.contacts import demo_data
from kontor.contacts.models import Company, ContactDetail, Person, Position
from kontor.deals.models import Deal
from kontor.history.models import Entry
from kontor.records.models import Record, Tag
from kontor.tasks.models import Task

PASSWORD = "demo password 123"


def _demo(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, **{"password": PASSWORD, "people": 8, "companies": 4, **options})
    return out.getvalue()


@pytest.mark.django_db
def test_demo_creates_demo_gmbh_whose_owner_and_colleagues_can_log_in_with_the_printed_password() -> None:
    output = _demo()

    account = Account.objects.get(name="Demo GmbH")
    roles = dict(Membership.objects.filter(account=account).values_list("user__email", "role"))
    assert roles == {"demo@example.com": Role.OWNER, "lena.schneider@kontor-demo.example": Role.ADMIN,
                     "jonas.weber@kontor-demo.example": Role.POWER,
                     "mia.fischer@kontor-demo.example": Role.MEMBER}
    assert authenticate(username="demo@example.com", password=PASSWORD) is not None
    assert authenticate(username="mia.fischer@kontor-demo.example", password=PASSWORD) is not None
    assert PASSWORD in output
    assert f"Demo GmbH (account {account.pk}): 8 people, 4 companies," in output


@pytest.mark.django_db
def test_demo_without_a_password_prints_a_random_one_that_works() -> None:
    out = io.StringIO()
    call_command("demo", people=1, companies=1, stdout=out)

    owner_line = next(line for line in out.getvalue().splitlines() if "demo@example.com" in line)
    password = owner_line.split("password:")[1].strip()
    assert len(password) >= 12
    assert authenticate(username="demo@example.com", password=password) is not None


@pytest.mark.django_db
def test_demo_fills_an_existing_account_and_nothing_else(alice, oscar) -> None:
    _demo("--account", str(alice.account.pk))

    assert Person.objects.filter(account=alice.account).count() == 8
    assert Company.objects.filter(account=alice.account).count() == 4
    assert Entry.objects.filter(account=alice.account).exists()
    assert not Record.objects.filter(account=oscar.account).exists()
    assert not Account.objects.filter(name="Demo GmbH").exists()
    assert alice.user.check_password("correct horse battery staple")


@pytest.mark.django_db
def test_the_demo_looks_lived_in(alice) -> None:
    _demo("--account", str(alice.account.pk), people=30, companies=6)

    people = Person.objects.filter(account=alice.account)
    assert {"de", "en"} <= set(people.values_list("language", flat=True))
    assert Position.objects.filter(account=alice.account).exclude(job_title="").count() >= 20
    kinds = set(ContactDetail.objects.filter(account=alice.account).values_list("kind", flat=True))
    assert {"email", "phone", "mobile", "website"} <= kinds
    assert any(value.startswith(("+49", "0")) for value in ContactDetail.objects.filter(
        account=alice.account, kind="phone").values_list("value", flat=True))
    assert {"Kunde", "Lead", "Newsletter"} <= set(Tag.objects.filter(account=alice.account)
                                                  .values_list("name", flat=True))
    entries = Entry.objects.filter(account=alice.account)
    assert entries.count() >= 30
    assert {"note", "call", "meeting"} <= set(entries.values_list("kind", flat=True))
    oldest, newest = min(e.happened_at for e in entries), max(e.happened_at for e in entries)
    assert (newest - oldest).days > 60
    tasks = Task.objects.filter(account=alice.account)
    assert tasks.filter(done_at__isnull=True, due_date__isnull=False).exists()
    assert tasks.values("record").distinct().count() == tasks.count()  # at most one follow-up per person
    deals = Deal.objects.filter(account=alice.account).prefetch_related("people__positions")
    assert len({deal.state for deal in deals}) >= 2
    assert all(position.company_id == deal.company_id for deal in deals for person in deal.people.all()
               for position in person.positions.all() if position.is_primary)
    legal_forms = {" GmbH", " AG", " KG", " Ltd"}
    assert all(any(form in company.name for form in legal_forms)
               for company in Company.objects.filter(account=alice.account))


@pytest.mark.django_db
def test_only_colleagues_who_may_write_confidential_notes_wrote_the_confidential_ones(alice) -> None:
    _demo("--account", str(alice.account.pk), people=40, companies=6)

    confidential = Entry.objects.filter(account=alice.account, confidential=True)
    assert confidential.exists()
    members = Membership.objects.filter(account=alice.account, role=Role.MEMBER)
    assert not confidential.filter(author__in=members.values_list("user", flat=True)).exists()


@pytest.mark.django_db
def test_running_the_demo_twice_adds_nothing_and_says_so(alice) -> None:
    _demo("--account", str(alice.account.pk))
    people_before = Person.objects.filter(account=alice.account).count()

    output = _demo("--account", str(alice.account.pk))

    assert "already has the demo data; nothing was added" in output
    assert Person.objects.filter(account=alice.account).count() == people_before


@pytest.mark.django_db
def test_running_the_demo_twice_without_account_reuses_demo_gmbh() -> None:
    _demo()
    output = _demo()

    assert Account.objects.filter(name="Demo GmbH").count() == 1
    assert "already has the demo data" in output


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_people(alice, oscar) -> None:
    _demo("--account", str(alice.account.pk), seed=7)
    _demo("--account", str(oscar.account.pk), seed=7)

    def names(account: Account) -> list[tuple[str, str]]:
        return sorted(Person.objects.filter(account=account).values_list("first_name", "last_name"))

    assert names(alice.account) == names(oscar.account)


@pytest.mark.django_db
def test_a_second_account_reuses_the_demo_colleagues_without_changing_their_password(alice, oscar) -> None:
    _demo("--account", str(alice.account.pk))
    output = _demo("--account", str(oscar.account.pk), password="another password 456")

    assert authenticate(username="lena.schneider@kontor-demo.example", password=PASSWORD) is not None
    assert "another password 456" not in output
    assert Membership.objects.filter(account=oscar.account,
                                     user__email="lena.schneider@kontor-demo.example").exists()


@pytest.mark.django_db
def test_demo_refuses_an_unknown_account_and_bad_counts() -> None:
    with pytest.raises(CommandError, match="no account with the id 999"):
        _demo("--account", "999")
    with pytest.raises(CommandError, match="cannot be negative"):
        _demo(people=-1)
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_a_demo_that_fails_half_way_leaves_nothing_behind(alice, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(demo_data, "_write_company_notes", broken)

    with pytest.raises(RuntimeError, match="the disk is full"):
        _demo("--account", str(alice.account.pk))

    assert not Person.objects.filter(account=alice.account).exists()
    assert Membership.objects.filter(account=alice.account).count() == 1
    monkeypatch.undo()
    assert "already has the demo data" not in _demo("--account", str(alice.account.pk))
