from __future__ import annotations

from django.http import HttpRequest

from kontor.accounts import roles


def kontor(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    role: str | None = membership.role if membership else None
    return {
        "membership": membership,
        "account": membership.account if membership else None,
        "can": {
            "delete": role is not None and roles.can_delete_records(role),
            "confidential": role is not None and roles.can_read_confidential(role),
            "manage_team": role is not None and roles.can_manage_team(role),
            "manage_tags": role is not None and roles.can_manage_tags(role),
            "empty_trash": role is not None and roles.can_empty_trash(role),
        },
    }
