"""`kontor demo` reads like nine months of work: its activity is spread over them, its won deals
were won in different months, its deals have names of their own and the owner's bell is quiet."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from kontor.deals.models import Deal, DealState
from kontor.history.models import Activity, Entry, EntryLink
from kontor.notifications.models import Notification
from kontor.records.models import Record
from kontor.search.models import Document, DocumentKind

pytestmark = pytest.mark.django_db


def _demo(alice, people: int = 40, companies: int = 15) -> None:
    call_command("demo", "--account", str(alice.account.pk), "--password", "demo password 123",
                 "--people", str(people), "--companies", str(companies), stdout=io.StringIO())


def test_the_demos_activity_is_spread_over_nine_months(alice) -> None:
    _demo(alice)

    now = timezone.now()
    lines = Activity.objects.filter(account=alice.account)
    months = {(line.created_at.year, line.created_at.month) for line in lines}
    assert len(months) >= 6
    assert not lines.filter(created_at__gt=now - dt.timedelta(minutes=10)).exists()
    assert min(line.created_at for line in lines) > now - dt.timedelta(days=280)
    written = Entry.objects.filter(account=alice.account)
    assert not written.filter(happened_at__gt=now - dt.timedelta(minutes=10)).exists()
    # The demo's latest days are "today at 08:10", "yesterday at 11:45" and so on, and a moment still
    # to come moves to just before the demo ran: shortly after midnight the last ten fall on three
    # days, later in the day on four or five. Never on one.
    recent = Record.objects.filter(account=alice.account).order_by("-updated_at")[:10]
    assert len({record.updated_at.date() for record in recent}) >= 3
    assert not Record.objects.filter(account=alice.account, updated_at__gt=now - dt.timedelta(minutes=10)).exists()


def test_a_back_dated_entry_keeps_its_timeline_and_search_dates_in_step(alice) -> None:
    _demo(alice, people=12, companies=6)

    for link in EntryLink.objects.filter(entry__account=alice.account).select_related("entry"):
        assert link.happened_at == link.entry.happened_at
    for document in Document.objects.filter(account=alice.account, kind=DocumentKind.NOTE):
        assert document.sort_at == Entry.objects.get(pk=document.object_id).happened_at


def test_the_demos_won_deals_were_won_in_different_months_and_no_deal_name_repeats(alice) -> None:
    _demo(alice)

    deals = Deal.objects.filter(account=alice.account)
    names = list(deals.values_list("name", flat=True))
    assert len(names) >= 15
    assert len(set(names)) == len(names)
    won = deals.filter(state=DealState.WON)
    assert won.count() >= 3
    closed = [deal.closed_at for deal in won if deal.closed_at is not None]
    assert len(closed) == won.count()
    assert len({(moment.year, moment.month) for moment in closed}) >= 2
    assert all(moment < timezone.now() - dt.timedelta(minutes=10) for moment in closed)


def test_the_owner_starts_with_no_unread_notifications(alice) -> None:
    _demo(alice, people=20, companies=6)

    assert Notification.objects.filter(account=alice.account).exists()
    assert not Notification.objects.filter(account=alice.account, read_at__isnull=True).exists()


def test_back_dating_a_step_costs_the_same_queries_however_many_notes_it_wrote(
        alice, django_assert_max_num_queries) -> None:
    from kontor.contacts import actions as contact_actions
    from kontor.contacts.demo_clock import DemoClock
    from kontor.history import actions as history_actions

    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    clock = DemoClock(alice.account)
    with clock.step(timezone.now() - dt.timedelta(days=100)):
        for number in range(25):
            history_actions.add_note(alice.membership, [person.record], f"Notiz {number}")

    with django_assert_max_num_queries(16):
        clock._backdate_step(clock.steps[0])

    links = EntryLink.objects.filter(record=person.record).select_related("entry")
    assert len(links) == 25 and all(link.happened_at == link.entry.happened_at for link in links)
    assert max(link.happened_at for link in links) < timezone.now() - dt.timedelta(days=90)
