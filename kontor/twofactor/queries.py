"""Reads for the team's two-factor page."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import Exists, OuterRef

from kontor.accounts.models import Account, Membership
from kontor.twofactor.models import TwoFactor, TwoFactorRule

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations


class TwoFactorColumn(TypedDict):
    has_two_factor: bool


def members_with_two_factor(account: Account) -> QuerySet[WithAnnotations[Membership, TwoFactorColumn]]:
    """The account's active members by name, each with .has_two_factor (a confirmed set-up)."""
    has_two_factor = Exists(TwoFactor.objects.filter(user=OuterRef("user"), confirmed_at__isnull=False))
    # Spelled out for the type checker, which loses annotate() on the custom queryset.
    return cast("QuerySet[WithAnnotations[Membership, TwoFactorColumn]]", (
        Membership.objects.active().filter(account=account).select_related("user")
        .annotate(has_two_factor=has_two_factor).order_by("user__name")))


def is_required(account: Account) -> bool:
    """Whether the owner requires two-factor login for the whole team."""
    rule = TwoFactorRule.objects.filter(account=account).first()
    return bool(rule and rule.required)
