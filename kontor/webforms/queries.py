"""Reads for the web forms pages."""

from __future__ import annotations

from kontor.accounts.models import Account
from kontor.webforms.models import WebForm


def webforms_of(account: Account) -> list[WebForm]:
    """The account's web forms, by name."""
    return list(WebForm.objects.filter(account=account).order_by("name", "pk"))
