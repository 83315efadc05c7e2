"""Accounts, users, memberships, invitations and API keys."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Account, ApiKey, Invitation, Membership, User, hash_api_key
from kontor.accounts.roles import Role
from kontor.records.access import require
from kontor.records.models import Record

API_KEY_PREFIX = "kontor_"


@transaction.atomic
def create_account(name: str, owner_email: str, owner_password: str, owner_name: str = "",
                   language: str = "de", time_zone: str = "Europe/Berlin") -> Membership:
    """A new account with its owner. The owner may already use Kontor in another account."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Please enter the company name.")})
    account = Account.objects.create(name=name)
    user = User.objects.filter(email__iexact=owner_email.strip()).first()
    if user is None:
        user = User.objects.create_user(email=owner_email.strip(), password=owner_password,
                                        name=owner_name.strip() or owner_email.split("@")[0],
                                        language=language, time_zone=time_zone)
    return Membership.objects.create(account=account, user=user, role=Role.OWNER)


@transaction.atomic
def add_user(account: Account, email: str, password: str | None, name: str, role: str,
             language: str = "de", time_zone: str = "Europe/Berlin") -> Membership:
    """Adds a colleague directly (operators and invitations). Owner is handed over, never added."""
    if role == Role.OWNER and Membership.objects.filter(account=account, role=Role.OWNER).exists():
        raise ValidationError({"role": _("An account has exactly one owner; hand over ownership instead.")})
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = User.objects.create_user(email=email.strip(), password=password, name=name.strip() or email,
                                        language=language, time_zone=time_zone)
    membership, created = Membership.objects.get_or_create(account=account, user=user,
                                                           defaults={"role": role})
    if not created:
        raise ValidationError({"email": _("%(email)s is already part of this team.") % {"email": email}})
    return membership


def invite(by: Membership, email: str, name: str, role: str) -> Invitation:
    require(by, roles.can_manage_team)
    email = email.strip().lower()
    if role == Role.OWNER:
        raise ValidationError({"role": _("An account has exactly one owner; hand over ownership instead.")})
    if Membership.objects.filter(account=by.account, user__email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s is already part of this team.") % {"email": email}})
    Invitation.objects.filter(account=by.account, email__iexact=email, accepted_at__isnull=True,
                              withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    return Invitation.objects.create(account=by.account, email=email, name=name.strip(), role=role,
                                     invited_by=by.user)


def resend_invitation(invitation: Invitation, by: Membership) -> Invitation:
    require(by, roles.can_manage_team)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return invitation


def withdraw_invitation(invitation: Invitation, by: Membership) -> None:
    require(by, roles.can_manage_team)
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])


@transaction.atomic
def accept_invitation(invitation: Invitation, password: str, name: str = "") -> Membership:
    if not invitation.is_open or invitation.is_expired:
        raise ValidationError(_("This invitation is no longer valid."))
    membership = add_user(invitation.account, invitation.email, password, name or invitation.name,
                          invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def change_role(membership: Membership, role: str, by: Membership) -> None:
    require(by, roles.can_manage_team)
    if membership.account_id != by.account.pk:
        raise PermissionDenied
    if role == Role.OWNER or membership.role == Role.OWNER:
        raise ValidationError({"role": _("Ownership is handed over by the owner, not changed here.")})
    if role == Role.ADMIN and by.role != Role.OWNER and membership.role != Role.ADMIN:
        require(by, lambda r: r in (Role.OWNER, Role.ADMIN))
    membership.role = role
    membership.save(update_fields=["role"])


@transaction.atomic
def hand_over_ownership(to: Membership, by: Membership) -> None:
    if by.role != Role.OWNER:
        raise PermissionDenied(_("Only the owner can hand over ownership."))
    if to.account_id != by.account.pk or not to.is_active:
        raise PermissionDenied
    Membership.objects.filter(pk=by.pk).update(role=Role.ADMIN)
    Membership.objects.filter(pk=to.pk).update(role=Role.OWNER)


@transaction.atomic
def deactivate_membership(membership: Membership, by: Membership, hand_records_to: Membership | None = None) -> None:
    """Takes a colleague out of the team. Users are never deleted: their notes keep their name,
    and their records can be handed to a colleague."""
    require(by, roles.can_manage_team)
    if membership.role == Role.OWNER:
        raise ValidationError(_("The owner cannot be deactivated; hand over ownership first."))
    if membership.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    ApiKey.objects.filter(account=membership.account, user=membership.user, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if hand_records_to is not None:
        hand_over_records(membership, hand_records_to, by)


def reactivate_membership(membership: Membership, by: Membership) -> None:
    require(by, roles.can_manage_team)
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])


def hand_over_records(source: Membership, target: Membership, by: Membership) -> int:
    require(by, roles.can_manage_team)
    if target.account_id != by.account.pk or source.account_id != by.account.pk or not target.is_active:
        raise PermissionDenied
    return Record.objects.filter(account=by.account, responsible=source.user).update(responsible=target.user)


def create_api_key(by: Membership, name: str) -> tuple[ApiKey, str]:
    """A new API key; returns the stored key and the secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Please name the key, e.g. after the script that uses it.")})
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(account=by.account, user=by.user, name=name[:100], prefix=secret[:12],
                                key_hash=hash_api_key(secret))
    return key, secret


def revoke_api_key(key: ApiKey, by: Membership) -> None:
    if key.user_id != by.user.pk and not roles.can_manage_team(by.role):
        raise PermissionDenied
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])


def membership_for_api_key(secret: str) -> Membership | None:
    key = (ApiKey.objects.filter(key_hash=hash_api_key(secret), revoked_at__isnull=True)
           .select_related("account", "user").first())
    if key is None:
        return None
    membership = (Membership.objects.active().filter(account=key.account, user=key.user)
                  .select_related("account", "user").first())
    if membership is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)  # at most one write a minute
    return membership
