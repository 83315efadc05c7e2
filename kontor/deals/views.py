"""The Deals pages: the overview with its revenue chart, the deal page with its state bar, the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.queries import active_colleagues
from kontor.accounts.requests import MemberRequest
from kontor.contacts.queries import page_of
from kontor.deals import actions
from kontor.deals.board import build_board, month_start
from kontor.deals.chart import build_chart
from kontor.deals.currencies import is_currency
from kontor.deals.forecast import chart_range, forecast
from kontor.deals.forms import DealForm, deal_initial, save_deal
from kontor.deals.models import Stage
from kontor.deals.queries import DealFilters, currencies_in_use, projects_of_deal
from kontor.history.queries import timeline
from kontor.lib.params import parse_id
from kontor.records.access import access_deal, find_company, find_person
from kontor.records.actions import StaleEdit
from kontor.records.editing import click_on_bar, edit_linked_record, new_linked_record
from kontor.records.filters import chosen_column, custom_filter_fields, tag_filter
from kontor.records.linked_form import (
    LinkedRecordsForm,
    live_company,
    primary_jobs,
    ticked_people,
)
from kontor.records.list_filters import with_row_data
from kontor.records.models import Kind, ListKind
from kontor.records.saved_views import opens_default_view
from kontor.records.trash_pages import delete_to_trash, show_trashed
from kontor.records.views import tag_counts_answer, wants_tag_counts


@require_GET
@member_required
@opens_default_view(ListKind.DEAL)
def deal_list(request: MemberRequest) -> HttpResponse:
    """The deals overview: filters, the chart of expected revenue per month and the list, all
    driven by the same query string."""
    membership = request.membership
    filters = DealFilters.from_query(request.GET, current_user_id=membership.user.pk)
    deals = filters.apply(membership.account)
    if wants_tag_counts(request):
        return tag_counts_answer(request, Kind.DEAL, filters, deals)
    today = timezone.localdate()
    first, last, range_error = chart_range(request.GET, today)
    currency = request.GET.get("currency", "")
    currency = currency if is_currency(currency) else membership.account.currency
    result = forecast(deals, first, last, currency, timezone.get_current_timezone())
    column = chosen_column(membership.account, Kind.DEAL, request.GET)
    context: dict[str, Any] = {
        "filters": filters, "column": column,
        "page": page_of(with_row_data(deals, custom_values=column is not None), filters.page),
        "chart": build_chart(result, today),
        "range_error": range_error, "currency": currency, "responsible": request.GET.get("responsible", ""),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "deals/list.html#results", context)
    context.update(_list_sidebar(membership, filters))
    return render(request, "deals/list.html", context)


def _list_sidebar(membership: Membership, filters: DealFilters) -> dict[str, Any]:
    """What only the full page shows: tags with counts, the colleagues, the currencies in use."""
    account = membership.account
    return {
        "tag_filter": tag_filter(account, Kind.DEAL, filters.tags),
        "custom_filter": custom_filter_fields(account, Kind.DEAL, filters.custom),
        "currencies": currencies_in_use(account),
        "colleagues": active_colleagues(account),
        "company_filter": find_company(membership, filters.company_id),
        "person_filter": find_person(membership, filters.person_id),
    }


@require_GET
@member_required
def deal_board(request: MemberRequest) -> HttpResponse:
    """The pipeline board: the deals the list's filters select, in a column per stage. Won and lost
    deals are this month's unless `closed=all` asks for all of them."""
    membership = request.membership
    if wants_tag_counts(request):
        filters = DealFilters.from_query(request.GET, current_user_id=membership.user.pk)
        return tag_counts_answer(request, Kind.DEAL, filters, filters.apply(membership.account))
    context = _board_context(request, membership)
    if request.htmx and request.htmx.target == "board":
        return render(request, "deals/board.html#board", context)
    context.update(_list_sidebar(membership, context["filters"]))
    return render(request, "deals/board.html", context)


def _board_context(request: HttpRequest, membership: Membership, **extra: Any) -> dict[str, Any]:
    filters = DealFilters.from_query(request.GET, current_user_id=membership.user.pk)
    all_closed = request.GET.get("closed") == "all"
    closed_since = None if all_closed else month_start(timezone.localdate(), timezone.get_current_timezone())
    return {"filters": filters, "all_closed": all_closed, "stages": Stage.choices,
            "columns": build_board(filters.apply(membership.account), closed_since),
            "responsible": request.GET.get("responsible", ""), "query": request.GET.urlencode(), **extra}


