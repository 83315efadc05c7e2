"""A page's task rows, made from one skeleton per shape of row (kontor/tasks/rows.py): each row shows
its own texts, escaped, whatever they contain, and only the parts its shape has."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation

from kontor.lib.stamped import STAND_IN
from kontor.tasks import actions, rows

from .conftest import make_task

ODD_TITLE = f'<b>%(id)s %s 100% {STAND_IN} & "quoted"'


def test_a_title_of_placeholders_and_markup_is_shown_as_written(alice, anna):
    task = make_task(alice, ODD_TITLE, record=anna.record, description="50% off\nsee https://example.com")
    page = alice.client.get(reverse("tasks:list"), {"user": "all", "x": str(STAND_IN)}).content.decode()
    escaped = f"&lt;b&gt;%(id)s %s 100% {STAND_IN} &amp; &quot;quoted&quot;"
    assert f'<span class="task-name" data-testid="task-title">{escaped}</span>' in page
    assert f"Select {escaped}" in page and f"Delete the task “{escaped}”?" in page
    assert f'id="task-{task.pk}"' in page and f'href="/tasks/{task.pk}/edit/?next=' in page
    assert f"%26x%3D{STAND_IN}" in page  # the page's own address, with the stand-in's digits, untouched
    assert '50% off<br>see <a href="https://example.com" rel="nofollow">https://example.com</a>' in page


def test_rows_of_different_shapes_on_one_page_show_only_their_own_parts(alice, bob, carol, anna):
    today = timezone.localdate()
    overdue = make_task(alice, "Overdue", record=anna.record, due_date=today - dt.timedelta(days=2))
    timed = make_task(bob, "Timed", assignee=bob, due_date=today + dt.timedelta(days=1), due_time=dt.time(9))
    undated = make_task(carol, "Undated", assignee=carol)
    page = carol.client.get(reverse("tasks:list"), {"user": "all"}).content.decode()
    rows = {task.pk: page[page.index(f'id="task-{task.pk}"'):].split("</li>")[0]
            for task in (overdue, timed, undated)}
    assert 'title="Overdue"' in rows[overdue.pk] and "/people/" in rows[overdue.pk]
    assert f'datetime="{timed.due_date.isoformat()}T09:00"' in rows[timed.pk] and "/people/" not in rows[timed.pk]
    assert "datetime=" not in rows[undated.pk] and "No date" in rows[undated.pk]
    # a member deletes only the tasks she made or has
    assert [pk for pk, row in rows.items() if "task-delete" in row] == [undated.pk]
    actions.complete_task(timed, alice.membership)
    done_page = carol.client.get(reverse("tasks:list"), {"user": "all", "state": "done"}).content.decode()
    assert "Done by Alice Adler" in done_page and f'hx-post="/tasks/{timed.pk}/reopen/"' in done_page


def test_a_day_is_written_in_the_reader_s_language_each_time():
    today, later = dt.date(2026, 12, 4), dt.date(2027, 3, 15)
    with translation.override("de"):
        assert rows.due_day(later, today) == "15. März 2027"
        assert rows.due_day(dt.date(2026, 12, 8), today) == "Dienstag"
    with translation.override("en"):
        assert rows.due_day(later, today) == "March 15, 2027"
        assert rows.due_day(dt.date(2026, 12, 8), today) == "Tuesday"
    with translation.override("de"):
        assert rows.due_day(later, today) == "15. März 2027"
