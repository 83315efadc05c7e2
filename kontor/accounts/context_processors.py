from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kontor.accounts import roles
from kontor.mail.inbox import inbox_count

# The areas the top bar marks as the current one (base.html): the first part of a page's path.
NAV_AREAS = frozenset({"people", "companies", "deals", "projects", "tasks", "files", "inbox"})


def nav_section(path_info: str) -> str:
    """The area of the top bar a page belongs to: "start" for the start page, "people" for
    /people/12/, "" for the pages of no area. base.html marks the current area by it alone and
    caches the bar under it and the language, so the cache holds one bar per area, whatever
    paths are asked for."""
    if path_info == "/":
        return "start"
    first = path_info.split("/", 2)[1] if path_info.startswith("/") else ""
    return first if first in NAV_AREAS else ""


def kontor(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    role: str | None = membership.role if membership else None
    return {
        "membership": membership,
        # Counted only when a template shows it (the header of a full page): one indexed query,
        # and none for htmx fragments.
        "inbox_count": SimpleLazyObject(lambda: inbox_count(membership)) if membership else 0,
        "account": membership.account if membership else None,
        "nav_section": nav_section(request.path_info) if membership else "",
        "can": {
            "delete": role is not None and roles.can_delete_records(role),
            "confidential": role is not None and roles.can_read_confidential(role),
            "manage_team": role is not None and roles.can_manage_team(role),
            "manage_tags": role is not None and roles.can_manage_tags(role),
            "empty_trash": role is not None and roles.can_empty_trash(role),
        },
    }
