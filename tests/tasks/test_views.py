"""The Tasks area and the buttons of each task, through real requests, with and without htmx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kontor.history.models import Entry
from kontor.tasks import actions
from kontor.tasks.models import CalendarFeed, Task, TaskType

from .conftest import make_task

HTMX = {"HTTP_HX_REQUEST": "true"}


def today() -> dt.date:
    return timezone.localdate()


def test_the_tasks_area_shows_my_open_tasks_in_time_groups(alice, bob, anna, clock):
    clock(dt.datetime.combine(today(), dt.time(9), tzinfo=dt.UTC))  # 10:00 in Berlin: 15:00 is ahead
    make_task(alice, "Overdue call", record=anna.record, due_date=today() - dt.timedelta(days=3))
    make_task(alice, "Due today", due_date=today(), due_time=dt.time(15, 0))
    make_task(alice, "Some day")
    make_task(bob, "Bob's task", due_date=today())
    response = alice.client.get(reverse("tasks:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="task-group-overdue"' in page and 'data-testid="task-group-today"' in page
    assert 'data-testid="task-group-no_date"' in page
    assert "Overdue call" in page and "Due today" in page and "Some day" in page
    assert "Bob&#x27;s task" not in page
    assert [t.title for t in response.context["rows"]] == ["Overdue call", "Due today", "Some day"]
    assert page.count("is-overdue") == 1
    assert f'href="/people/{anna.pk}/"' in page  # each task links to its record


def test_the_filters_show_a_colleagues_everyones_overdue_done_and_typed_tasks(alice, bob):
    old = make_task(alice, "Old", due_date=today() - dt.timedelta(days=1), type=TaskType.CALL)
    make_task(alice, "New", due_date=today() + dt.timedelta(days=1))
    bobs = make_task(bob, "Bob's", due_date=today())
    done = make_task(alice, "Finished")
    actions.complete_task(done, alice.membership)

    def titles(**query) -> list[str]:
        return [task.title for task in alice.client.get(reverse("tasks:list"), query).context["rows"]]

    assert titles(user=bob.user.pk) == [bobs.title]
    assert titles(user="all") == ["Old", "Bob's", "New"]
    assert titles(state="overdue") == [old.title]
    assert titles(type="call") == [old.title]
    assert titles(state="done") == ["Finished"]
    assert titles(user="999999", state="nonsense", type="party") == ["Old", "New"]  # unknown: defaults


def test_done_tasks_can_be_viewed_and_reopened(alice):
    task = make_task(alice, "Finished", due_date=today())
    actions.complete_task(task, alice.membership)
    page = alice.client.get(reverse("tasks:list"), {"state": "done"}).content.decode()
    assert "Done by Alice Adler" in page and 'data-testid="task-reopen"' in page
    response = alice.client.post(reverse("tasks:reopen", args=[task.pk]), **HTMX)
    assert response.status_code == 200 and 'data-testid="task-done"' in response.content.decode()
    task.refresh_from_db()
    assert task.done_at is None


def test_a_filter_change_with_htmx_answers_with_the_results_alone(alice):
    make_task(alice, "Mine", due_date=today())
    response = alice.client.get(reverse("tasks:list"), {"state": "open"}, HTTP_HX_TARGET="task-results",
                                **HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="task-results"') and "Mine" in page
    assert "calendar-card" not in page


def test_the_tasks_area_of_a_record_lists_its_tasks_of_all_colleagues(alice, bob, anna):
    make_task(bob, "On Anna", record=anna.record, due_date=today())
    make_task(alice, "Elsewhere", due_date=today())
    response = alice.client.get(reverse("tasks:list"), {"record": anna.pk, "user": "all"})
    assert [t.title for t in response.context["rows"]] == ["On Anna"]
    assert "Tasks on Anna Müller" in response.content.decode()


def test_the_calendar_card_offers_both_addresses(alice):
    page = alice.client.get(reverse("tasks:list")).content.decode()
    token = CalendarFeed.objects.get(membership=alice.membership).token
    assert f"http://127.0.0.1:8000/calendar/{token}.ics" in page
    assert f"webcal://127.0.0.1:8000/calendar/{token}.ics" in page
    assert "Google Calendar" in page and "Outlook" in page and "Apple Calendar" in page


def test_making_a_new_address_revokes_the_old_one(alice, client):
    old = actions.calendar_feed_for(alice.membership).token
    response = alice.client.post(reverse("tasks:regenerate_feed"))
    assert response.status_code == 302
    new = CalendarFeed.objects.get(membership=alice.membership).token
    assert new != old
    assert client.get(reverse("calendar:feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar:feed", args=[new])).status_code == 200


def test_the_rows_buttons_send_the_pages_one_form(alice, anna):
    """A form per row repeated its CSRF token, `next` and `placement` a hundred times; the buttons
    name the page's one form instead (form="task-actions"), with their own URL as formaction."""
    tasks = [make_task(alice, f"Task {number}", record=anna.record, due_date=today()) for number in range(3)]
    for url, placement in [(reverse("tasks:list") + "?state=open", "list"), (f"/people/{anna.pk}/", "record")]:
        page = alice.client.get(url).content.decode()
        assert page.count('id="task-actions"') == 1
        form = page[page.index('<form id="task-actions"'):]
        form = form[:form.index("</form>")]
        assert 'name="csrfmiddlewaretoken"' in form
        assert f'name="next" value="{url.replace("&", "&amp;")}"' in form
        assert f'name="placement" value="{placement}"' in form
        assert page.count('class="task-actions"') == 3 and '<form class="task-actions"' not in page
        assert page.count('form="task-actions"') == 9  # +1, +7 and Done on each of the three
        for task in tasks:
            assert page.count(f'formaction="/tasks/{task.pk}/postpone/"') == 2
            assert page.count(f'formaction="/tasks/{task.pk}/done/"') == 1


