"""Saved views: a list's filters (tags, words, responsible, custom fields, sort, column) saved under
a name, private or shared with the team, listed in the list's side column; and the view each user's
list opens with.

A view is the list's query string, nothing more: opening it is following a link, so every filter a
list learns later can be saved without a change here. Only the parameters that paging and htmx
add are left out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.lib.prepared import prepared
from kontor.records.models import DefaultView, ListKind, SavedView

MAX_VIEWS_PER_USER = 100
# Opening the list with ?view=all shows it unfiltered, past the default view.
SHOW_ALL = "all"
_LEFT_OUT = {"page", "view", "csrfmiddlewaretoken"}


def clean_query(query: str) -> str:
    """The list's query string as a view keeps it: without paging, at most 2000 characters."""
    params = QueryDict(query.lstrip("?"), mutable=True)
    for key in _LEFT_OUT:
        params.pop(key, None)
    cleaned = params.urlencode()
    if len(cleaned) > 2000:
        raise ValidationError({"query": _("These filters are too long to save.")})
    return cleaned


def savable_query(query: str) -> str:
    """The query string as a view would keep it, or "" when it cannot be kept (too long)."""
    try:
        return clean_query(query)
    except ValidationError:
        return ""


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name or "").split())
    if not cleaned:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(cleaned) > 80:
        raise ValidationError({"name": _("A name can have at most 80 characters.")})
    return cleaned


def _clean_kind(kind: str) -> str:
    if kind not in ListKind.values:
        raise ValidationError({"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ListKind.values)}})
    return kind


def visible_views(by: Membership, kind: str) -> list[SavedView]:
    """The views of a list the user may open: their own and those shared with the team, by name,
    each with .is_default (the user's list opens with it). Every list page asks, and most users
    have no view: one plain query then, and a second for the default only when there are views
    (views_to_open's EXISTS costs more Python to build than both)."""
    views = _visible_views(by.account_id, by.user_id, kind)
    if views:
        default = set(_default_view_ids(by.account_id, by.user_id, kind))
        for view in views:
            view.is_default = view.pk in default  # type: ignore[attr-defined]  # as views_to_open annotates
    return views


@prepared
def _visible_views(account_id: int, user_id: int, kind: str) -> QuerySet[SavedView]:
    return (SavedView.objects.filter(account_id=account_id, kind=kind)
            .filter(Q(owner_id=user_id) | Q(is_shared=True)).select_related("owner").order_by("name", "pk"))


@prepared
def _default_view_ids(account_id: int, user_id: int, kind: str) -> QuerySet[DefaultView, int]:
    return DefaultView.objects.filter(account_id=account_id, user_id=user_id, kind=kind).values_list(
        "view_id", flat=True)


def request_views(request: MemberRequest, kind: str) -> list[SavedView]:
    """visible_views for the request's user, read once per request: a list opened from the menu asks
    for its default view (opens_default_view) and then shows them all in its side column."""
    known: dict[str, list[SavedView]] = request.__dict__.setdefault("_kontor_saved_views", {})
    if kind not in known:
        known[kind] = visible_views(request.membership, kind)
    return known[kind]


def views_to_open(by: Membership, kinds: Sequence[str]) -> QuerySet[SavedView]:
    """The views of these lists the user may open, each with .is_default, to be sorted and paged."""
    defaults = DefaultView.objects.filter(account=by.account, user=by.user, kind=OuterRef("kind"),
                                          view=OuterRef("pk"))
    return _visible(by, kinds).annotate(is_default=Exists(defaults))


def _visible(by: Membership, kinds: Sequence[str]) -> QuerySet[SavedView]:
    """The views of these lists the user may open: their own and those shared with the team."""
    return (SavedView.objects.filter(account_id=by.account_id, kind__in=list(kinds))
            .filter(Q(owner_id=by.user_id) | Q(is_shared=True)))


def default_view(by: Membership, kind: str) -> SavedView | None:
    found = (DefaultView.objects.filter(account=by.account, user=by.user, kind=kind).select_related("view")
             .filter(Q(view__owner=by.user) | Q(view__is_shared=True)).first())
    return found.view if found else None


@transaction.atomic
def save_view(by: Membership, kind: str, name: str, query: str, *, shared: bool = False,
              make_default: bool = False) -> SavedView:
    """Saves the filters under a name (a view of the same name of the user's is replaced)."""
    kind, name, query = _clean_kind(kind), _clean_name(name), clean_query(query)
    view = SavedView.objects.filter(account=by.account, owner=by.user, kind=kind, name__iexact=name).first()
    if view is None:
        if SavedView.objects.filter(account=by.account, owner=by.user).count() >= MAX_VIEWS_PER_USER:
            raise ValidationError({"name": _("You have saved %(count)s views; delete one first.") % {
                "count": MAX_VIEWS_PER_USER}})
        view = SavedView(account=by.account, owner=by.user, kind=kind)
    view.name, view.query, view.is_shared, view.updated_at = name, query, shared, timezone.now()
    view.save()
    if make_default:
        set_default(by, kind, view)
    return view


@transaction.atomic
def update_view(view: SavedView, by: Membership, *, name: str | None = None, query: str | None = None,
                shared: bool | None = None) -> SavedView:
    """Renames a view, replaces its filters or shares it (the caller fetched it with
    access_own_saved_view, which checks who may)."""
    if name is not None:
        view.name = _clean_name(name)
    if query is not None:
        view.query = clean_query(query)
    if shared is not None:
        view.is_shared = shared
    view.updated_at = timezone.now()
    view.save()
    return view


def delete_view(view: SavedView, by: Membership) -> None:
    view.delete()  # the defaults that named it go with it (cascade)


def set_default(by: Membership, kind: str, view: SavedView | None) -> None:
    """The view the user's list of this kind opens with; None: the list unfiltered."""
    if view is None:
        DefaultView.objects.filter(account=by.account, user=by.user, kind=kind).delete()
        return
    DefaultView.objects.update_or_create(account=by.account, user=by.user, kind=kind, defaults={"view": view})


def opens_default_view(kind: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A list view opened without any filter (from the menu) goes to the user's default view, if
    one is set; `?view=all` shows the list unfiltered all the same."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if request.method == "GET" and not request.GET and membership is not None \
                    and not getattr(request, "htmx", False):
                views = request_views(cast(MemberRequest, request), kind)  # a member's: it has a membership
                found = next((view for view in views if view.is_default), None)  # type: ignore[attr-defined]
                if found is not None and found.query:
                    return redirect(f"{request.path}?{found.query}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
