"""The Tasks area, the task actions behind each task's buttons (+1, +7, edit, done, delete), and
the public calendar feed.

A task's buttons sit on record pages and in the Tasks area. With htmx each answers with the task's
row (or nothing, once deleted); without JavaScript each is a form post that returns to the page it
came from (`next`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import date_format
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership, User
from kontor.accounts.queries import Colleague, active_colleagues
from kontor.accounts.requests import MemberRequest
from kontor.lib.params import local_path, parse_id, parse_int
from kontor.records.access import access_record, access_task
from kontor.records.models import ListKind, Record
from kontor.records.saved_views import opens_default_view
from kontor.tasks import actions, queries, rows
from kontor.tasks import feed as calendar
from kontor.tasks.forms import CalendarScopeForm, TaskEditForm, TaskForm
from kontor.tasks.models import CalendarFeed, Task
from kontor.tasks.sections import area_fields, record_section


def _next_url(request: HttpRequest, fallback: str) -> str:
    """Where a form post returns to: the page it came from, if that is on this site."""
    return local_path(request, request.POST.get("next") or request.GET.get("next"), fallback)


def _fallback(task: Task) -> str:
    """Where to return without a `next`: the task's record, or the Tasks area."""
    return task.record.get_absolute_url() if task.record is not None else reverse("tasks:list")


def _row(request: MemberRequest, task: Task) -> HttpResponse:
    """The task as one row, shown where it was clicked (on a record page or in the Tasks area)."""
    membership: Membership = request.membership
    clock = queries.clock_for(membership, timezone.now())
    return HttpResponse(rows.task_rows(membership, [task], clock, _placement(request),
                                       _next_url(request, _fallback(task))))


def _placement(request: HttpRequest) -> str:
    """Where the task's row is shown: on a record page ("record") or in the Tasks area ("list")."""
    return "record" if request.POST.get("placement", request.GET.get("placement")) == "record" else "list"


def _id(value: str) -> int | None:
    return parse_id(value)


@require_safe
@member_required
@opens_default_view(ListKind.TASK)
def overview(request: MemberRequest) -> HttpResponse:
    """The Tasks area: tasks by time group (or done tasks, newest first), with filters and the
    calendar subscription in the right column."""
    membership = request.membership
    clock = queries.clock_for(membership, timezone.now())
    today, time = clock.date(), clock.time()
    filters = queries.TaskFilters.from_query(membership, request.GET)
    record = _filter_record(membership, filters)
    tasks = queries.filtered_tasks(membership, filters, clock)
    page_rows, has_more = queries.page_of(tasks, filters.page, done=filters.state == queries.State.DONE)
    groups = None if filters.state == queries.State.DONE else queries.group_tasks(
        page_rows, today, queries.group_counts(tasks, today, time), time)
    colleagues = active_colleagues(membership.account)
    next_url = request.get_full_path()
    context = {"filters": filters, "rows": page_rows, "groups": groups, "has_more": has_more, "today": today,
               "clock": clock, "row_page": rows.RowPage(membership, clock, "list", next_url, bulk=True),
               # As (id, name) rows: the filter's and the bulk bar's choices, what they are kept by.
               "record": record, "colleagues": [Colleague.of(member) for member in colleagues], "placement": "list",
               "states": queries.State.CHOICES, "next": next_url}
    if request.htmx and request.htmx.target == "task-results":
        return render(request, "tasks/overview.html#results", context)
    feed = actions.calendar_feed_for(membership)
    form = TaskForm(colleagues=colleagues, prefix_id="new",
                    initial={"assignee": membership.user.pk})
    return render(request, "tasks/overview.html", {**context, "feed": feed, "task_form": form,
                                                   "task_fields": area_fields(colleagues, membership),
                                                   **_feed_urls(feed)})


def _filter_record(membership: Membership, filters: queries.TaskFilters) -> Record | None:
    if filters.record_id is None:
        return None
    try:
        return access_record(membership, filters.record_id)
    except Http404:
        filters.record_id = None
        return None


def _feed_urls(feed: CalendarFeed) -> dict[str, str]:
    return {"feed_https": calendar.feed_url(feed), "feed_webcal": calendar.feed_url(feed, "webcal")}


@require_POST
@member_required
def create(request: MemberRequest) -> HttpResponse:
    """Creates a task, on the record named in the form or on none (from the Tasks area)."""
    membership = request.membership
    record_id = _id(request.POST.get("record", ""))
    record = access_record(membership, record_id) if record_id is not None else None
    colleagues = active_colleagues(membership.account)
    form = TaskForm(request.POST, colleagues=colleagues, prefix_id=f"record{record.pk}" if record else "new")
    if form.is_valid():
        try:
            actions.create_task(membership, form.task_fields(), record=record,
                                assignee=_colleague(colleagues, form.cleaned_data["assignee"]))
        except ValidationError as error:
            _add_errors(form, error)
    if request.htmx and record is not None:
        section = record_section(membership, record, form=None if form.is_valid() else form)
        response = render(request, "tasks/_record_tasks.html", section)
        return reswap(retarget(response, f"#record-tasks-{record.pk}"), "outerHTML")
    if not form.is_valid():
        return render(request, "tasks/new.html", {"task_form": form, "record": record,
                                                  "next": _next_url(request, "")})
    messages.success(request, _("The task has been saved."))
    return redirect(_next_url(request, record.get_absolute_url() if record else "tasks:list"))


def _colleague(colleagues: list[Membership], user_id: int | None) -> User | None:
    return next((member.user for member in colleagues if member.user.pk == user_id), None)


