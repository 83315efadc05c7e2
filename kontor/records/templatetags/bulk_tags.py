"""The lists' bulk bar: {% bulk_bar "people" %} above a list whose rows carry a checkbox each
({% bulk_pick obj.pk obj.name %}), and {% bulk_form "people" %} (the form they belong to, outside
the list's filter form, since forms cannot nest)."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.accounts.queries import Colleague, colleague_choices
from kontor.records import bulk

register = template.Library()


@register.inclusion_tag("records/_bulk_bar.html", takes_context=True)
def bulk_bar(context: template.Context, resource: str) -> dict[str, Any]:
    """The bar: what to do to the ticked rows (or every row the filter selects), with the fields
    the actions need; the actions the role may not take are not offered."""
    request = context["request"]
    membership: Membership = request.membership
    kind = bulk.KINDS[resource]
    actions = [name for name in kind.actions if name != "delete" or roles.bulk_delete_limit(membership.role) != 0]
    if kind.kind != "task" and roles.can_bulk_export(membership.role):
        actions.append("export")
    # The list's own filter column has the colleagues already (the full page); a list swapped in
    # by htmx has not, and asks.
    colleagues: list[Colleague] = context.get("colleagues") or colleague_choices(membership.account)
    return {"resource": resource, "kind": kind, "request": request, "query": request.GET.urlencode(),
            "actions": [(name, bulk.ACTION_LABELS.get(name, name)) for name in actions],
            "action_names": actions,  # what the bar is kept by: the labels follow from the names
            "colleagues": colleagues, "is_task": kind.kind == "task",
            "delete_limit": roles.bulk_delete_limit(membership.role),
            "formats": ["csv", "xlsx", "vcf"] if kind.kind in ("person", "company") else ["csv", "xlsx"]}


@register.inclusion_tag("records/_bulk_form.html", takes_context=True)
def bulk_form(context: template.Context, resource: str) -> dict[str, Any]:
    return {"resource": resource, "kind": bulk.KINDS[resource].kind, "csrf_token": context.get("csrf_token")}


def pick_checkbox(pk: int, name: str, label: str) -> SafeString:
    """A row's checkbox for the bulk bar; `label` is the translated "Select %(name)s", which a page
    of rows asks for once."""
    text = name.__html__() if hasattr(name, "__html__") else html.escape(str(name))  # as conditional_escape
    return SafeString(f'<label class="bulk-pick"><input type="checkbox" name="ids" value="{int(pk)}" '
                      f'form="bulk-form" data-bulk-pick><span class="visually-hidden">{label % {"name": text}}'
                      '</span></label>')


@register.simple_tag
def bulk_pick(pk: int, name: str) -> SafeString:
    """`{% bulk_pick obj.pk obj.name %}`: a row's checkbox for the bulk bar, labelled for screen
    readers."""
    return pick_checkbox(pk, name, gettext("Select %(name)s"))
