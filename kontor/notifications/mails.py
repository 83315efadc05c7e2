"""The notification mails: one per notification at once, one per recipient for the hourly batch
of assignments. HTML and plain text, in the recipient's language and time zone, with absolute
links built from settings.BASE_URL and a signed link that switches that kind of mail off.

Each send first claims its notifications (emailed_at set by a conditional UPDATE), so a rerun
of a job, or two workers on one Redis, never mail the same thing twice; a failed send gives the
claim back and raises, and Huey retries the job."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kontor.accounts.models import Account, Membership, User
from kontor.notifications.models import MailPreference, Notification
from kontor.tasks.models import zone_of

logger = logging.getLogger("kontor.mail")

UNSUBSCRIBE_SALT = "kontor.notifications.unsubscribe"


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "t": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, mail type) from a link in a mail; raises signing.BadSignature when forged, and
    its subclass signing.SignatureExpired when the link is older than UNSUBSCRIBE_LINK_DAYS (the
    token carries the time it was signed: a leaked old mail no longer changes anyone's settings)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=dt.timedelta(days=settings.UNSUBSCRIBE_LINK_DAYS))
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("t"), str):
        raise signing.BadSignature("malformed")
    return data["u"], data["t"]


def unsubscribe_url(user: User, kind: str) -> str:
    return settings.BASE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kind)])


def wants_mail(user: User, account: Account | int, kind: str) -> bool:
    """Active user, active membership in the account, and that kind of mail not switched off."""
    account_id = account if isinstance(account, int) else account.pk
    if not user.is_active or not Membership.objects.active().filter(account_id=account_id, user=user).exists():
        return False
    return not MailPreference.objects.filter(user=user, type=kind, email=False).exists()


def send(user: User, template: str, context: dict, kind: str) -> None:
    """Renders emails/notifications/<template>{_subject.txt,.txt,.html} for the user and sends it."""
    link = unsubscribe_url(user, kind)
    context = {**context, "user": user, "base_url": settings.BASE_URL, "unsubscribe_url": link}
    with translation.override(user.language), timezone.override(zone_of(user.time_zone)):
        subject = " ".join(render_to_string(f"emails/notifications/{template}_subject.txt", context).split())
        text = render_to_string(f"emails/notifications/{template}.txt", context)
        html = render_to_string(f"emails/notifications/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email], headers={
        "List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    message.attach_alternative(html, "text/html")
    message.send()


def may_still_read(notification: Notification) -> bool:
    """Whether the recipient may read what the notification is about, now: the note may have been
    made confidential (or the recipient's role lowered) since the mail was queued. Then the mail
    does not go out at all, since its excerpt is the note's text."""
    if notification.entry_id is None and notification.comment_id is None:
        return True
    role = (Membership.objects.active().filter(account_id=notification.account_id, user=notification.recipient)
            .values_list("role", flat=True).first())
    return role is not None and Notification.objects.filter(pk=notification.pk).readable_by(role).exists()


def _claim(ids: Iterable[int], now: dt.datetime) -> bool:
    ids = list(ids)
    return Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now) == len(ids)


def _release(ids: Iterable[int]) -> None:
    Notification.objects.filter(pk__in=list(ids)).update(emailed_at=None)


def send_notifications(ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Mails these (not batched) notifications, each at most once. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    pending = (Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True, batched=False)
               .select_related("recipient", "actor", "entry", "record").order_by("pk"))
    for notification in pending:
        if not wants_mail(notification.recipient, notification.account_id, notification.type):
            continue
        if not may_still_read(notification):
            continue
        if not _claim([notification.pk], now):
            continue
        try:
            with translation.override(notification.recipient.language):
                headline = notification.headline()
            send(notification.recipient, "notification",
                 {"notification": notification, "headline": headline}, notification.type)
        except Exception:
            _release([notification.pk])
            raise
        sent += 1
    return sent


def send_assignment_batches(now: dt.datetime | None = None) -> int:
    """One mail per recipient and account with every batched assignment not mailed yet.
    Run hourly, so nobody gets more than one such mail an hour. Returns the mails sent."""
    now = now or timezone.now()
    groups: dict[tuple[int, int], list[Notification]] = defaultdict(list)
    pending = (Notification.objects.filter(batched=True, emailed_at__isnull=True, created_at__lte=now)
               .select_related("recipient", "actor", "task", "record", "account").order_by("created_at", "pk"))
    for notification in pending:
        groups[(notification.recipient_id, notification.account_id)].append(notification)
    sent = 0
    for notifications in groups.values():
        first = notifications[0]
        ids = [n.pk for n in notifications]
        if not _claim(ids, now):
            continue
        if not wants_mail(first.recipient, first.account_id, first.type):
            continue  # claimed all the same: switched off means not mailed later either
        try:
            send(first.recipient, "assignments", {"notifications": notifications, "account": first.account},
                 first.type)
        except Exception:
            _release(ids)
            raise
        sent += 1
    logger.info("Sent %d batched assignment mails", sent)
    return sent
