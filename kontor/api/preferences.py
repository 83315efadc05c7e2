"""/api/v1/settings: the key's user's own settings, as on the settings pages.

- notifications: which notifications also come by e-mail, and the weekly summary (every kind is on
  until switched off);
- profile: name, language and time zone;
- calendar: the feed's scope and a new secret address;
- dropbox: a new personal Kontor address."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import AfterValidator, StrictBool

from kontor.accounts import actions as account_actions
from kontor.accounts.models import TIME_ZONES, User
from kontor.api.auth import membership
from kontor.api.errors import InvalidInputOut
from kontor.api.schemas import Name
from kontor.mail.dropbox import renew_dropbox
from kontor.notifications import actions
from kontor.notifications.models import MAIL_TYPES
from kontor.tasks import actions as task_actions
from kontor.tasks.feed import feed_url
from kontor.tasks.models import CalendarFeed

router = Router(tags=["Settings"])

MAIL_TYPES_TEXT = ", ".join(MAIL_TYPES)


def _known_kinds(wanted: dict[str, bool]) -> dict[str, bool]:
    # An unknown kind is refused rather than stored where nothing reads it.
    unknown = sorted(set(wanted) - set(MAIL_TYPES))
    if unknown:
        raise ValueError(f"Unknown kinds: {', '.join(unknown)}; use {MAIL_TYPES_TEXT}.")
    return wanted


# Declared with the kinds as property names, so that the document says what the validator checks.
MailChoices = Annotated[dict[str, StrictBool], AfterValidator(_known_kinds),
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


class ProfileOut(Schema):
    name: str
    email: str = Field(description="The login e-mail; it is changed in the settings page only.")
    language: str = Field(description="de or en")
    time_zone: str = Field(description="An IANA zone such as Europe/Berlin.")


class ProfileChange(Schema):
    name: Name | None = Field(None, max_length=150)
    language: Literal["de", "en"] | None = None
    # The zones as an enum, so that the document names exactly those the action accepts.
    time_zone: str | None = Field(None, description="An IANA zone such as Europe/Berlin.",
                                  json_schema_extra={"enum": [*TIME_ZONES, None]})


class CalendarOut(Schema):
    calendar_url: str = Field(description="The secret address of your calendar feed (iCalendar).")
    include_team: bool = Field(description="Whether the feed carries the whole team's open tasks, not only yours.")


class CalendarChange(Schema):
    include_team: StrictBool | None = None


class DropboxOut(Schema):
    dropbox_email: str = Field(description="Your personal Kontor address for mail to be filed.")


def profile_out(user: User) -> dict:
    return {"name": user.name, "email": user.email, "language": user.language, "time_zone": user.time_zone}


def calendar_out(feed: CalendarFeed) -> dict:
    return {"calendar_url": feed_url(feed), "include_team": feed.include_team}


@router.get("/profile", response=ProfileOut, summary="My profile")
def read_profile(request: HttpRequest) -> dict:
    return profile_out(membership(request).user)


@router.patch("/profile", response={200: ProfileOut, 422: InvalidInputOut}, summary="Change my profile",
              description="Name, language (also of this API's messages) and time zone; what is left out stays. "
                          "The login e-mail and the password change in the settings page, after logging in.")
def change_profile(request: HttpRequest, payload: ProfileChange) -> dict:
    user = membership(request).user
    account_actions.update_profile(user, payload.name or user.name, user.email, payload.language or user.language,
                                   user.time_zone if payload.time_zone is None else payload.time_zone)
    return profile_out(user)


@router.get("/calendar", response=CalendarOut, summary="My calendar feed")
def read_calendar(request: HttpRequest) -> dict:
    return calendar_out(task_actions.calendar_feed_for(membership(request)))


@router.patch("/calendar", response={200: CalendarOut, 422: InvalidInputOut}, summary="Change my calendar feed",
              description="`include_team`: the whole team's open tasks, or only yours.")
def change_calendar(request: HttpRequest, payload: CalendarChange) -> dict:
    by = membership(request)
    if payload.include_team is None:
        return calendar_out(task_actions.calendar_feed_for(by))
    return calendar_out(task_actions.set_calendar_feed_scope(by, payload.include_team))


@router.post("/calendar/new-address", response=CalendarOut, summary="A new calendar address",
             description="The feed gets a new secret address; the old one stops working at once.")
def renew_calendar_address(request: HttpRequest) -> dict:
    return calendar_out(task_actions.regenerate_calendar_feed(membership(request)))


@router.post("/dropbox/new-address", response=DropboxOut, summary="A new Kontor address",
             description="Replaces your personal Kontor address; mail to the old one is refused from now on.")
def renew_dropbox_address(request: HttpRequest) -> dict:
    return {"dropbox_email": renew_dropbox(membership(request)).address}