def test_the_feed_can_include_the_whole_team(alice):
    alice.client.post(reverse("tasks:feed_scope"), {"include_team": "on"})
    assert CalendarFeed.objects.get(membership=alice.membership).include_team
    alice.client.post(reverse("tasks:feed_scope"), {})
    assert not CalendarFeed.objects.get(membership=alice.membership).include_team


def test_the_tasks_area_needs_a_fixed_number_of_queries(alice, bob, anna, django_assert_max_num_queries):
    for number in range(60):
        make_task(alice, f"Task {number}", record=anna.record if number % 2 else None,
                  due_date=today() + dt.timedelta(days=number - 10) if number % 5 else None)
    alice.client.get(reverse("tasks:list"))  # the calendar feed is created on the first visit
    with django_assert_max_num_queries(7):
        response = alice.client.get(reverse("tasks:list"), {"user": "all"})
    assert len(response.context["rows"]) == 60
    with django_assert_max_num_queries(6):
        alice.client.get(reverse("tasks:list"), {"state": "done"})


def test_done_tasks_show_who_did_them_without_a_query_per_row(alice, bob, anna, django_assert_max_num_queries):
    """A page loads only the columns its rows show (queries.TaskLine); what they show needs no
    further query, done by whomever, on a record or not."""
    for number in range(20):
        task = make_task(alice, f"Task {number}", record=anna.record if number % 2 else None)
        actions.complete_task(task, bob.membership if number % 3 else alice.membership)
    alice.client.get(reverse("tasks:list"))  # the calendar feed is created on the first visit
    with django_assert_max_num_queries(6):
        response = alice.client.get(reverse("tasks:list"), {"state": "done", "user": "all"})
    page = response.content.decode()
    assert page.count('data-testid="task"') == 20
    assert page.count(f"Done by {bob.user.name}") == 13 and page.count(f"Done by {alice.user.name}") == 7
    assert page.count(f'href="/people/{anna.pk}/"') == 10


def test_a_long_list_is_split_into_pages_with_true_group_counts(alice):
    Task.objects.bulk_create([Task(account=alice.account, title=f"T{n}", assignee=alice.user,
                                   due_date=today() - dt.timedelta(days=1)) for n in range(130)])
    first = alice.client.get(reverse("tasks:list"))
    assert len(first.context["rows"]) == 100 and first.context["has_more"]
    assert first.context["groups"][0].count == 130
    second = alice.client.get(reverse("tasks:list"), {"page": 2})
    assert len(second.context["rows"]) == 30 and not second.context["has_more"]


