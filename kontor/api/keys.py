"""/api/v1/keys: the key's user's own API keys in this account, as on the API keys page. A new
key's secret is in the answer to its creation and nowhere else, ever; revoking a key locks out the
programs that use it at once (also the key making the request, if it revokes itself)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kontor.accounts import actions
from kontor.accounts.models import ApiKey
from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInputOut
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id, Name
from kontor.records.access import access_api_key

router = Router(tags=["API keys"])


class KeyOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the secret, to tell keys apart.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None = Field(description="To the minute.")


class KeyPage(Page):
    items: list[KeyOut]


class KeyCreated(KeyOut):
    secret: str = Field(description="The key itself. Shown only in this answer: store it now.")


class KeyCreate(Schema):
    name: Name = Field(max_length=100, description="What uses the key, e.g. the name of a script.")


def key_out(key: ApiKey) -> dict:
    return {"id": key.pk, "name": key.name, "prefix": key.prefix, "created_at": key.created_at,
            "last_used_at": key.last_used_at}


class KeyFilters(ListParams):
    updated_since: DateTime | None = Field(None, description="Only keys created at or after this time (a key "
                                           "does not change; ISO 8601).")
    order: Literal["created_at", "-created_at"] = Field("created_at", description="`created_at` (oldest first) "
                                                        "or `-created_at`.")


@router.get("", response={200: KeyPage, 422: InvalidInputOut}, summary="List my API keys",
            description="Your keys in this account that still work, oldest first unless `order` says otherwise. "
                        "Secrets are never shown again.")
def list_keys(request: HttpRequest, filters: Query[KeyFilters]) -> dict:
    by = membership(request)
    keys = ApiKey.objects.filter(account=by.account, user=by.user, revoked_at__isnull=True)
    keys = in_order(changed_since(keys, filters, "created_at"), filters.order)
    rows, has_next = page_of(keys, filters)
    return envelope([key_out(key) for key in rows], filters, has_next)


@router.post("", response={201: KeyCreated, 422: InvalidInputOut}, summary="Create an API key",
             description="A new key acting with your role in this account. Its `secret` is shown only here.")
def create_key(request: HttpRequest, payload: KeyCreate) -> Status:
    key, secret = actions.create_api_key(membership(request), payload.name)
    return Status(201, {**key_out(key), "secret": secret})


@router.delete("/{key_id}", response={204: None, 404: ErrorOut}, summary="Revoke an API key",
               description="The key stops working at once. Only your own working keys can be revoked here.")
def revoke_key(request: HttpRequest, key_id: Id) -> Status:
    by = membership(request)
    actions.revoke_api_key(access_api_key(by, key_id), by=by)
    return Status(204, None)
