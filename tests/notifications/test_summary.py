"""The weekly summary: Monday 07:00 in each user's time zone (across summer time), once a week,
with last week's happenings, the coming week's tasks and the deals due; the opt-out and the
signed unsubscribe link; `kontor weeklysummary`."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.notifications import mails, summary
from kontor.notifications.models import WEEKLY_SUMMARY, MailPreference, WeeklySummarySent
from kontor.records import actions as record_actions
from kontor.records.models import Record
from kontor.tasks import actions as task_actions
from tests.notifications.conftest import html_of, text_of

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _at(year: int, month: int, day: int, hour: int, minute: int = 0, zone: str = "Europe/Berlin") -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.mark.parametrize(("moment", "due"), [
    (_at(2026, 3, 2, 6, 59), False),  # Monday, a minute early
    (_at(2026, 3, 2, 7, 0), True),
    (_at(2026, 3, 2, 18, 0), True),
    (_at(2026, 3, 3, 7, 0), False),  # Tuesday
    (_at(2026, 3, 30, 7, 0), True),  # the Monday after the clocks went forward
    (_at(2026, 10, 26, 7, 0), True),  # the Monday after they went back
    (_at(2026, 10, 26, 6, 0), False),
])
def test_the_summary_is_due_from_monday_seven_in_the_users_time_zone(moment, due):
    assert summary.is_due(moment.astimezone(dt.UTC), "Europe/Berlin") is due


def test_seven_in_new_york_is_hours_after_seven_in_berlin():
    berlin_seven = _at(2026, 3, 2, 7, 0).astimezone(dt.UTC)
    assert not summary.is_due(berlin_seven, "America/New_York")  # still Monday 01:00 there
    assert summary.is_due(_at(2026, 3, 2, 7, 0, "America/New_York"), "America/New_York")


def test_the_periodic_check_sends_each_user_one_summary_a_week(alice, bob, smtp):
    bob.user.time_zone = "America/New_York"
    bob.user.save()
    berlin_seven = _at(2026, 3, 2, 7, 0)
    assert summary.send_due_summaries(berlin_seven) == 1  # Alice (Berlin); Bob sleeps
    assert [rcpt for rcpt in smtp.envelopes] == [[alice.user.email]]
    assert summary.send_due_summaries(berlin_seven + dt.timedelta(minutes=15)) == 0
    new_york_seven = _at(2026, 3, 2, 7, 0, "America/New_York")
    assert summary.send_due_summaries(new_york_seven) == 1
    assert smtp.envelopes[-1] == [bob.user.email]
    assert summary.send_due_summaries(_at(2026, 3, 9, 7, 5)) == 1  # next week: Alice again
    assert WeeklySummarySent.objects.count() == 3


def test_the_summary_tells_last_week_and_the_coming_one(alice, bob, smtp):
    now = _at(2026, 3, 2, 7, 0)
    last_week = _at(2026, 2, 25, 10, 0)
    person = contact_actions.create_person(alice.membership, {"last_name": "Neumann"})
    company = contact_actions.create_company(alice.membership, {"name": "Frisch GmbH"})
    Record.objects.filter(pk__in=[person.pk, company.pk]).update(created_at=last_week)
    history_actions.add_note(bob.membership, [person.record], "Talked about the roof", happened_at=last_week)
    deal = deal_actions.create_deal(alice.membership, {"name": "Dach", "value": "12000",
                                                       "target_date": dt.date(2026, 3, 10)})
    Record.objects.filter(pk=deal.pk).update(created_at=last_week)
    won = deal_actions.create_deal(alice.membership, {"name": "Fassade", "value": "5000"})
    deal_actions.win_deal(won, alice.membership)
    type(won).objects.filter(pk=won.pk).update(closed_at=last_week)
    task_actions.create_task(alice.membership, {"title": "Send the contract", "due_date": dt.date(2026, 3, 4)})
    task_actions.create_task(alice.membership, {"title": "Far away", "due_date": dt.date(2026, 4, 30)})

    built = summary.build_summary(alice.membership, now)
    assert [r.display_name for r in built.new_people] == ["Neumann"]
    assert [r.display_name for r in built.new_companies] == ["Frisch GmbH"]
    assert [e.body for e in built.entries] == ["Talked about the roof"]
    assert [d.name for d in built.new_deals] == ["Dach"]
    assert [d.name for d in built.won_deals] == ["Fassade"]
    assert [t.title for t in built.tasks] == ["Send the contract"]
    assert [d.name for d in built.due_deals] == ["Dach"]

    assert summary.send_summary(alice.membership, now)
    [message] = smtp.messages
    text = text_of(message)
    assert message["Subject"].strip() == "Your week in Kontor: Müller & Söhne GmbH"
    assert "Neumann" in text and "Send the contract" in text and "Far away" not in text
    assert f"https://kontor.example.com{person.get_absolute_url()}" in text
    assert "Fassade (5,000.00 EUR)" in text
    assert "Neumann" in html_of(message)


def test_the_summary_speaks_the_users_language(alice, smtp):
    alice.user.language = "de"
    alice.user.save()
    summary.send_summary(alice.membership, _at(2026, 3, 2, 7, 0))
    [message] = smtp.messages
    assert "Hallo Alice Adler" in text_of(message)


def test_opted_out_and_deactivated_users_get_no_summary(alice, bob, carol, smtp):
    from kontor.accounts import actions as account_actions

    MailPreference.objects.create(user=bob.user, type=WEEKLY_SUMMARY, email=False)
    account_actions.deactivate_membership(carol.membership, alice.membership)
    assert summary.send_due_summaries(_at(2026, 3, 2, 8, 0)) == 1
    assert smtp.envelopes == [[alice.user.email]]


def test_the_unsubscribe_link_works_without_logging_in(alice, client, smtp):
    summary.send_summary(alice.membership, _at(2026, 3, 2, 7, 0))
    link = smtp.messages[0]["List-Unsubscribe"].strip()[1:-1]
    path = link.removeprefix("https://kontor.example.com")
    assert client.get(path).status_code == 200  # asks first: mail scanners open links
    assert not MailPreference.objects.filter(user=alice.user).exists()
    response = client.post(path)
    assert response.status_code == 200
    assert "You have been unsubscribed" in response.content.decode()
    assert MailPreference.objects.get(user=alice.user, type=WEEKLY_SUMMARY).email is False
    assert summary.send_due_summaries(_at(2026, 3, 9, 7, 0)) == 0


def test_a_forged_unsubscribe_link_is_refused(alice, client):
    token = mails.unsubscribe_token(alice.user, WEEKLY_SUMMARY)
    assert client.post(f"/notifications/unsubscribe/{token[:-2]}xx/").status_code == 404
    assert not MailPreference.objects.filter(user=alice.user).exists()


def test_the_command_sends_one_users_summary_now(alice, bob, smtp):
    out = io.StringIO()
    call_command("weeklysummary", "--user", bob.user.email, "--now", stdout=out)
    assert "Sent 1 weekly summaries." in out.getvalue()
    assert smtp.envelopes == [[bob.user.email]]


def test_the_command_without_now_sends_only_what_is_due(alice, smtp, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: _at(2026, 3, 3, 9, 0).astimezone(dt.UTC))  # a Tuesday
    out = io.StringIO()
    call_command("weeklysummary", stdout=out)
    assert "Sent 0 weekly summaries." in out.getvalue()
    assert smtp.messages == []


def test_the_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no active user"):
        call_command("weeklysummary", "--user", "nobody@example.com", "--now")


def test_following_counts_only_notes_on_followed_records(alice, bob, smtp):
    followed = contact_actions.create_person(bob.membership, {"last_name": "Gefolgt"})
    other = contact_actions.create_person(bob.membership, {"last_name": "Fremd"})
    record_actions.watch(followed.record, alice.user)
    when = _at(2026, 2, 26, 9, 0)
    history_actions.add_note(bob.membership, [followed.record], "Seen", happened_at=when)
    history_actions.add_note(bob.membership, [other.record], "Unseen", happened_at=when)
    built = summary.build_summary(alice.membership, _at(2026, 3, 2, 7, 0))
    assert [e.body for e in built.entries] == ["Seen"]
    assert timezone.is_aware(when)
