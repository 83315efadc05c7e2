"""Following records through the API, as the follow button on a record page does:
`POST` and `DELETE /api/v1/{people|companies|deals|projects}/{id}/follow`, and `GET /api/v1/following`
for what the key's user follows. Following is per user: it makes the follower hear of new notes,
comments and files on the record (see kontor/notifications)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kontor.accounts.models import Membership
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInputOut
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id
from kontor.contacts.models import Company, Person
from kontor.deals.models import Deal
from kontor.projects.models import Project
from kontor.records import actions
from kontor.records.access import access_company, access_deal, access_person, access_project
from kontor.records.models import Record, Watch

# Mounted at the API's root, since its routes sit under four resources' paths.
router = Router(tags=["Following"])
list_router = Router(tags=["Following"])


class FollowOut(Schema):
    record_id: int = Field(description="The id of the person, company, deal or project.")
    kind: str = Field(description="person, company, deal or project")
    following: bool


class FollowedOut(Schema):
    id: int = Field(description="The id of the person, company, deal or project.")
    kind: str = Field(description="person, company, deal or project")
    name: str
    url: str = Field(description="Its path in the API.")


class FollowedPage(Page):
    items: list[FollowedOut]


RESOURCE_OF_KIND = {"person": "people", "company": "companies", "deal": "deals", "project": "projects"}


def _set_following(by: Membership, record: Record, following: bool) -> dict:
    if following:
        actions.watch(record, by.user)
    else:
        actions.unwatch(record, by.user)
    return {"record_id": record.pk, "kind": record.kind, "following": following}


def _add_routes(resource: str, noun: str,
                fetch: Callable[[Membership, int], Person | Company | Deal | Project]) -> None:
    """The follow and unfollow routes of one kind of record."""

    @router.post(f"/{resource}/{{record_id}}/follow", response={200: FollowOut, 404: ErrorOut},
                 summary=f"Follow a {noun}", operation_id=f"follow_{noun}",
                 description=f"You are told of new notes, comments and files on the {noun}. Following twice "
                             "is the same as once.")
    def follow(request: HttpRequest, record_id: Id) -> dict:
        by = membership(request)
        return _set_following(by, fetch(by, record_id).record, True)

    @router.delete(f"/{resource}/{{record_id}}/follow", response={200: FollowOut, 404: ErrorOut},
                   summary=f"Unfollow a {noun}", operation_id=f"unfollow_{noun}",
                   description=f"Stops the notifications about the {noun}. Unfollowing what you do not "
                               "follow changes nothing.")
    def unfollow(request: HttpRequest, record_id: Id) -> dict:
        by = membership(request)
        return _set_following(by, fetch(by, record_id).record, False)


_add_routes("people", "person", access_person)
_add_routes("companies", "company", access_company)
_add_routes("deals", "deal", access_deal)
_add_routes("projects", "project", access_project)


class FollowedFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only records changed at or after this time "
                                           "(ISO 8601).")
    order: Literal["name", "-updated_at", "updated_at"] = Field(
        "name", description="`name` (by kind, then A to Z), `-updated_at` (recently changed first) or "
                            "`updated_at`.")


@list_router.get("", response={200: FollowedPage, 422: InvalidInputOut}, summary="What I follow",
                 description="The people, companies, deals and projects you follow (not those in the trash), "
                             "by kind and name unless `order` says otherwise.")
def list_following(request: HttpRequest, filters: Query[FollowedFilters]) -> dict:
    by = membership(request)
    records = changed_since(Record.objects.filter(account=by.account, pk__in=Watch.objects.filter(user=by.user)
                                                  .values("record_id")).alive(), filters, "updated_at")
    if filters.order == "name":
        records = records.order_by("kind", "display_name", "pk")
    else:
        records = in_order(records, filters.order)
    rows, has_next = page_of(records, filters)
    items = [{"id": record.pk, "kind": record.kind, "name": record.display_name,
              "url": f"/api/v1/{RESOURCE_OF_KIND[record.kind]}/{record.pk}"} for record in rows]
    return envelope(items, filters, has_next)
