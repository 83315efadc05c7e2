"""The calendar feed, read back with the icalendar library event by event, as a calendar program
would read it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.records import actions as record_actions
from kontor.tasks import actions
from kontor.tasks.models import CalendarFeed, TaskType

from .conftest import make_task

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def feed_path(persona) -> str:
    return reverse("calendar:feed", args=[actions.calendar_feed_for(persona.membership).token])


def fetch(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, Calendar.from_ical(response.content)


def events(calendar) -> dict[str, Any]:
    return {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


def test_timed_tasks_are_events_in_the_assignees_time_zone_across_both_changes(alice, anna, client):
    call = make_task(alice, "Call", record=anna.record, type=TaskType.CALL,
                     due_date=dt.date(2025, 3, 28), due_time=dt.time(14, 0))
    meeting = make_task(alice, "Annual review", record=anna.record, type=TaskType.MEETING,
                        due_date=dt.date(2025, 3, 31), due_time=dt.time(9, 0))
    autumn = make_task(alice, "Visit the warehouse", type=TaskType.VISIT,
                       due_date=dt.date(2025, 10, 27), due_time=dt.time(9, 0))
    _response, calendar = fetch(client, feed_path(alice))
    found = events(calendar)

    event = found[f"task-{call.pk}"]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == dt.datetime(2025, 3, 28, 14, 0, tzinfo=BERLIN)
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert end - start == dt.timedelta(minutes=30)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert str(event["summary"]) == "Call: Anna Müller (Müller GmbH)"
    assert f"http://127.0.0.1:8000/people/{anna.pk}/" in str(event["description"])
    assert str(event["url"]) == f"http://127.0.0.1:8000/people/{anna.pk}/"
    assert not event.walk("VALARM")

    event = found[f"task-{meeting.pk}"]
    start = event.decoded("dtstart")
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 3, 31, 7, 0, tzinfo=dt.UTC)  # summer time: +2
    assert event.decoded("dtend") - start == dt.timedelta(hours=1)
    assert str(event["summary"]) == "Annual review: Anna Müller (Müller GmbH)"
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == dt.timedelta(minutes=-15)
    assert str(alarm["action"]) == "DISPLAY"

    event = found[f"task-{autumn.pk}"]
    assert event.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(2025, 10, 27, 8, 0, tzinfo=dt.UTC)
    assert str(event["summary"]) == "Visit the warehouse"
    assert not event.walk("VALARM")

    zones = [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/Berlin"]


def test_untimed_tasks_are_all_day_events_and_undated_ones_stay_out(alice, company, client):
    day = make_task(alice, "Send the brochure", record=company.record, due_date=dt.date(2025, 2, 28))
    meeting = make_task(alice, "Trade fair", type=TaskType.MEETING, due_date=dt.date(2025, 4, 2))
    undated = make_task(alice, "Some day")
    _response, calendar = fetch(client, feed_path(alice))
    found = events(calendar)
    event = found[f"task-{day.pk}"]
    assert event.decoded("dtstart") == dt.date(2025, 2, 28)
    assert not isinstance(event.decoded("dtstart"), dt.datetime)
    assert event.decoded("dtend") == dt.date(2025, 3, 1)
    assert str(event["summary"]) == "Send the brochure: Müller GmbH"
    assert str(event["transp"]) == "TRANSPARENT"
    (alarm,) = found[f"task-{meeting.pk}"].walk("VALARM")
    assert alarm.decoded("trigger") == dt.timedelta(hours=9)  # 9:00 on the day
    assert f"task-{undated.pk}" not in found


def test_a_nonexistent_wall_clock_time_is_read_as_the_clients_do(alice, client):
    # 02:30 does not exist on 30 March 2025 in Berlin; RFC 5545 reads it with the offset before the gap.
    task = make_task(alice, "Early", due_date=dt.date(2025, 3, 30), due_time=dt.time(2, 30))
    _response, calendar = fetch(client, feed_path(alice))
    event = events(calendar)[f"task-{task.pk}"]
    assert event["dtstart"].to_ical() == b"20250330T023000"
    assert event["dtend"].to_ical() == b"20250330T040000"  # 30 real minutes later: 04:00 summer time


def test_an_event_in_the_hour_that_happens_twice_still_ends_after_it_starts(alice, client):
    # 02:45 on 26 October 2025 happens twice in Berlin; the first time (summer time) is meant.
    task = make_task(alice, "Night call", due_date=dt.date(2025, 10, 26), due_time=dt.time(2, 45))
    _response, calendar = fetch(client, feed_path(alice))
    event = events(calendar)[f"task-{task.pk}"]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 10, 26, 0, 45, tzinfo=dt.UTC)
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(minutes=30)


def test_a_birthday_on_29_february_comes_every_year(alice, anna, client):
    _response, calendar = fetch(client, feed_path(alice))
    event = events(calendar)[f"birthday-{anna.pk}"]
    assert str(event["summary"]) == "Birthday: Anna Müller"
    assert event.decoded("dtstart") == dt.date(1984, 2, 29)
    assert event.decoded("dtend") == dt.date(1984, 3, 1)
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=dt.datetime(1984, 2, 29))
    years = [day.date() for day in rule.between(dt.datetime(2025, 1, 1), dt.datetime(2029, 1, 1))]
    assert years == [dt.date(2025, 2, 28), dt.date(2026, 2, 28), dt.date(2027, 2, 28), dt.date(2028, 2, 29)]


def test_an_ordinary_birthday_is_yearly_and_people_in_the_trash_have_none(alice, client):
    ben = contact_actions.create_person(alice.membership, {"first_name": "Ben", "last_name": "Bauer",
                                                           "birthday": dt.date(1990, 7, 14)})
    gone = contact_actions.create_person(alice.membership, {"last_name": "Weg",
                                                            "birthday": dt.date(1970, 1, 1)})
    record_actions.trash_record(gone.record, alice.membership)
    _response, calendar = fetch(client, feed_path(alice))
    found = events(calendar)
    assert found[f"birthday-{ben.pk}"]["rrule"].to_ical() == b"FREQ=YEARLY"
    assert f"birthday-{gone.pk}" not in found


def test_a_done_task_disappears_from_the_feed(alice, client):
    task = make_task(alice, "Call back", due_date=dt.date(2025, 6, 2))
    path = feed_path(alice)
    first, calendar = fetch(client, path)
    assert f"task-{task.pk}" in events(calendar)
    actions.complete_task(task, alice.membership)
    second, calendar = fetch(client, path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert f"task-{task.pk}" not in events(calendar)
    assert second["ETag"] != first["ETag"]


def test_the_feed_shows_only_the_users_tasks_unless_the_whole_team_is_wanted(alice, bob, anna, client):
    mine = make_task(alice, "Mine", due_date=dt.date(2025, 6, 2))
    theirs = make_task(bob, "Call", record=anna.record, type=TaskType.CALL, due_date=dt.date(2025, 6, 3))
    path = feed_path(alice)
    _response, calendar = fetch(client, path)
    assert set(events(calendar)) >= {f"task-{mine.pk}"} and f"task-{theirs.pk}" not in events(calendar)
    actions.set_calendar_feed_scope(alice.membership, include_team=True)
    _response, calendar = fetch(client, path)
    event = events(calendar)[f"task-{theirs.pk}"]
    assert str(event["summary"]) == "Call: Anna Müller (Müller GmbH) · Bob Berger"
    assert "Assigned to Bob Berger" in str(event["description"])


def test_a_colleague_in_another_time_zone_brings_their_zone_along(alice, bob, client):
    account_actions.update_profile(bob.user, bob.user.name, bob.user.email, "en", "America/New_York")
    actions.set_calendar_feed_scope(alice.membership, include_team=True)
    task = make_task(bob, "Call from New York", due_date=dt.date(2025, 3, 12), due_time=dt.time(9, 0))
    _response, calendar = fetch(client, feed_path(alice))
    event = events(calendar)[f"task-{task.pk}"]
    assert event.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(2025, 3, 12, 13, 0, tzinfo=dt.UTC)
    assert sorted(str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")) == ["America/New_York"]


def test_text_is_escaped_and_long_lines_are_folded_without_breaking_characters(alice, client):
    title = "Übergabe; Preise, Rabatte \\ Ärger " + "ü" * 80
    description = "Erste Zeile\nZweite Zeile, mit Komma; und Semikolon"
    task = make_task(alice, title, due_date=dt.date(2025, 6, 2), description=description)
    response, calendar = fetch(client, feed_path(alice))
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    event = events(calendar)[f"task-{task.pk}"]
    assert str(event["summary"]) == title
    assert str(event["description"]).startswith(description + "\n\n")


def test_a_revoked_or_wrong_token_gets_404(alice, client):
    old_path = feed_path(alice)
    assert client.get(old_path).status_code == 200
    feed = actions.regenerate_calendar_feed(alice.membership)
    assert client.get(old_path).status_code == 404
    assert client.get(reverse("calendar:feed", args=[feed.token])).status_code == 200
    assert client.get(reverse("calendar:feed", args=["not-a-token"])).status_code == 404


def test_a_deactivated_colleagues_feed_stops_working(alice, bob, client):
    path = feed_path(bob)
    assert client.get(path).status_code == 200
    account_actions.deactivate_membership(bob.membership, alice.membership)
    assert client.get(path).status_code == 404


def test_an_unchanged_feed_answers_304_to_either_kind_of_conditional_request(alice, client):
    make_task(alice, due_date=dt.date(2025, 6, 2))
    path = feed_path(alice)
    first, _calendar = fetch(client, path)
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_deleted_task_moves_last_modified_on(alice, client):
    task = make_task(alice, due_date=dt.date(2025, 6, 2))
    path = feed_path(alice)
    first, _calendar = fetch(client, path)
    actions.delete_task(task, alice.membership)
    second, calendar = fetch(client, path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert f"task-{task.pk}" not in events(calendar)
    assert second["Last-Modified"] != first["Last-Modified"]
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=second["Last-Modified"]).status_code == 304


def test_renaming_the_person_changes_the_feed(alice, anna, client):
    make_task(alice, "Call", record=anna.record, due_date=dt.date(2025, 6, 2))
    path = feed_path(alice)
    first, _calendar = fetch(client, path)
    contact_actions.update_person(anna, alice.membership, {"last_name": "Schmidt"})
    second, calendar = fetch(client, path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert "Call: Anna Schmidt (Müller GmbH)" in [str(e["summary"]) for e in calendar.walk("VEVENT")]


def test_the_feed_needs_a_fixed_number_of_queries(alice, bob, company, client, django_assert_max_num_queries):
    actions.set_calendar_feed_scope(alice.membership, include_team=True)
    for number in range(30):
        person = contact_actions.create_person(
            alice.membership, {"last_name": f"Kunde {number}", "birthday": dt.date(1980, 1, 1 + number)},
            contact_actions.Details(positions=[contact_actions.PositionData(company, is_primary=True)]))
        make_task(alice if number % 2 else bob, "Call", record=person.record, type=TaskType.MEETING,
                  due_date=dt.date(2025, 6, 1 + number % 28), due_time=dt.time(9) if number % 3 else None)
    path = feed_path(alice)
    with django_assert_max_num_queries(8):
        first = client.get(path)
    assert first.status_code == 200
    assert len(Calendar.from_ical(first.content).walk("VEVENT")) == 60
    with django_assert_max_num_queries(4):
        assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_feed_remembers_its_fingerprint_in_the_database(alice, client):
    path = feed_path(alice)
    response = client.get(path)
    feed = CalendarFeed.objects.get(membership=alice.membership)
    assert response["ETag"] == f'"{feed.content_etag}"'


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_feed_only_reads(alice, client, method):
    assert getattr(client, method)(feed_path(alice)).status_code == 405
