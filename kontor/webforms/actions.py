"""Setting up web forms, and what happens when a visitor sends one.

`submit` is the one way an enquiry enters Kontor: the public pages call it, and whatever should
happen on each enquiry later (webhooks) plugs in there. It decides, in this order:

  1. the sending website is on the form's allow-list (when it has one), else OriginRefused;
  2. the client address has sent fewer than the limit in the window, else RateLimited;
  3. the honeypot is empty, else spam;
  4. the signed time token is there, from this form and not older than the maximum, else
     SendAgain (a person may have left the tab open);
  5. the fields are valid, else InvalidEnquiry carrying the form with its messages;
  6. the token is older than the minimum, else spam (no person types that fast);
  7. the person (found by e-mail or created, with their company), the tags, the note, the
     responsible user as follower, the notifications, the Submission row.

Steps 2 to 7 run in one transaction under the form's row lock, so the rate limit holds for posts
that arrive at the same moment.

Spam is answered like success by the pages, so a bot learns nothing; it keeps no content."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership, User
from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Company, ContactDetail, DetailKind, Person
from kontor.history import actions as history_actions
from kontor.notifications import actions as notification_actions
from kontor.notifications.models import Notification, NotificationType
from kontor.records import actions as record_actions
from kontor.records.access import require
from kontor.records.models import Kind
from kontor.webforms.forms import EnquiryForm
from kontor.webforms.models import ALWAYS_REQUIRED, CATALOGUE, Language, Submission, SubmissionState, WebForm
from kontor.webhooks import actions as webhooks

HONEYPOT = "homepage"
STARTED = "started"
MAX_NAME = 150
MAX_THANK_YOU = 2000
MAX_ORIGINS = 20


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def min_seconds() -> int:
    """Faster than this from showing the form to sending it, no person typed it."""
    return _setting("WEBFORM_MIN_SECONDS", 3)


def max_age_seconds() -> int:
    return _setting("WEBFORM_MAX_AGE_SECONDS", 24 * 60 * 60)


def rate_limit() -> tuple[int, int]:
    """(enquiries, seconds): at most so many per client address and form within the window."""
    return _setting("WEBFORM_RATE_LIMIT", 5), _setting("WEBFORM_RATE_WINDOW_SECONDS", 10 * 60)


class RateLimited(Exception):
    """Too many enquiries from one address through one form lately."""


class OriginRefused(Exception):
    """The form was sent from a website that is not on its allow-list."""


class FormGone(Exception):
    """The form was deleted while the enquiry was on its way."""


class SendAgain(Exception):
    """The time token is missing, forged or too old: the visitor should send the form once more."""


class InvalidEnquiry(Exception):
    """Fields the visitor must correct; `form` is the bound form with the messages at its fields."""

    def __init__(self, form: EnquiryForm) -> None:
        super().__init__(form.errors)
        self.form = form


@dataclass(frozen=True)
class Client:
    """Who sends: the client address (REMOTE_ADDR), the website the browser says it sends from
    (Origin, else the origin of the Referer) and Kontor's own origin as this request reached it."""

    address: str
    origin: str = ""
    own_origin: str = ""
    now: float | None = None  # seconds since the epoch; None: the moment submit() runs


# --- settings of a form -----------------------------------------------------------------------


@dataclass
class WebFormData:
    """Everything an owner or admin sets on a form, as the settings page and the API send it."""

    name: str
    fields: list[dict[str, Any]]
    tags: list[str] = field(default_factory=list)
    responsible_id: int | None = None
    notify_ids: list[int] = field(default_factory=list)
    thank_you_text: str = ""
    redirect_url: str = ""
    language: str = Language.GERMAN
    allowed_origins: list[str] = field(default_factory=list)


HOSTNAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def normalize_origin(value: str) -> str:
    """'https://www.Example.com/' → 'https://www.example.com', 'https://müller.de' →
    'https://xn--mller-kva.de' (browsers send the Origin header so); raises ValueError for anything
    that is not the https address of a website (a path, a query, another scheme, a space)."""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() != "https" or not parts.hostname or parts.path not in ("", "/") or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ValueError(value)
    try:
        port = parts.port
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except (ValueError, UnicodeError):
        raise ValueError(value) from None
    # The origins also go into the embed page's Content-Security-Policy: nothing but a host name.
    if not HOSTNAME.fullmatch(host) or len(host) > 253:
        raise ValueError(value)
    return f"https://{host}" + (f":{port}" if port and port != 443 else "")