def test_a_task_is_created_on_a_record_with_htmx(alice, bob, anna):
    response = alice.client.post(reverse("tasks:create"), {
        "record": anna.pk, "title": "Call about the offer", "type": "call", "due_date": "2025-06-02",
        "due_time": "14:30", "assignee": bob.user.pk, "description": ""}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#record-tasks-{anna.pk}"
    assert "Call about the offer" in response.content.decode()
    task = Task.objects.get()
    assert (task.record, task.assignee, task.due_date, task.due_time, task.type) == (
        anna.record, bob.user, dt.date(2025, 6, 2), dt.time(14, 30), "call")


def test_a_task_is_created_without_javascript_and_the_page_comes_back(alice, anna):
    response = alice.client.post(reverse("tasks:create"), {
        "record": anna.pk, "title": "Send brochure", "type": "task", "due_date": "", "due_time": "",
        "assignee": alice.user.pk, "next": f"/people/{anna.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/people/{anna.pk}/"
    assert Task.objects.get().title == "Send brochure"


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(alice, anna):
    data = {"record": anna.pk, "title": "Call", "type": "call", "due_date": "", "due_time": "09:00",
            "assignee": alice.user.pk}
    response = alice.client.post(reverse("tasks:create"), data, **HTMX)
    assert response.status_code == 200
    assert "A time needs a date" in response.content.decode()
    response = alice.client.post(reverse("tasks:create"), {**data, "due_date": "2025-13-45"})
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()
    assert not Task.objects.exists()


def test_a_task_cannot_be_given_to_someone_outside_the_team(alice, oscar, anna):
    response = alice.client.post(reverse("tasks:create"), {
        "record": anna.pk, "title": "Call", "type": "call", "assignee": oscar.user.pk})
    assert response.status_code == 200 and not Task.objects.exists()


def test_plus_one_and_plus_seven_with_htmx_answer_with_the_moved_row(alice, anna):
    task = make_task(alice, "Call", record=anna.record, due_date=dt.date(2030, 1, 31),
                     due_time=dt.time(9, 15))
    response = alice.client.post(reverse("tasks:postpone", args=[task.pk]),
                                 {"days": "1", "placement": "record"}, **HTMX)
    assert response.status_code == 200 and f'id="task-{task.pk}"' in response.content.decode()
    alice.client.post(reverse("tasks:postpone", args=[task.pk]), {"days": "7"}, **HTMX)
    task.refresh_from_db()
    assert (task.due_date, task.due_time) == (dt.date(2030, 2, 8), dt.time(9, 15))


def test_postponing_without_javascript_returns_to_the_page(alice, anna):
    task = make_task(alice, "Call", record=anna.record, due_date=dt.date(2025, 1, 31))
    response = alice.client.post(reverse("tasks:postpone", args=[task.pk]),
                                 {"days": "7", "next": "/tasks/?state=overdue"})
    assert response.status_code == 302 and response["Location"] == "/tasks/?state=overdue"
    response = alice.client.post(reverse("tasks:postpone", args=[task.pk]),
                                 {"days": "7", "next": "https://evil.example/"})
    assert response["Location"] == f"/people/{anna.pk}/"


def test_postponing_by_nonsense_changes_nothing(alice):
    task = make_task(alice, due_date=dt.date(2025, 1, 31))
    response = alice.client.post(reverse("tasks:postpone", args=[task.pk]), {"days": "-3"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_date == dt.date(2025, 1, 31) and task.version == 1


def test_done_with_htmx_shows_the_task_done_and_writes_history(carol, alice, anna):
    task = make_task(alice, "Call", record=anna.record, type=TaskType.CALL, due_date=today())
    response = carol.client.post(reverse("tasks:done", args=[task.pk]), {"placement": "record"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "is-done" in page
    entry = Entry.objects.get()
    assert (entry.subject, entry.body) == ("Call", "") and "Done: Call" in page
    # The history line comes along for the record's timeline, swapped in out of band.
    assert f'hx-swap-oob="afterbegin:#timeline-{anna.pk}"' in page and f'id="entry-{entry.pk}"' in page
    in_the_tasks_area = alice.client.post(reverse("tasks:reopen", args=[task.pk]), **HTMX)
    assert "hx-swap-oob" not in in_the_tasks_area.content.decode()


def test_editing_inline_and_saving(alice, anna):
    task = make_task(alice, "Call", record=anna.record, due_date=today())
    form = alice.client.get(reverse("tasks:edit", args=[task.pk]), {"placement": "record"}, **HTMX)
    assert 'data-testid="task-editing"' in form.content.decode()
    response = alice.client.post(reverse("tasks:edit", args=[task.pk]), {
        "title": "Call again", "type": "call", "due_date": "2025-07-01", "due_time": "",
        "assignee": alice.user.pk, "version": 1, "placement": "record"}, **HTMX)
    assert "Call again" in response.content.decode()
    task.refresh_from_db()
    assert (task.title, task.due_date, task.version) == ("Call again", dt.date(2025, 7, 1), 2)


def test_a_stale_edit_is_refused_with_a_message(alice, bob):
    task = make_task(alice, "Call", due_date=today())
    actions.update_task(task, bob.membership, {"title": "Bob's version"})
    response = alice.client.post(reverse("tasks:edit", args=[task.pk]), {
        "title": "Alice's version", "type": "task", "assignee": alice.user.pk, "version": 1})
    assert response.status_code == 200
    assert "Someone else changed this task" in response.content.decode()
    task.refresh_from_db()
    assert task.title == "Bob's version"


def test_a_member_cannot_delete_a_colleagues_task(alice, carol):
    task = make_task(alice, "Alice's")
    response = carol.client.post(reverse("tasks:delete", args=[task.pk]), **HTMX)
    assert response.status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()
    page = carol.client.get(reverse("tasks:list"), {"user": "all"}).content.decode()
    assert 'data-testid="task-delete"' not in page


def test_deleting_asks_first_without_javascript_then_deletes(alice, bob):
    task = make_task(alice, "Old")
    confirm = bob.client.get(reverse("tasks:delete", args=[task.pk]), {"next": "/tasks/"})
    assert confirm.status_code == 200 and "Delete the task “Old” for good?" in confirm.content.decode()
    assert Task.objects.filter(pk=task.pk).exists()
    response = bob.client.post(reverse("tasks:delete", args=[task.pk]), {"next": "/tasks/"})
    assert response.status_code == 302 and not Task.objects.exists()


@pytest.mark.parametrize("name", ["row", "edit", "postpone", "done", "reopen", "delete"])
def test_another_accounts_task_is_a_404(alice, oscar, name):
    task = make_task(alice, due_date=today())
    url = reverse(f"tasks:{name}", args=[task.pk])
    assert oscar.client.get(url).status_code in (404, 405)
    if name != "row":
        assert oscar.client.post(url, {"days": "1"}).status_code == 404
    task.refresh_from_db()
    assert (task.due_date, task.done_at, task.version) == (today(), None, 1)
