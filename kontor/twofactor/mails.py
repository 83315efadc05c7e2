"""The security notice a user gets when an administrator resets their two-factor login, in the
user's own language. A mail server that fails is logged: the reset itself stands."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kontor.accounts.models import Membership

logger = logging.getLogger("kontor.mail")


def send_reset_notice(member: Membership, by: Membership) -> None:
    user = member.user
    context = {"name": user.name, "admin": by.user.name, "account": by.account.name,
               "url": settings.BASE_URL + reverse("twofactor:settings")}
    with translation.override(user.language):
        subject = render_to_string("twofactor/emails/reset_subject.txt", context).strip()
        body = render_to_string("twofactor/emails/reset.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [user.email])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Two-factor reset notice to %s failed: %s", user.email, error)
