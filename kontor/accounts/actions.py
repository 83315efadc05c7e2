"""Accounts, users, memberships, invitations and API keys."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, TypedDict, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts import mails, roles
from kontor.accounts.models import (
    LANGUAGES,
    TIME_ZONES,
    Account,
    ApiKey,
    Invitation,
    Membership,
    RateCounter,
    User,
    hash_api_key,
)
from kontor.accounts.roles import Role
from kontor.history import activity
from kontor.history.models import ActivityVerb
from kontor.lib.prepared import prepared
from kontor.mail.dropbox import create_dropbox
from kontor.records.access import require
from kontor.records.models import Record

if TYPE_CHECKING:
    import datetime as dt

    from django_stubs_ext import WithAnnotations


API_KEY_PREFIX = "kontor_"


def clean_email(email: str) -> str:
    """The address as stored: trimmed and lower case. Raises ValidationError keyed by 'email'."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Please enter a valid e-mail address.")}) from None
    return email


def clean_preferences(language: str, time_zone: str) -> None:
    errors: dict[str, str] = {}
    if language not in dict(LANGUAGES):
        errors["language"] = _("Please choose German or English.")
    if time_zone not in TIME_ZONES:
        errors["time_zone"] = _("Please choose a time zone from the list.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_account(name: str, owner_email: str, owner_password: str, owner_name: str = "",
                   language: str = "de", time_zone: str = "Europe/Berlin") -> Membership:
    """A new account with its owner. The owner may already use Kontor in another account."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Please enter the company name.")})
    owner_email = clean_email(owner_email)
    clean_preferences(language, time_zone)
    account = Account.objects.create(name=name)
    user = User.objects.filter(email__iexact=owner_email).first()
    if user is None:
        user = User.objects.create_user(email=owner_email, password=owner_password,
                                        name=owner_name.strip() or owner_email.split("@")[0],
                                        language=language, time_zone=time_zone)
    membership = Membership.objects.create(account=account, user=user, role=Role.OWNER)
    create_dropbox(membership)
    return membership


@transaction.atomic
def add_user(account: Account, email: str, password: str | None, name: str, role: str,
             language: str = "de", time_zone: str = "Europe/Berlin") -> Membership:
    """Adds a colleague directly (operators and invitations). Owner is handed over, never added."""
    if role not in Role.values:
        raise ValidationError({"role": _("Please choose one of the roles owner, admin, power or member.")})
    if role == Role.OWNER and Membership.objects.filter(account=account, role=Role.OWNER).exists():
        raise ValidationError({"role": _("An account has exactly one owner; hand over ownership instead.")})
    email = clean_email(email)
    clean_preferences(language, time_zone)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password,
                                        name=name.strip() or email.split("@")[0],
                                        language=language, time_zone=time_zone)
    membership, created = Membership.objects.get_or_create(account=account, user=user,
                                                           defaults={"role": role})
    if not created:
        raise ValidationError({"email": _("%(email)s is already part of this team.") % {"email": email}})
    create_dropbox(membership)
    return membership


def invite(by: Membership, email: str, name: str, role: str) -> Invitation:
    """Invites a colleague by e-mail, replacing any open invitation for the same address, and
    sends the link in the inviter's language. The invitation is saved even when the mail server
    fails; MailNotSent then tells the inviter to resend or pass the link on."""
    require(by, roles.can_manage_team)
    email = clean_email(email)
    if role == Role.OWNER:
        raise ValidationError({"role": _("An account has exactly one owner; hand over ownership instead.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Please choose one of the roles owner, admin, power or member.")})
    existing = Membership.objects.filter(account=by.account, user__email__iexact=email).first()
    if existing is not None and not existing.is_active:
        raise ValidationError({"email": _(
            "%(email)s was deactivated; reactivate them in the team list instead.") % {"email": email}})
    if existing is not None:
        raise ValidationError({"email": _("%(email)s is already part of this team.") % {"email": email}})
    with transaction.atomic():
        Invitation.objects.filter(account=by.account, email__iexact=email, accepted_at__isnull=True,
                                  withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
        invitation = Invitation.objects.create(account=by.account, email=email, name=name.strip()[:150],
                                               role=role, invited_by=by.user)
    mails.send_invitation(invitation, by.user.language)
    return invitation


def resend_invitation(invitation: Invitation, by: Membership) -> Invitation:
    """Sends the link again and restarts the validity period (an expired invitation comes back)."""
    require(by, roles.can_manage_team)
    if invitation.account_id != by.account.pk:
        raise PermissionDenied
    if not invitation.is_open:
        raise ValidationError(_("This invitation has already been accepted or withdrawn."))
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    mails.send_invitation(invitation, by.user.language)
    return invitation


def withdraw_invitation(invitation: Invitation, by: Membership) -> None:
    require(by, roles.can_manage_team)
    if invitation.account_id != by.account.pk:
        raise PermissionDenied
    if not invitation.is_open:
        raise ValidationError(_("This invitation has already been accepted or withdrawn."))
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])


@transaction.atomic
def accept_invitation(invitation: Invitation, password: str | None, name: str = "", language: str = "de",
                      time_zone: str = "Europe/Berlin") -> Membership:
    """Joins the invited team. A new user gets the password, name and language given here; someone
    who already has a login (same e-mail) keeps theirs, so the page only asks them to log in."""
    if not invitation.is_open or invitation.is_expired:
        raise ValidationError(_("This invitation is no longer valid."))
    membership = add_user(invitation.account, invitation.email, password, name or invitation.name,
                          invitation.role, language=language, time_zone=time_zone)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def change_role(membership: Membership, role: str, by: Membership) -> None:
    require(by, roles.can_manage_team)
    if membership.account_id != by.account.pk:
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError({"role": _("Please choose one of the roles owner, admin, power or member.")})
    if membership.pk == by.pk:
        raise ValidationError({"role": _(
            "You cannot change your own role; ask the owner or another administrator.")})
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
def deactivate_membership(membership: Membership, by: Membership,
                          hand_records_to: Membership | None = None) -> None:
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
    if membership.account_id != by.account.pk:
        raise PermissionDenied
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])


@transaction.atomic
def hand_over_records(source: Membership, target: Membership, by: Membership) -> int:
    """Makes `target` responsible for every record `source` was responsible for; each record's
    history shows the change."""
    require(by, roles.can_manage_team)
    if target.account_id != by.account.pk or source.account_id != by.account.pk or not target.is_active:
        raise PermissionDenied
    records = Record.objects.filter(account=by.account, responsible=source.user)
    handed = list(records.only("pk"))
    activity.record_on_each(by, ActivityVerb.CHANGED, handed,
                            changes={"responsible": [source.user.name, target.user.name]})
    return records.update(responsible=target.user)


def update_profile(user: User, name: str, email: str, language: str, time_zone: str) -> User:
    """A user's own settings: name, login e-mail, language and time zone (used from the next page on)."""
    errors: dict[str, str | list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Please enter your name.")
    try:
        email = clean_email(email)
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            errors["email"] = _("Another login already uses this e-mail address.")
    try:
        clean_preferences(language, time_zone)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    user.name, user.email, user.language, user.time_zone = name[:150], email, language, time_zone
    user.save(update_fields=["name", "email", "language", "time_zone"])
    return user


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


def active_api_keys(user: User) -> list[ApiKey]:
    """The user's keys that still work, in every account, oldest first."""
    return list(ApiKey.objects.filter(user=user, revoked_at__isnull=True).order_by("created_at", "pk"))


def revoke_all_api_keys(user: User) -> list[str]:
    """Revokes every working key of the user (after a password reset) and returns their names,
    so that the user is told which programs are locked out now."""
    keys = active_api_keys(user)
    ApiKey.objects.filter(pk__in=[key.pk for key in keys]).update(revoked_at=timezone.now())
    return [key.name for key in keys]


class KeyColumns(TypedDict):
    key_id: int
    key_last_used_at: dt.datetime | None
    client_wrong_keys: int | None


@prepared
def _key_holder(key_hash: str, client_counter: str, now: dt.datetime) -> QuerySet[Membership]:
    """The active membership a working key stands for, with the key and the client's count of
    wrong keys (the rate counter `client_counter`) in the same query. Compiled once
    (kontor/lib/prepared.py): every API request asks it, and building its SQL cost more than
    running it."""
    wrong_keys = RateCounter.objects.filter(key=client_counter, resets_at__gt=now).values("count")[:1]
    return (Membership.objects.active()
            .filter(user__api_keys__key_hash=key_hash, user__api_keys__revoked_at__isnull=True,
                    account_id=F("user__api_keys__account_id"))
            .annotate(key_id=F("user__api_keys__pk"), key_last_used_at=F("user__api_keys__last_used_at"),
                      client_wrong_keys=Subquery(wrong_keys))
            .select_related("account", "user").order_by("pk")[:1])


def membership_for_api_key(secret: str, client_counter: str = "") -> WithAnnotations[Membership, KeyColumns] | None:
    """The active membership a working key stands for, found in one query, with `key_id` and
    `client_wrong_keys`: the count of the rate counter `client_counter` (the API's count of the
    client's wrong keys; None without one). The key's last use is noted at most once a minute."""
    now = timezone.now()
    found = _key_holder(hash_api_key(secret), client_counter, now)
    if not found:
        return None
    # Spelled out for the type checker, which does not see annotate()'s columns through prepared.
    membership = cast("WithAnnotations[Membership, KeyColumns]", found[0])
    last_used = membership.key_last_used_at
    if last_used is None or (now - last_used).total_seconds() > 60:
        ApiKey.objects.filter(pk=membership.key_id).update(last_used_at=now)
    return membership
