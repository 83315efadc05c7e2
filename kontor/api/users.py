"""/api/v1/users: who the key belongs to, and the colleagues a record can be handed to."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import InvalidInputOut
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime
from kontor.mail.dropbox import dropbox_for
from kontor.tasks.actions import calendar_feed_for
from kontor.tasks.feed import feed_url

router = Router(tags=["Users"])


class AccountOut(Schema):
    id: int
    name: str


class UserOut(Schema):
    id: int = Field(description="Use it as `responsible_id`.")
    name: str
    email: str
    role: str = Field(description="owner, admin, power or member")


class MeOut(UserOut):
    language: str = Field(description="de or en: the language of messages, also in this API.")
    time_zone: str = Field(description="Datetimes sent without an offset are read in this zone.")
    account: AccountOut
    calendar_url: str = Field(description="The secret address of your calendar feed (tasks and birthdays, "
                                          "iCalendar) to subscribe to in a calendar program.")
    dropbox_email: str = Field(description="Your personal Kontor address: mail sent there in BCC, or "
                                           "forwarded to it, is filed on the people it concerns.")


class UserPage(Page):
    items: list[UserOut]


class UserFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only colleagues who joined at or after this time "
                                           "(ISO 8601).")
    order: Literal["name", "created_at", "-created_at"] = Field(
        "name", description="`name` (A to Z), `created_at` (who joined first) or `-created_at`.")


def user_out(member: Membership) -> dict:
    return {"id": member.user.pk, "name": member.user.name, "email": member.user.email, "role": member.role}


@router.get("/me", response=MeOut, summary="Who am I",
            description="The user the API key belongs to, with role, language and time zone.")
def me(request: HttpRequest) -> dict:
    by = membership(request)
    return {**user_out(by), "language": by.user.language, "time_zone": by.user.time_zone,
            "account": {"id": by.account.pk, "name": by.account.name},
            "calendar_url": feed_url(calendar_feed_for(by)), "dropbox_email": dropbox_for(by).address}


@router.get("", response={200: UserPage, 422: InvalidInputOut}, summary="List colleagues",
            description="The active colleagues of the account, by name unless `order` says otherwise.")
def list_users(request: HttpRequest, filters: Query[UserFilters]) -> dict:
    colleagues = changed_since(Membership.objects.active().filter(account=membership(request).account)
                               .select_related("user"), filters, "created_at")
    rows, has_next = page_of(in_order(colleagues, filters.order, {"name": "user__name"}), filters)
    return envelope([user_out(member) for member in rows], filters, has_next)
