"""/api/v1/settings/notifications: which notifications the key's user also gets by e-mail, and the
weekly summary, as on the notification settings page. Every kind is on until switched off."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import AfterValidator

from kontor.api.auth import membership
from kontor.api.errors import InvalidInputOut
from kontor.notifications import actions
from kontor.notifications.models import MAIL_TYPES

router = Router(tags=["Settings"])

MAIL_TYPES_TEXT = ", ".join(MAIL_TYPES)


def _known_kinds(wanted: dict[str, bool]) -> dict[str, bool]:
    # An unknown kind is refused rather than stored where nothing reads it.
    unknown = sorted(set(wanted) - set(MAIL_TYPES))
    if unknown:
        raise ValueError(f"Unknown kinds: {', '.join(unknown)}; use {MAIL_TYPES_TEXT}.")
    return wanted


# Declared with the kinds as property names, so that the document says what the validator checks.
MailChoices = Annotated[dict[str, bool], AfterValidator(_known_kinds),
                        Field(json_schema_extra={"propertyNames": {"enum": MAIL_TYPES}})]


class MailSettingsOut(Schema):
    email: dict[str, bool] = Field(description=f"For each kind ({MAIL_TYPES_TEXT}; `weekly` is the weekly "
                                               "summary on Monday morning) whether it is sent by e-mail.")


class MailSettingsChange(Schema):
    email: MailChoices = Field(description="The kinds to switch on (true) or off (false); kinds left "
                                           "out stay as they are.", max_length=len(MAIL_TYPES))


@router.get("/notifications", response=MailSettingsOut, summary="My notification e-mails")
def read_mail_settings(request: HttpRequest) -> dict:
    return {"email": actions.mail_preferences(membership(request).user)}


@router.patch("/notifications", response={200: MailSettingsOut, 422: InvalidInputOut},
              summary="Change my notification e-mails",
              description="Switches e-mails for kinds of notification, and the weekly summary, on or off.")
def change_mail_settings(request: HttpRequest, payload: MailSettingsChange) -> dict:
    user = membership(request).user
    actions.set_mail_preferences(user, payload.email)
    return {"email": actions.mail_preferences(user)}
