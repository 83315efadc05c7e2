"""/api/v1/notifications: the key's user's notifications in the key's account; mark them read."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from kontor.api.auth import membership
from kontor.api.errors import ErrorOut, InvalidInputOut
from kontor.api.lists import ListParams, Page, changed_since, envelope, in_order, page_of
from kontor.api.schemas import DateTime, Id
from kontor.notifications import actions
from kontor.notifications.models import Notification

router = Router(tags=["Notifications"])


class NotificationOut(Schema):
    id: int
    type: str = Field(description="entry, comment, mention or assignment")
    headline: str
    excerpt: str
    url: str = Field(description="The page to open, relative to Kontor's address.")
    actor_id: int | None
    record_id: int | None
    entry_id: int | None
    task_id: int | None
    comment_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Page):
    items: list[NotificationOut]


class NotificationFilters(ListParams):
    unread: bool = Field(False, description="Only unread notifications.")
    updated_since: DateTime | None = Field(None, description="Only notifications that arrived or were read at "
                                           "or after this time (ISO 8601).")
    order: Literal["-created_at", "created_at"] = Field("-created_at", description="`-created_at` (newest "
                                                        "first) or `created_at`.")


class ReadOut(Schema):
    marked: int


def notification_out(notification: Notification) -> dict:
    return {"id": notification.pk, "type": notification.type, "headline": notification.headline(),
            "excerpt": notification.excerpt, "url": notification.url, "actor_id": notification.actor_id,
            "record_id": notification.record_id, "entry_id": notification.entry_id,
            "task_id": notification.task_id, "comment_id": notification.comment_id,
            "created_at": notification.created_at, "read_at": notification.read_at}


@router.get("", response={200: NotificationPage, 422: InvalidInputOut}, summary="List my notifications",
            description="Newest first unless `order` says otherwise.")
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> dict:
    notifications = Notification.objects.for_membership(membership(request))
    if filters.unread:
        notifications = notifications.unread()
    notifications = changed_since(notifications.select_related("actor", "entry"), filters, "created_at", "read_at")
    rows, has_next = page_of(in_order(notifications, filters.order), filters)
    return envelope([notification_out(n) for n in rows], filters, has_next)


@router.post("/read", response=ReadOut, summary="Mark all read")
def mark_all_read(request: HttpRequest) -> dict:
    return {"marked": actions.mark_all_read(membership(request))}


@router.post("/{notification_id}/read", response={200: NotificationOut, 404: ErrorOut}, summary="Mark one read")
def mark_read(request: HttpRequest, notification_id: Id) -> dict:
    by = membership(request)
    notification = Notification.objects.for_membership(by).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    actions.mark_read(notification, by)
    notification.refresh_from_db()
    return notification_out(notification)
