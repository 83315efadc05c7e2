from __future__ import annotations

from django.http import HttpRequest

from kontor.accounts import roles


def kontor(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    role = membership.role if membership else None
    return {
        "membership": membership,
        "account": membership.account if membership else None,
        "can": {
            "delete": bool(role) and roles.can_delete_records(role),
            "confidential": bool(role) and roles.can_read_confidential(role),
            "manage_team": bool(role) and roles.can_manage_team(role),
            "manage_tags": bool(role) and roles.can_manage_tags(role),
            "empty_trash": bool(role) and roles.can_empty_trash(role),
        },
    }