def _clean_fields(raw: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        errors["fields"] = [_("Choose the fields of the form.")]
        return []
    chosen: dict[str, bool] = {}
    for item in raw:
        key = item.get("key") if isinstance(item, dict) else None
        if key not in CATALOGUE:
            errors["fields"] = [_("Unknown field: %(key)s.") % {"key": key}]
            return []
        if key in chosen:
            errors["fields"] = [_("The field %(key)s is listed twice.") % {"key": key}]
            return []
        chosen[key] = bool(item.get("required")) or key in ALWAYS_REQUIRED
    missing = ALWAYS_REQUIRED - set(chosen)
    if missing:
        errors["fields"] = [_("Every form asks for the last name: Kontor cannot store a person without it.")]
        return []
    return [{"key": key, "required": chosen[key]} for key in CATALOGUE if key in chosen]


def _members(by: Membership, user_ids: list[int]) -> dict[int, User]:
    found = Membership.objects.active().filter(account=by.account, user_id__in=set(user_ids)).select_related("user")
    return {m.user_id: m.user for m in found}


def _clean_settings(by: Membership, data: WebFormData) -> dict[str, Any]:
    """The data checked and tidied, or a ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = [_("Please give the form a name.")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("At most %(count)s characters.") % {"count": MAX_NAME}]
    fields = _clean_fields(data.fields, errors)
    tags: list[str] = []
    for tag in data.tags:
        try:
            tags.append(record_actions.normalize_tag_name(tag))
        except record_actions.TagNameError as error:
            errors["tags"] = [str(error)]
    people = _members(by, [*data.notify_ids, *([data.responsible_id] if data.responsible_id else [])])
    if data.responsible_id is not None and data.responsible_id not in people:
        errors["responsible_id"] = [_("Choose an active colleague.")]
    if any(user_id not in people for user_id in data.notify_ids):
        errors["notify_ids"] = [_("Choose active colleagues.")]
    redirect_url = (data.redirect_url or "").strip()
    if redirect_url:
        try:
            URLValidator(schemes=["http", "https"])(redirect_url)
        except ValidationError:
            errors["redirect_url"] = [_("Enter a full web address starting with https://.")]
        if len(redirect_url) > 500:
            errors["redirect_url"] = [_("At most %(count)s characters.") % {"count": 500}]
    thank_you_text = (data.thank_you_text or "").strip()
    if len(thank_you_text) > MAX_THANK_YOU:
        errors["thank_you_text"] = [_("At most %(count)s characters.") % {"count": MAX_THANK_YOU}]
    if data.language not in Language.values:
        errors["language"] = [_("Choose German or English.")]
    origins: list[str] = []
    for origin in data.allowed_origins:
        if not origin.strip():
            continue
        try:
            origins.append(normalize_origin(origin))
        except ValueError:
            errors["allowed_origins"] = [_("“%(value)s” is no website address like https://www.example.com.")
                                         % {"value": origin}]
    if len(origins) > MAX_ORIGINS:
        errors["allowed_origins"] = [_("At most %(count)s websites.") % {"count": MAX_ORIGINS}]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "fields": fields, "tags": tags, "responsible": people.get(data.responsible_id or 0),
            "notify": [people[i] for i in dict.fromkeys(data.notify_ids)], "thank_you_text": thank_you_text,
            "redirect_url": redirect_url, "language": data.language, "allowed_origins": list(dict.fromkeys(origins))}


def _save(form: WebForm, by: Membership, data: WebFormData) -> WebForm:
    require(by, roles.can_manage_team, _("Only owners and administrators set up web forms."))
    cleaned = _clean_settings(by, data)
    for name in ("name", "fields", "responsible", "thank_you_text", "redirect_url", "language", "allowed_origins"):
        setattr(form, name, cleaned[name])
    form.updated_at = timezone.now()
    form.save()
    form.tags.set(record_actions.get_or_create_tags(by.account, cleaned["tags"]))
    form.notify.set(cleaned["notify"])
    return form


@transaction.atomic
def create_webform(by: Membership, data: WebFormData) -> WebForm:
    return _save(WebForm(account=by.account), by, data)


@transaction.atomic
def update_webform(form: WebForm, by: Membership, data: WebFormData) -> WebForm:
    return _save(form, by, data)


@transaction.atomic
def delete_webform(form: WebForm, by: Membership) -> None:
    """Deletes the form and its list of arrivals; the people and notes it created stay."""
    require(by, roles.can_manage_team, _("Only owners and administrators set up web forms."))
    form.delete()


# --- the time token ---------------------------------------------------------------------------


class _StartSigner(signing.TimestampSigner):
    """A TimestampSigner whose salt is the form's own, so a token of one form is no good on another,
    and whose clock can be set (tests, and a check that does not depend on when it runs)."""

    def __init__(self, form: WebForm, at: float | None = None) -> None:
        super().__init__(salt=f"kontor.webforms.started.{form.token}")
        self.at = at

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.at if self.at is not None else time.time()))


def started_token(form: WebForm, at: float | None = None) -> str:
    """The hidden input's value: when the form was shown, signed for this form."""
    return _StartSigner(form, at).sign("s")


def resend_token(form: WebForm) -> str:
    """The token of a form shown again with what the visitor typed (a field to correct, or a
    confirmation): dated back by the minimum, since the typing is done and the next click may be
    quick. A bot gains nothing from it that waiting a few seconds would not give it too."""
    return started_token(form, at=time.time() - min_seconds())


def _started_at(form: WebForm, token: str) -> float | None:
    try:
        _StartSigner(form).unsign(token)
    except signing.BadSignature:
        return None
    return float(signing.b62_decode(token.rsplit(":", 2)[1]))


# --- an enquiry -------------------------------------------------------------------------------


def client_hash(form: WebForm, address: str) -> str:
    """A keyed hash of the address: enough to count per sender, useless for finding the sender."""
    return salted_hmac("kontor.webforms.client", f"{form.pk}:{address}").hexdigest()


def _origin_allowed(form: WebForm, client: Client) -> bool:
    if not form.allowed_origins:
        return True
    origin = client.origin.lower().rstrip("/")
    own = {client.own_origin.lower().rstrip("/"), settings.BASE_URL.lower()}
    return bool(origin) and (origin in own or origin in form.allowed_origins)


def _is_rate_limited(form: WebForm, hashed: str, now: float) -> bool:
    limit, window = rate_limit()
    since = _moment(now - window)
    return Submission.objects.filter(form=form, client_hash=hashed, created_at__gte=since).count() >= limit


def _moment(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


def _record_spam(form: WebForm, hashed: str, now: float) -> Submission:
    """Only that spam came (for the count and the rate limit); called inside submit's transaction."""
    submission = Submission.objects.create(account_id=form.account_id, form=form, state=SubmissionState.SPAM,
                                           client_hash=hashed, created_at=_moment(now))
    WebForm.objects.filter(pk=form.pk).update(spam_count=F("spam_count") + 1)
    return submission


def submit(form: WebForm, data: Mapping[str, Any], client: Client) -> Submission:
    """Takes one enquiry sent through `form` (see the module's docstring for the order of checks).
    Returns the Submission: state ok with its person, or state spam with nothing stored."""
    if not _origin_allowed(form, client):
        raise OriginRefused
    now = client.now if client.now is not None else time.time()
    hashed = client_hash(form, client.address)
    # Counting and writing under the form's row lock: posts arriving at the same moment from one
    # address are taken one after the other, so they cannot all slip under the limit together.
    with transaction.atomic():
        if not WebForm.objects.select_for_update().filter(pk=form.pk).exists():
            raise FormGone
        if _is_rate_limited(form, hashed, now):
            raise RateLimited
        if str(data.get(HONEYPOT, "")).strip():
            return _record_spam(form, hashed, now)
        started = _started_at(form, str(data.get(STARTED, "")))
        if started is None or now - started > max_age_seconds():
            raise SendAgain
        enquiry = EnquiryForm(form, data)
        if not enquiry.is_valid():
            # Before the speed check: a person who clicks Send on an empty form at once is shown
            # what is missing, not thanked for nothing.
            raise InvalidEnquiry(enquiry)
        if now - started < min_seconds():
            return _record_spam(form, hashed, now)
        return _take(form, enquiry.cleaned_data, hashed, now)


def _acting_membership(form: WebForm) -> Membership:
    """Whose name the writes go in: the responsible user's, or the owner's when the form has none
    (or theirs is no longer active). Notes need an author from the team."""
    members = Membership.objects.active().filter(account_id=form.account_id).select_related("account", "user")
    if form.responsible_id is not None:
        responsible = members.filter(user_id=form.responsible_id).first()
        if responsible is not None:
            return responsible
    return Membership.objects.filter(account_id=form.account_id, role=roles.Role.OWNER).select_related(
        "account", "user").get()


def _find_person(form: WebForm, email: str) -> Person | None:
    if not email:
        return None
    detail = (ContactDetail.objects.filter(account_id=form.account_id, kind=DetailKind.EMAIL,
                                           normalized=email.lower(), record__kind=Kind.PERSON,
                                           record__deleted_at__isnull=True)
              .order_by("record_id").first())
    return Person.objects.select_related("record").get(pk=detail.record_id) if detail else None


def _find_or_create_company(by: Membership, name: str) -> Company:
    # sort_name is the name lower-cased in Python, so "Müller" finds "MÜLLER" on SQLite too.
    found = (Company.objects.alive().filter(account=by.account, sort_name=name.strip().lower())
             .select_related("record").order_by("pk").first())
    return found or contact_actions.create_company(by, {"name": name})


def _note_text(form: WebForm, by: Membership, values: dict[str, str]) -> tuple[str, str]:
    """(subject, body) of the note, in the language of the colleague it is written for."""
    with translation.override(by.user.language):
        subject = _("Enquiry via web form “%(form)s”") % {"form": form.name}
        lines = [f"{CATALOGUE[key].label}: {values[key]}" for key in CATALOGUE
                 if key != "message" and values.get(key)]
        origin = _("Sent by a visitor of the website through the web form “%(form)s”; filed in the name "
                   "of %(name)s.") % {"form": form.name, "name": by.user.name}
        message = values.get("message", "")
        body = "\n\n".join(part for part in (message, origin + "\n" + "\n".join(lines)) if part)
    return subject, body


def _take(form: WebForm, values: dict[str, str], hashed: str, now: float) -> Submission:
    """The enquiry's writes (step 7); called inside submit's transaction."""
    by = _acting_membership(form)
    email, company_name = values.get("email", ""), values.get("company", "")
    person = _find_person(form, email)
    if person is None:
        company = _find_or_create_company(by, company_name) if company_name else None
        contact = [contact_actions.DetailData(DetailKind.EMAIL, email)] if email else []
        if values.get("phone"):
            contact.append(contact_actions.DetailData(DetailKind.PHONE, values["phone"]))
        details = contact_actions.Details(
            contact=contact, positions=[contact_actions.PositionData(company)] if company else None)
        person = contact_actions.create_person(
            by, {"first_name": values.get("first_name", ""), "last_name": values["last_name"]}, details,
            responsible=by.user)
    tag_names = list(form.tags.values_list("name", flat=True))
    if tag_names:
        record_actions.add_tags(person.record, tag_names, by)
    subject, body = _note_text(form, by, values)
    entry = history_actions.add_note(by, [person.record], body, subject=subject, notify=[])
    # add_note tells colleagues @mentioned in the text; here a stranger wrote it, and the mention
    # would read as the responsible user's. Dropped before the commit, so no mail goes out either.
    Notification.objects.filter(entry=entry, type=NotificationType.MENTION).delete()
    record_actions.watch(person.record, by.user)
    recipients = list(form.notify.values_list("pk", flat=True))
    notification_actions.notify_webform(by.account, recipients, person.record, entry, form.name,
                                        values.get("message", "") or body)
    submission = Submission.objects.create(
        account_id=form.account_id, form=form, state=SubmissionState.OK, person=person, client_hash=hashed,
        created_at=_moment(now),
        name=" ".join(p for p in (values.get("first_name", ""), values["last_name"]) if p)[:210], email=email)
    WebForm.objects.filter(pk=form.pk).update(submission_count=F("submission_count") + 1)
    webhooks.emit(form.account_id, "webform.submitted", submission)
    return submission


def forget_client_addresses(now: float | None = None) -> int:
    """Clears the hashed client addresses older than the rate-limit window: they were kept for
    the limit alone. Spam rows go entirely then (they hold nothing else, the form counts them),
    so a flood of robots does not fill the database. Returns how many rows were cleared or removed."""
    _limit, window = rate_limit()
    before = _moment((now if now is not None else time.time()) - window)
    old = Submission.objects.filter(created_at__lt=before)
    removed, _per_model = old.filter(state=SubmissionState.SPAM).delete()
    return removed + old.exclude(client_hash="").update(client_hash="")
