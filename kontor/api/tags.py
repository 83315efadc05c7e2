"""/api/v1/tags: the account's tags with how many live records carry each; administrators
rename, merge and delete them."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from kontor.accounts import roles
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInput, InvalidInputOut, field_error
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id, Omittable, TagName
from kontor.records import actions
from kontor.records.access import access_tag, require
from kontor.records.models import Tag

router = Router(tags=["Tags"])


class TagOut(Schema):
    id: int
    name: str
    count: int = Field(description="Live records (not in the trash) that carry the tag.")
    people_count: int
    companies_count: int


class TagPage(Page):
    items: list[TagOut]


class TagFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only tags created at or after this time (ISO 8601).")
    order: Literal["name", "-name", "created_at", "-created_at"] = Field(
        "name", description="`name` (A to Z), `-name`, `created_at` (oldest first) or `-created_at`.")


class TagUpdate(Schema):
    # Required, as the document says; checked by the action after the role and the id, so that
    # another account's tag is a 404 and a power user's attempt a 403 whatever the body.
    model_config = ConfigDict(json_schema_extra={"required": ["name"]})

    name: Omittable[TagName] = Field(None, description="The new name; the name of another tag merges the two.")


def tag_out(tag: Tag) -> dict:
    """A tag as JSON, with the counts its counters keep of the live records carrying it (the same
    the lists' side column shows, records/tag_counts.py): counting the taggings instead took 67 to 87 ms
    for a page of tags on 100,000 people."""
    return {"id": tag.pk, "name": tag.name,
            "count": tag.person_count + tag.company_count + tag.deal_count + tag.project_count,
            "people_count": tag.person_count, "companies_count": tag.company_count}


def _counted(account_id: int, **filters: object) -> list[Tag]:
    """The tags, read afresh: an action changed their counters in the database."""
    return list(Tag.objects.filter(account_id=account_id, **filters).order_by("name", "pk"))


@router.get("", response={200: TagPage, 422: InvalidInputOut}, summary="List tags",
            description="The account's tags by name (unless `order` says otherwise), with how many people and "
                        "companies carry each.")
def list_tags(request: HttpRequest, filters: Query[TagFilters]) -> dict:
    tags = changed_since(Tag.objects.filter(account=membership(request).account), filters, "created_at")
    rows, has_next = page_of(in_order(tags, filters.order), filters)
    return envelope([tag_out(tag) for tag in rows], filters, has_next)


@router.get("/{tag_id}", response={200: TagOut, 404: ErrorOut}, summary="Read a tag")
def read_tag(request: HttpRequest, tag_id: Id) -> dict:
    by = membership(request)
    return tag_out(_counted(by.account.pk, pk=access_tag(by, tag_id).pk)[0])


@router.patch("/{tag_id}", response={200: TagOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
              summary="Rename a tag",
              description="Administrators only. Renaming a tag onto the name of another tag merges them: "
                          "the answer is then the tag that remains.")
def rename_tag(request: HttpRequest, tag_id: Id, payload: TagUpdate) -> dict:
    by = membership(request)
    tag = access_tag(by, tag_id)
    try:
        # A missing name is refused by the action too, after it checked the role.
        tag = actions.rename_tag(tag, payload.name or "", by)
    except actions.TagNameError as error:
        raise InvalidInput([field_error(["body", "name"], str(error))]) from None
    return tag_out(_counted(by.account.pk, pk=tag.pk)[0])


@router.delete("/{tag_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete a tag",
               description="Administrators only. Removes the tag from every record.")
def delete_tag(request: HttpRequest, tag_id: Id) -> Status:
    by = membership(request)
    actions.delete_tag(access_tag(by, tag_id), by)
    return Status(204, None)


class TagCreate(Schema):
    name: TagName = Field(description="Spaces are collapsed; an existing tag of the same name (in any case) "
                                      "is answered instead of a second one.")


class TagMerge(Schema):
    tag_ids: list[Id] = Field([], max_length=500,
                              description="The tags to merge into this one; they are deleted afterwards. "
                                          "Without another tag, nothing changes.")


@router.post("", response={200: TagOut, 201: TagOut, 422: InvalidInputOut}, summary="Create a tag",
             description="A tag with no records yet, as tagging a record creates one: 201 for a new tag, 200 "
                         "with the existing one when the name is taken.")
def create_tag(request: HttpRequest, payload: TagCreate) -> Status:
    by = membership(request)
    newest = Tag.objects.filter(account=by.account).order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        [tag] = actions.get_or_create_tags(by.account, [payload.name])
    except actions.TagNameError as error:
        raise InvalidInput([field_error(["body", "name"], str(error))]) from None
    return Status(201 if tag.pk > newest else 200, tag_out(_counted(by.account.pk, pk=tag.pk)[0]))


@router.post("/{tag_id}/merge", response={200: TagOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
             summary="Merge tags into this one",
             description="Administrators only. The records of every tag in `tag_ids` carry this tag instead, "
                         "and those tags are deleted; this tag's own id in the list is ignored. A tag of "
                         "another account in the list is a 404, and then nothing is merged.")
def merge_tags(request: HttpRequest, tag_id: Id, payload: TagMerge) -> dict:
    by = membership(request)
    require(by, roles.can_manage_tags, _("Only administrators can rename, merge and delete tags."))
    into = access_tag(by, tag_id)
    merged = [access_tag(by, other) for other in sorted(set(payload.tag_ids) - {into.pk})]
    if merged:
        into = actions.merge_tags(merged, into=into, by=by)
    return tag_out(_counted(by.account.pk, pk=into.pk)[0])
