"""Pages shared by every kind of record: the tag widget on a record page, the tags
administration and the trash."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontor.accounts import roles
from kontor.accounts.decorators import member_required
from kontor.accounts.requests import MemberRequest
from kontor.lib.params import parse_datetime_param, parse_id, parse_ids, parse_text
from kontor.records import actions, queries, tag_counts
from kontor.records.access import access_record, access_tag, require
from kontor.records.filters import tag_filter
from kontor.records.models import Record


def wants_tag_counts(request: MemberRequest) -> bool:
    """Whether a list's side column asks for its filtered tag counts (records/templatetags/tag_facets.py)."""
    return request.GET.get("tagcounts") == "1"


def tag_counts_answer(request: MemberRequest, kind: str, filters: Any, items: QuerySet[Any]) -> HttpResponse:
    """The side column's tag counts for htmx to swap in by their ids: under a filter, how many of the
    filtered records (`items`) carry each tag, as faceted search counts; without one, the stored
    counts (kontor/records/tag_counts.py)."""
    facet = tag_counts.counted_within(items) if filters.is_filtered else None
    context = {"tags": tag_filter(request.membership.account, kind, filters.tags), "facet": facet}
    return render(request, "records/_tag_counts_oob.html", context)


def _tag_widget(request: MemberRequest, record: Record, error: str = "", added: bool = False) -> HttpResponse:
    """The record's tag widget (htmx), or back to the record page (plain form post)."""
    if request.htmx:
        context = {"record": record, "tags": list(record.tags.order_by("name")), "tag_error": error,
                   "tag_added": added}
        return render(request, "records/_tags.html", context)
    if error:
        messages.error(request, error)
    return redirect(f"{record.get_absolute_url()}#tags-{record.pk}")


@require_http_methods(["GET", "POST"])
@member_required
def add_tag(request: MemberRequest, record_id: int) -> HttpResponse:
    """GET shows the widget (htmx) or the record; POST adds the named tag, creating it on first use."""
    membership = request.membership
    record = access_record(membership, record_id)
    if request.method == "GET":
        return _tag_widget(request, record)
    try:
        actions.add_tags(record, [request.POST.get("name", "")], membership)
    except actions.TagNameError as error:
        return _tag_widget(request, record, error=str(error))
    return _tag_widget(request, record, added=True)


@require_POST
@member_required
def remove_tag(request: MemberRequest, record_id: int, tag_id: int) -> HttpResponse:
    membership = request.membership
    record = access_record(membership, record_id)
    actions.remove_tag(record, access_tag(membership, tag_id), membership)
    return _tag_widget(request, record)


@require_GET
@member_required
def tag_autocomplete(request: MemberRequest) -> HttpResponse:
    """<option>s of matching tag names for the widget's datalist; leaves out the record's own tags."""
    membership = request.membership
    record_id = parse_id(request.GET.get("record"))
    record = access_record(membership, record_id) if record_id else None
    text = parse_text(request.GET.get("q", request.GET.get("name", "")), 60)
    names = queries.suggest_tags(membership.account, text, exclude_record=record)
    return render(request, "records/_tag_options.html", {"names": names})


def _require_tag_admin(request: MemberRequest) -> None:
    require(request.membership, roles.can_manage_tags,
            _("Only administrators can rename, merge and delete tags."))


@require_GET
@member_required
def tags(request: MemberRequest) -> HttpResponse:
    _require_tag_admin(request)
    return render(request, "records/tags.html", {"all_tags": queries.tag_usage(request.account)})


@require_POST
@member_required
def rename_tag(request: MemberRequest, tag_id: int) -> HttpResponse:
    _require_tag_admin(request)
    membership = request.membership
    tag = access_tag(membership, tag_id)
    old_name = tag.name
    try:
        renamed = actions.rename_tag(tag, request.POST.get("name", ""), membership)
    except actions.TagNameError as error:
        messages.error(request, str(error))
        return redirect("records:tags")
    names = {"old": old_name, "new": renamed.name}
    if renamed.pk != tag.pk:
        messages.success(request, _("“%(old)s” has been merged into “%(new)s”.") % names)
    else:
        messages.success(request, _("“%(old)s” is now called “%(new)s”.") % names)
    return redirect("records:tags")


@require_POST
@member_required
def merge_tags(request: MemberRequest) -> HttpResponse:
    _require_tag_admin(request)
    membership = request.membership
    into_id = parse_id(request.POST.get("into"))
    if into_id is None:
        messages.error(request, _("Choose the tag the others should be merged into."))
        return redirect("records:tags")
    into = access_tag(membership, into_id)
    ids = set(parse_ids(request.POST.getlist("tags"))) - {into.pk}
    merged = [access_tag(membership, tag_id) for tag_id in sorted(ids)]
    if not merged:
        messages.error(request, _("Tick at least one other tag to merge into “%(name)s”.")
                       % {"name": into.name})
        return redirect("records:tags")
    actions.merge_tags(merged, into=into, by=membership)
    messages.success(request, _("Merged %(names)s into “%(name)s”.") % {
        "names": ", ".join(f"“{tag.name}”" for tag in merged), "name": into.name})
    return redirect("records:tags")


@require_http_methods(["GET", "POST"])
@member_required
def delete_tag(request: MemberRequest, tag_id: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the tag from every record and deletes it."""
    _require_tag_admin(request)
    membership = request.membership
    tag = access_tag(membership, tag_id)
    if request.method == "GET":
        usage = tag.records.alive().count()
        return render(request, "records/tag_delete.html", {"tag": tag, "usage": usage})
    actions.delete_tag(tag, membership)
    messages.success(request, _("The tag “%(name)s” has been deleted.") % {"name": tag.name})
    return redirect("records:tags")


@require_GET
@member_required
def trash(request: MemberRequest) -> HttpResponse:
    """What was deleted, newest first, a bounded page at a time (keyset on deleted_at)."""
    membership = request.membership
    before = parse_datetime_param(request.GET.get("before"))
    records, has_more = queries.trash_page(membership.account, before)
    return render(request, "records/trash.html", {
        "records": records, "has_more": has_more,
        "is_older_page": before is not None, "retention_days": settings.TRASH_RETENTION_DAYS})


@require_POST
@member_required
def restore(request: MemberRequest, record_id: int) -> HttpResponse:
    membership = request.membership
    record = access_record(membership, record_id, include_trash=True)
    if not record.is_deleted:
        raise Http404
    actions.restore_record(record, membership)
    messages.success(request, _("“%(name)s” has been restored.") % {"name": record.display_name})
    return redirect("records:trash")


@require_http_methods(["GET", "POST"])
@member_required
def empty_trash(request: MemberRequest) -> HttpResponse:
    """GET asks for confirmation; POST deletes everything in the trash for good."""
    membership = request.membership
    require(membership, roles.can_empty_trash, _("Only administrators can empty the trash."))
    if request.method == "GET":
        count = queries.trash_count(membership.account)
        return render(request, "records/trash_empty.html", {"count": count})
    count = actions.empty_trash(membership)
    messages.success(request, _("The trash has been emptied: %(count)s deleted for good.")
                     % {"count": count})
    return redirect("records:trash")
