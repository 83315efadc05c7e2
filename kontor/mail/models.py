"""E-mail filing: the addresses mail arrives at, each message as it arrived, and the e-mail
details of a filed history entry.

Mail comes in through the SMTP listener, the IMAP poller, the MTA pipe or the raw-MIME API. Each
way in stores the raw bytes first (InboundMail, state `pending`) and enqueues the filing job; only
then does it answer the sender. Parsing and filing happen in the worker, so a message that breaks
the parser is still kept, raw, and shows in its user's inbox with a note."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account, Membership
from kontor.history.models import Entry
from kontor.projects.models import Project

DROPBOX_PREFIX = "bcc"


def new_dropbox_token() -> str:
    # 12 hex digits: 2^48 addresses, far beyond guessing at SMTP speed.
    return secrets.token_hex(6)


class Dropbox(models.Model):
    """A user's personal address in one account. Mail sent there (in BCC, or forwarded) is filed on
    the right people; a new token replaces the old one, which then stops working."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="dropbox")
    token = models.CharField(max_length=32, unique=True, default=new_dropbox_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return f"{DROPBOX_PREFIX}-{self.token}@{settings.MAIL_DOMAIN}"


class InboundSource(models.TextChoices):
    SMTP = "smtp", _("SMTP")
    IMAP = "imap", _("IMAP")
    PIPE = "pipe", _("mail server pipe")
    API = "api", _("API")


class InboundState(models.TextChoices):
    PENDING = "pending", _("waiting to be filed")
    FILED = "filed", _("filed")
    INBOX = "inbox", _("in the inbox")
    DISCARDED = "discarded", _("discarded")


class InboxReason(models.TextChoices):
    """Why a message waits in the inbox. Stored as a code and worded when shown, so that each
    reader sees it in their own language (the worker that filed it speaks none in particular)."""

    NOBODY = "nobody", _("no person or company matched")
    NO_ADDRESS = "no_address", _("no address outside the team")
    UNREADABLE = "unreadable", _("could not be read")
    MISSING = "missing", _("stored message missing")
    FAILED = "failed", _("filing failed")


# Addresses named in the inbox's note before "and N more".
NOTE_ADDRESSES = 5


class InboundMail(models.Model):
    """One message as it arrived at one account, kept raw before anything else happens."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    # The user whose dropbox received it (its inbox is where it waits), or the project whose address did.
    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recipient = models.CharField(max_length=320)
    source = models.CharField(max_length=10, choices=InboundSource.choices)
    raw = models.FileField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=InboundState.choices, default=InboundState.PENDING)
    # Read from the message when it is filed; shown in the inbox without parsing it again.
    subject = models.CharField(max_length=300, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    sender_email = models.CharField(max_length=320, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    entry = models.ForeignKey(Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Why the message waits in the inbox (InboxReason), with the addresses that matched nobody;
    # `note` holds technical details in English (what the parser found wrong), shown folded.
    reason = models.CharField(max_length=12, choices=InboxReason.choices, blank=True)
    looked_up = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["membership", "state", "-received_at"], name="inbound_inbox"),
            models.Index(fields=["account", "state", "-received_at"], name="inbound_by_state"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or self.recipient} ({self.state})"

    @property
    def why(self) -> str:
        """Why the message waits, in the active language."""
        if self.reason == InboxReason.NOBODY:
            shown = ", ".join(self.looked_up[:NOTE_ADDRESSES])
            if len(self.looked_up) > NOTE_ADDRESSES:
                shown = gettext("%(addresses)s and %(count)s more") % {
                    "addresses": shown, "count": len(self.looked_up) - NOTE_ADDRESSES}
            return ngettext("No person or company has the address %(addresses)s.",
                            "No person or company has any of the addresses %(addresses)s.",
                            len(self.looked_up)) % {"addresses": shown}
        texts = {
            InboxReason.NO_ADDRESS: gettext("The message names no address outside the team to file it on."),
            InboxReason.UNREADABLE: gettext("Kontor could not read this message; it is kept as it arrived."),
            InboxReason.MISSING: gettext("The stored message is missing; it cannot be shown or filed."),
            InboxReason.FAILED: gettext("Kontor could not file this message by itself; please file it by hand."),
        }
        return texts.get(InboxReason(self.reason), self.note) if self.reason else self.note


class EmailMessage(models.Model):
    """The e-mail side of a history entry of kind e-mail: its headers, the cleaned HTML and the
    message it came from. The entry holds the subject, the text body and the date."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, primary_key=True, related_name="email")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=300, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    from_email = models.CharField(max_length=320, blank=True)
    to = models.JSONField(default=list, blank=True)   # [[name, address], ...]
    cc = models.JSONField(default=list, blank=True)
    html = models.TextField(blank=True)               # cleaned with nh3; remote images held back
    has_remote_images = models.BooleanField(default=False)
    inbound = models.ForeignKey(InboundMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # {content-id: attachment id}: the images the HTML shows inline (src="cid:..."), stored as files.
    inline_files = models.JSONField(default=dict, blank=True)
    # A calendar invitation's event (kontor.mail.calendar): {"summary", "start", "end" (ISO 8601,
    # UTC, or null), "location", "method"}; empty for a plain message.
    event = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            # The same message arriving twice (BCC'd to two colleagues, polled twice) is one entry.
            models.UniqueConstraint(fields=["account", "message_id"], condition=~models.Q(message_id=""),
                                    name="email_message_id_unique_per_account"),
        ]

    def __str__(self) -> str:
        return self.message_id or str(self.entry_id)
