"""/api/v1/members and /api/v1/invitations: the team, as on the team page. Owners and
administrators list the members (deactivated ones too), change roles, deactivate and reactivate
colleagues, and invite, re-send and withdraw invitations; the owner hands over ownership. Every
other role gets 403."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kontor.accounts import actions, roles
from kontor.accounts.mails import MailNotSent, invitation_url
from kontor.accounts.models import Invitation, Membership
from kontor.accounts.roles import Role
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, field_error
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Email, Id, Name
from kontor.records.access import access_colleague, access_invitation, access_membership, require

members_router = Router(tags=["Team"])
invitations_router = Router(tags=["Team"])

ROLES_TEXT = "owner, admin, power or member"
ChosenRole = Literal["admin", "power", "member"]


class MemberOut(Schema):
    id: int = Field(description="The membership's id, used in these routes.")
    user_id: int = Field(description="The user's id, as in /users and `responsible_id`.")
    name: str
    email: str
    role: str = Field(description=ROLES_TEXT)
    is_active: bool
    created_at: dt.datetime
    deactivated_at: dt.datetime | None


class MemberPage(Page):
    items: list[MemberOut]


class RoleChange(Schema):
    role: ChosenRole | None = Field(None, description="admin, power or member; ownership is handed over "
                                                      "instead. Left out, nothing changes.")


class Deactivation(Schema):
    hand_records_to: Id | None = Field(None, description="User id of an active colleague who becomes "
                                                         "responsible for the records of the one leaving.")


class InvitationOut(Schema):
    id: int
    email: str
    name: str
    role: str
    invited_by_id: int | None
    sent_at: dt.datetime
    is_expired: bool = Field(description="Expired invitations can be sent again.")


class InvitationPage(Page):
    items: list[InvitationOut]


class InvitationSent(InvitationOut):
    mail_sent: bool = Field(description="False when the mail server failed: the invitation is saved; "
                                        "re-send it, or pass on `url` yourself.")
    url: str | None = Field(description="The invitation link, given only when the mail was not sent.")


class InvitationCreate(Schema):
    email: Email = Field(max_length=254)
    name: Name = Field(max_length=150)
    role: ChosenRole = "member"


def _manager(request: HttpRequest) -> Membership:
    by = membership(request)
    require(by, roles.can_manage_team, _("Only the owner and administrators can manage the team."))
    return by


def member_out(member: Membership) -> dict:
    return {"id": member.pk, "user_id": member.user_id, "name": member.user.name, "email": member.user.email,
            "role": member.role, "is_active": member.is_active, "created_at": member.created_at,
            "deactivated_at": member.deactivated_at}


def invitation_out(invitation: Invitation) -> dict:
    return {"id": invitation.pk, "email": invitation.email, "name": invitation.name, "role": invitation.role,
            "invited_by_id": invitation.invited_by_id, "sent_at": invitation.sent_at,
            "is_expired": invitation.is_expired}


def _sent(invitation: Invitation, mail_sent: bool) -> dict:
    return {**invitation_out(invitation), "mail_sent": mail_sent,
            "url": None if mail_sent else invitation_url(invitation)}


FORBIDDEN_OR_MISSING = {403: ErrorOut, 404: ErrorOut}


class MemberFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only members who joined at or after this time "
                                           "(ISO 8601).")
    order: Literal["name", "created_at", "-created_at"] = Field(
        "name", description="`name` (active members first, then by name), `created_at` (who joined first) or "
                            "`-created_at` (who joined last).")


class InvitationFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only invitations sent (or sent again) at or after "
                                           "this time (ISO 8601).")
    order: Literal["-sent_at", "sent_at"] = Field("-sent_at", description="`-sent_at` (newest first) or "
                                                  "`sent_at`.")


@members_router.get("", response={200: MemberPage, 403: ErrorOut, 422: InvalidInputOut}, summary="List the team",
                    description="Every member of the account, active ones first, by name (or as `order` says). "
                                "Owners and administrators only (everyone may list active colleagues at /users).")
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> dict:
    by = _manager(request)
    members = changed_since(Membership.objects.filter(account=by.account).select_related("user"), filters,
                            "created_at")
    if filters.order == "name":
        members = members.order_by("-is_active", "user__name", "pk")
    else:
        members = in_order(members, filters.order)
    rows, has_next = page_of(members, filters)
    return envelope([member_out(member) for member in rows], filters, has_next)


@members_router.get("/{membership_id}", response={200: MemberOut, **FORBIDDEN_OR_MISSING}, summary="Read a member")
def read_member(request: HttpRequest, membership_id: Id) -> dict:
    by = _manager(request)
    return member_out(access_membership(by, membership_id))


@members_router.patch("/{membership_id}", response={200: MemberOut, **FORBIDDEN_OR_MISSING, 422: InvalidInputOut},
                      summary="Change a role",
                      description="Nobody changes their own role; only the owner makes someone an administrator.")
def change_role(request: HttpRequest, membership_id: Id, payload: RoleChange) -> dict:
    by = _manager(request)
    member = access_membership(by, membership_id)
    if payload.role is not None:
        actions.change_role(member, payload.role, by=by)
    return member_out(member)


@members_router.post("/{membership_id}/deactivate",
                     response={200: MemberOut, **FORBIDDEN_OR_MISSING, 422: InvalidInputOut},
                     summary="Deactivate a colleague",
                     description="The colleague can no longer log in to this account and their API keys stop "
                                 "working; their notes keep their name. `hand_records_to` makes another colleague "
                                 "responsible for their records. The owner cannot be deactivated.")
def deactivate(request: HttpRequest, membership_id: Id, payload: Deactivation) -> dict:
    by = _manager(request)
    member = access_membership(by, membership_id)
    target = None
    if payload.hand_records_to is not None:
        try:
            target = access_colleague(by, payload.hand_records_to)
        except Http404:
            target = None
        if target is None or target.pk == member.pk:
            raise InvalidInput([field_error(["body", "hand_records_to"],
                                            _("Choose an active colleague other than the one leaving."))])
    actions.deactivate_membership(member, by=by, hand_records_to=target)
    member.refresh_from_db()
    return member_out(member)


@members_router.post("/{membership_id}/reactivate", response={200: MemberOut, **FORBIDDEN_OR_MISSING},
                     summary="Reactivate a colleague", description="Lets a deactivated colleague in again.")
def reactivate(request: HttpRequest, membership_id: Id) -> dict:
    by = _manager(request)
    member = access_membership(by, membership_id)
    actions.reactivate_membership(member, by=by)
    return member_out(member)


@members_router.post("/{membership_id}/ownership", response={200: MemberOut, **FORBIDDEN_OR_MISSING},
                     summary="Hand over ownership",
                     description="The owner only: the colleague becomes the owner, and you an administrator.")
def hand_over_ownership(request: HttpRequest, membership_id: Id) -> dict:
    by = membership(request)
    require(by, lambda role: role == Role.OWNER, _("Only the owner can hand over ownership."))
    member = access_membership(by, membership_id)
    if not member.is_active or member.pk == by.pk:
        raise Http404
    actions.hand_over_ownership(member, by=by)
    member.refresh_from_db()
    return member_out(member)


def _open_invitations(by: Membership) -> QuerySet[Invitation]:
    return Invitation.objects.filter(account=by.account, accepted_at__isnull=True, withdrawn_at__isnull=True)


@invitations_router.get("", response={200: InvitationPage, 403: ErrorOut, 422: InvalidInputOut},
                        summary="List open invitations",
                        description="Invitations neither accepted nor withdrawn, newest first unless `order` says "
                                    "otherwise.")
def list_invitations(request: HttpRequest, filters: Query[InvitationFilters]) -> dict:
    by = _manager(request)
    invitations = in_order(changed_since(_open_invitations(by), filters, "sent_at"), filters.order)
    rows, has_next = page_of(invitations, filters)
    return envelope([invitation_out(invitation) for invitation in rows], filters, has_next)


@invitations_router.post("", response={201: InvitationSent, 403: ErrorOut, 422: InvalidInputOut},
                         summary="Invite a colleague",
                         description="Mails the link in your language; an open invitation to the same address "
                                     "is replaced.")
def invite(request: HttpRequest, payload: InvitationCreate) -> Status:
    by = _manager(request)
    try:
        invitation = actions.invite(by, payload.email, payload.name, payload.role)
    except MailNotSent as failure:
        return Status(201, _sent(failure.invitation, mail_sent=False))
    return Status(201, _sent(invitation, mail_sent=True))


@invitations_router.post("/{invitation_id}/resend", response={200: InvitationSent, **FORBIDDEN_OR_MISSING,
                                                                422: InvalidInputOut},
                         summary="Send an invitation again",
                         description="Mails the link again; it is valid for another period from now on.")
def resend(request: HttpRequest, invitation_id: Id) -> dict:
    by = _manager(request)
    invitation = access_invitation(by, invitation_id)
    try:
        actions.resend_invitation(invitation, by=by)
    except MailNotSent:
        return _sent(invitation, mail_sent=False)
    return _sent(invitation, mail_sent=True)


@invitations_router.delete("/{invitation_id}", response={204: None, **FORBIDDEN_OR_MISSING, 422: InvalidInputOut},
                           summary="Withdraw an invitation", description="Its link stops working.")
def withdraw(request: HttpRequest, invitation_id: Id) -> Status:
    by = _manager(request)
    actions.withdraw_invitation(access_invitation(by, invitation_id), by=by)
    return Status(204, None)