@require_POST
@member_required
def deal_move(request: MemberRequest, deal_id: int) -> HttpResponse:
    """A card moved on the board (dragged, or its stage chosen with the keyboard): the deal's stage
    changes if it is still the version the board showed. htmx gets the board back with a notice;
    a plain form post goes back to the board."""
    membership = request.membership
    deal = access_deal(membership, deal_id)
    name = {"name": deal.name}
    try:
        actions.change_stage(deal, membership, request.POST.get("stage", ""),
                             version=parse_id(request.POST.get("version")) or 0)  # none: stale
    except StaleEdit:
        notice, is_error = _("Someone else changed “%(name)s” in the meantime. The board shows it as it is "
                             "now; move it again if you still want to.") % name, True
    except ValidationError as error:
        notice, is_error = " ".join(error.messages), True
    else:
        notice, is_error = _("“%(name)s” is now at %(stage)s.") % {**name, "stage": deal.stage_label}, False
    if request.htmx:
        context = _board_context(request, membership, notice=notice, notice_is_error=is_error, moved=deal.pk)
        return render(request, "deals/board.html#board", context)
    (messages.error if is_error else messages.success)(request, notice)
    query = request.GET.urlencode()
    return redirect(reverse("deals:board") + (f"?{query}" if query else ""))


@require_GET
@member_required
def deal_detail(request: MemberRequest, deal_id: int) -> HttpResponse:
    membership = request.membership
    try:
        deal = access_deal(membership, deal_id)
    except Http404:
        return _trashed(request, deal_id)
    record = deal.record
    context = {
        "deal": deal, "record": record, "tags": list(record.tags.order_by("name")),
        "entries": timeline(record, membership), "stages": Stage.choices,
        "company": live_company(deal.company_id),
        "people": list(deal.people.alive().prefetch_related(primary_jobs())
                       .order_by("sort_name", "record_id")),
        "colleagues": list(deal.colleagues.order_by("name")),
        "projects": projects_of_deal(deal),
    }
    return render(request, "deals/detail.html", context)


def _trashed(request: MemberRequest, deal_id: int) -> HttpResponse:
    return show_trashed(request, request.membership, access_deal, deal_id, page_class="deals-page")


@require_http_methods(["GET", "POST"])
@member_required
def deal_new(request: MemberRequest) -> HttpResponse:
    """A new deal; `?company=ID` and `?person=ID` (from those pages) fill in the company and the
    contact person (and the person's company)."""
    membership = request.membership
    return new_linked_record(request, membership, name="deal", template="deals/form.html", form_class=DealForm,
                             initial={"currency": membership.account.currency, "stage": Stage.P0, "value_count": 1},
                             save=save_deal)


@require_http_methods(["GET", "POST"])
@member_required
def deal_edit(request: MemberRequest, deal_id: int) -> HttpResponse:
    membership = request.membership
    return edit_linked_record(request, membership, access_deal(membership, deal_id), name="deal",
                              template="deals/form.html", form_class=DealForm, initial=deal_initial,
                              save=save_deal, reload=lambda: access_deal(membership, deal_id))


@require_POST
@member_required
def deal_stage(request: MemberRequest, deal_id: int) -> HttpResponse:
    """One click on the state bar (see click_on_bar)."""
    membership = request.membership
    deal = access_deal(membership, deal_id)
    return click_on_bar(request, deal, lambda stage: actions.change_stage(deal, membership, stage), "stage")


@require_http_methods(["GET", "POST"])
@member_required
def deal_delete(request: MemberRequest, deal_id: int) -> HttpResponse:
    """GET asks for confirmation (power users and above); POST moves the deal to the trash."""
    membership = request.membership
    return delete_to_trash(request, membership, access_deal(membership, deal_id), name="deal",
                           template="deals/confirm_delete.html", delete=actions.delete_deal, list_url="deals:list")


@require_GET
@member_required
def people_choices(request: MemberRequest) -> HttpResponse:
    """The contact persons a deal or project form offers, redrawn by htmx as the company or the
    search changes: those ticked, those the search finds, and the chosen company's current staff."""
    membership = request.membership
    form = LinkedRecordsForm(request.GET, membership=membership, people=ticked_people(membership, request.GET),
                             is_new=True)
    return render(request, "deals/_people_choices.html", {"form": form})
