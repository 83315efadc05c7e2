"""E-mails around accounts: invitations. (Password-reset mails go through Django's reset form,
see forms.PasswordResetForm.)

Mails are rendered in the recipient's language where we know it, else in the sender's, and carry
absolute links built from settings.BASE_URL, the address under which the team reaches Kontor."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kontor.accounts.models import Invitation

logger = logging.getLogger("kontor.mail")


class MailNotSent(Exception):
    """The mail server refused or could not be reached. What was saved before stays saved."""

    def __init__(self, invitation: Invitation, reason: str) -> None:
        super().__init__(reason)
        self.invitation = invitation


def invitation_url(invitation: Invitation) -> str:
    return settings.BASE_URL + reverse("accounts:invitation", args=[invitation.token])


def send_invitation(invitation: Invitation, language: str) -> None:
    """Sends the invitation link. Raises MailNotSent when the mail server fails, so that the
    inviter learns it at once and can resend or pass the link on."""
    inviter = invitation.invited_by
    context = {"invitation": invitation, "account": invitation.account,
               "inviter_name": inviter.name if inviter else invitation.account.name,
               "url": invitation_url(invitation), "valid_days": Invitation.VALID_DAYS}
    with translation.override(language):
        subject = render_to_string("emails/accounts/invitation_subject.txt", context).strip()
        body = render_to_string("emails/accounts/invitation.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Invitation mail to %s failed: %s", invitation.email, error)
        raise MailNotSent(invitation, str(error)) from error