def _add_errors(form: TaskForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


@require_safe
@member_required
def row(request: MemberRequest, task_id: int) -> HttpResponse:
    """One task as a row (htmx: cancelling an inline edit); without htmx, its edit page."""
    task = access_task(request.membership, task_id)
    if not request.htmx:
        return redirect("tasks:edit", task.pk)
    return _row(request, task)


@require_http_methods(["GET", "POST"])
@member_required
def edit(request: MemberRequest, task_id: int) -> HttpResponse:
    membership = request.membership
    task = access_task(membership, task_id)
    colleagues = active_colleagues(membership.account)
    form = TaskEditForm(request.POST or None, colleagues=colleagues, prefix_id=f"task{task.pk}", initial={
        "title": task.title, "type": task.type, "due_date": task.due_date, "due_time": task.due_time,
        "assignee": task.assignee_id, "description": task.description, "version": task.version})
    if request.method == "POST" and form.is_valid():
        try:
            task = actions.update_task(task, membership, form.task_fields(),
                                       assignee=_colleague(colleagues, form.cleaned_data["assignee"]),
                                       version=form.cleaned_data["version"])
        except ValidationError as error:
            _add_errors(form, error)
        except actions.StaleTask as stale:
            form = _stale_form(request, stale.task, colleagues)
        else:
            if request.htmx:
                return _row(request, task)
            messages.success(request, _("Your changes to the task have been saved."))
            return redirect(_next_url(request, _fallback(task)))
    template = "tasks/_task_edit.html" if request.htmx else "tasks/edit.html"
    return render(request, template, {"task": task, "task_form": form, "placement": _placement(request),
                                      "next": _next_url(request, _fallback(task))})


def _stale_form(request: HttpRequest, current: Task, colleagues: list[Membership]) -> TaskEditForm:
    """The user's input again, now based on the current version, with a message saying so."""
    form = TaskEditForm({**request.POST.dict(), "version": current.version}, colleagues=colleagues,
                        prefix_id=f"task{current.pk}")
    form.is_valid()
    form.add_error(None, _("Someone else changed this task in the meantime: it is now “%(title)s”, due "
                           "%(due)s. Save again to replace it with your version.")
                   % {"title": current.title, "due": date_format(current.due_date, "SHORT_DATE_FORMAT")
                      if current.due_date else _("without a date")})
    return form


def _after(request: MemberRequest, task: Task, message: str) -> HttpResponse:
    if request.htmx:
        return _row(request, task)
    messages.success(request, message)
    return redirect(_next_url(request, _fallback(task)))


@require_POST
@member_required
def postpone(request: MemberRequest, task_id: int) -> HttpResponse:
    """+1 or +7 (any number of days from 1 up): later by that many days, same time of day."""
    membership = request.membership
    task = access_task(membership, task_id)
    days = request.POST.get("days", "")
    try:
        task = actions.postpone_task(task, membership, parse_int(days, 0, 99_999) or 0)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_next_url(request, _fallback(task)))
    return _after(request, task, _("The task has been postponed."))


@require_POST
@member_required
def done(request: MemberRequest, task_id: int) -> HttpResponse:
    """Marks the task done. On a record page (htmx), the history line it wrote appears at the top
    of the record's timeline at once, swapped in beside the row."""
    membership = request.membership
    task = access_task(membership, task_id)
    entry = actions.complete_task(task, membership)
    response = _after(request, task, _("The task is done."))
    if request.htmx and entry is not None and _placement(request) == "record":
        response.write(render_to_string("tasks/_history_line.html", {"entry": entry, "record": task.record},
                                        request))
    return response


@require_POST
@member_required
def reopen(request: MemberRequest, task_id: int) -> HttpResponse:
    membership = request.membership
    task = actions.reopen_task(access_task(membership, task_id), membership)
    return _after(request, task, _("The task is open again."))


@require_http_methods(["GET", "POST"])
@member_required
def delete(request: MemberRequest, task_id: int) -> HttpResponse:
    """GET asks for confirmation (the path without JavaScript); POST deletes."""
    membership = request.membership
    task = access_task(membership, task_id)
    if not actions.can_delete_task(membership, task):
        raise PermissionDenied(_("Only power users, the task's creator and its assignee can delete a task."))
    back = _next_url(request, _fallback(task))
    if request.method == "GET":
        return render(request, "tasks/delete.html", {"task": task, "next": back})
    actions.delete_task(task, membership)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("The task has been deleted."))
    return redirect(back)


@require_POST
@member_required
def regenerate_feed(request: MemberRequest) -> HttpResponse:
    actions.regenerate_calendar_feed(request.membership)
    messages.success(request, _("Your calendar has a new address. The old one no longer works: subscribe "
                                "again with the new address in your calendar program."))
    return redirect("tasks:list")


@require_POST
@member_required
def feed_scope(request: MemberRequest) -> HttpResponse:
    form = CalendarScopeForm(request.POST)
    form.is_valid()
    actions.set_calendar_feed_scope(request.membership,
                                    bool(form.cleaned_data.get("include_team")))
    messages.success(request, _("Your calendar settings have been saved."))
    return redirect("tasks:list")


@require_safe
def calendar_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The public iCalendar feed, opened by the secret token alone (calendar programs cannot log
    in). A wrong or revoked token is a plain 404. Conditional requests get 304 when nothing
    changed, before the file is built."""
    feed = calendar.feed_by_token(feed_token)
    if feed is None:
        raise Http404
    current = calendar.fingerprint(feed)
    etag, last_modified = f'"{current.etag}"', int(current.changed_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(calendar.render(feed), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="kontor.ics"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Clients may keep the file but must ask again each time; the secret URL is nobody else's.
    patch_cache_control(response, private=True, no_cache=True)
    return response
