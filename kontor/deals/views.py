"""The Deals pages: the overview with its revenue chart, the board, the deal page with its state bar.
The form, the state bar's clicks and the deletion are the pages deals share with projects
(records/linked_views.py), set up by PAGES at the end."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.deals import actions
from kontor.deals.board import build_board, month_start
from kontor.deals.chart import build_chart
from kontor.deals.currencies import is_currency
from kontor.deals.forecast import chart_range, forecast
from kontor.deals.forms import DealForm, deal_initial, new_deal_initial, save_deal
from kontor.deals.models import Deal, Stage
from kontor.deals.queries import DealFilters, currencies_in_use, projects_of_deal
from kontor.deals.rows import page_rows
from kontor.history.queries import timeline
from kontor.lib.params import parse_id
from kontor.records.access import access_deal
from kontor.records.actions import StaleEdit
from kontor.records.linked_views import LinkedPages, list_page, list_sidebar
from kontor.records.models import Kind, ListKind
from kontor.records.saved_views import opens_default_view
from kontor.records.views import tag_counts_answer, wants_tag_counts


@require_GET
@member_required
@opens_default_view(ListKind.DEAL)
def deal_list(request: MemberRequest) -> HttpResponse:
    """The deals overview: filters, the chart of expected revenue per month and the list, all
    driven by the same query string."""
    membership = request.membership
    filters = DealFilters.from_query(request.GET, current_user_id=membership.user.pk)
    all_of_account = None if filters.is_filtered else membership.account_id
    # The rows are read as values (deals/rows.py), not as deals.
    return list_page(request, Kind.DEAL, filters, "deals/list.html", rows=page_rows,
                     own=lambda deals: _chart(request, deals, all_of_account),
                     own_sidebar=lambda: _own_sidebar(membership))


def _chart(request: MemberRequest, deals: QuerySet[Deal], all_of_account: int | None = None) -> dict[str, Any]:
    """The chart of expected revenue per month over the deals, in the chosen months and currency;
    `all_of_account` when they are all the account's deals (forecast.monthly_sums)."""
    today = timezone.localdate()
    first, last, range_error = chart_range(request.GET, today)
    currency = request.GET.get("currency", "")
    currency = currency if is_currency(currency) else request.membership.account.currency
    result = forecast(deals, first, last, currency, timezone.get_current_timezone(), all_of_account)
    return {"chart": build_chart(result, today), "range_error": range_error, "currency": currency}


def _own_sidebar(membership: Membership) -> dict[str, Any]:
    """What the deals' side column shows beside every kind's: the currencies in use."""
    return {"currencies": currencies_in_use(membership.account)}


def _list_sidebar(membership: Membership, filters: DealFilters) -> dict[str, Any]:
    """What only the full page shows: tags with counts, the colleagues, the currencies in use."""
    return {**list_sidebar(membership, Kind.DEAL, filters), **_own_sidebar(membership)}


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


def _detail(deal: Deal, membership: Membership) -> dict[str, Any]:
    """The deal's own part of its page: its history, its state bar, the projects that continue it."""
    return {"entries": timeline(deal.record, membership), "stages": Stage.choices,
            "projects": projects_of_deal(deal)}


# The pages deals share with projects (records/linked_views.py; urls.py adds their routes): the
# deal's page with _detail as its own part, new, edit, the state bar and delete.
PAGES = LinkedPages[Deal](
    name="deal", namespace="deals", access=access_deal, detail=_detail, form_class=DealForm,
    new_initial=new_deal_initial, initial=deal_initial, save=save_deal, delete=actions.delete_deal,
    bar_field="stage", change_bar=actions.change_stage)
