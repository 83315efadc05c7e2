from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kontor.accounts import roles
from kontor.mail.inbox import inbox_count


def kontor(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    role: str | None = membership.role if membership else None
    return {
        "membership": membership,
        # Counted only when a template shows it (the header of a full page): one indexed query,
        # and none for htmx fragments.
        "inbox_count": SimpleLazyObject(lambda: inbox_count(membership)) if membership else 0,
        "account": membership.account if membership else None,
        # The area of the main navigation the page belongs to ("people" for /people/12/): the key
        # of the bar's cached rendering in base.html, with the language.
        "nav_section": request.path.split("/", 2)[1] if membership else "",
        "can": {
            "delete": role is not None and roles.can_delete_records(role),
            "confidential": role is not None and roles.can_read_confidential(role),
            "manage_team": role is not None and roles.can_manage_team(role),
            "manage_tags": role is not None and roles.can_manage_tags(role),
            "empty_trash": role is not None and roles.can_empty_trash(role),
        },
    }
