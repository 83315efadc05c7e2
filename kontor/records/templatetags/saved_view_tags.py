"""{% saved_views "person" %}: the saved views of a list in its side column, with a form to save the
filters shown now. The inputs belong to forms outside the list's filter form ({% bulk_form %})."""

from __future__ import annotations

from typing import Any

from django import template

from kontor.records import saved_views

register = template.Library()


@register.inclusion_tag("records/_saved_views.html", takes_context=True)
def saved_views_column(context: template.Context, kind: str) -> dict[str, Any]:
    request = context["request"]
    membership = request.membership
    current = saved_views.savable_query(request.GET.urlencode())
    views = [{"view": view, "is_current": bool(current) and view.query == current,
              "is_default": view.is_default,  # type: ignore[attr-defined]  # set by visible_views
              "is_mine": view.owner_id == membership.user.pk}
             for view in saved_views.request_views(request, kind)]
    return {"views": views, "kind": kind, "query": current, "request": request}
