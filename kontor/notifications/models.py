"""Notifications: what a colleague should know about, shown under the bell and mailed; each
user's choices of what reaches them by e-mail; the log that keeps the weekly summary to one a week."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kontor.accounts import roles
from kontor.accounts.models import Account, Membership
from kontor.history.models import Comment, Entry
from kontor.records.models import Record


class NotificationType(models.TextChoices):
    ENTRY = "entry", _("New notes and e-mails on records I follow")
    COMMENT = "comment", _("Comments on records I follow and on entries I wrote or commented on")
    MENTION = "mention", _("When a colleague mentions me or ticks me")
    ASSIGNMENT = "assignment", _("Tasks assigned to me")
    IMPORT = "import", _("When an import I started has finished")
    WEBFORM = "webform", _("New enquiries from the website's contact forms")
    WEBHOOK = "webhook", _("When a webhook is switched off because nothing could be delivered")
    MERGE = "merge", _("When records I follow are merged")


# The weekly summary is switched off like a notification type, but is no notification.
WEEKLY_SUMMARY = "weekly"
MAIL_TYPES = [*NotificationType.values, WEEKLY_SUMMARY]


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_membership(self, membership: Membership) -> NotificationQuerySet:
        """The membership's notifications, as far as it may read them now."""
        return self.filter(account=membership.account, recipient=membership.user).readable_by(membership.role)

    def readable_by(self, role: str) -> NotificationQuerySet:
        """Leaves out notifications about a note that is confidential now, or a comment on it or on
        a file of it, for a role that may not read confidential notes. A note may be made
        confidential after its notifications were written, so this is checked whenever they are
        shown or mailed, in the same query (no query per notification)."""
        if roles.can_read_confidential(role):
            return self
        return self.filter(Q(entry__isnull=True) | Q(entry__confidential=False)).filter(
            Q(comment__file__entry__isnull=True) | Q(comment__file__entry__confidential=False))


class Notification(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    type = models.CharField(max_length=12, choices=NotificationType.choices)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Path within Kontor of the place to open (mails prefix settings.BASE_URL).
    url = models.CharField(max_length=500)
    title = models.CharField(max_length=300, blank=True)
    excerpt = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Assignments due later wait for the hourly batch; everything else is mailed at once.
    batched = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "account", "-created_at"], name="notification_list"),
            models.Index(fields=["recipient", "account"], condition=Q(read_at__isnull=True),
                         name="notification_unread"),
            models.Index(fields=["created_at"], condition=Q(batched=True, emailed_at__isnull=True),
                         name="notification_batch_due"),
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.recipient_id}"

    def headline(self) -> str:
        """One sentence saying what happened, in the active language (the list, the mails)."""
        names = {"actor": self.actor.name if self.actor else gettext("A former colleague"), "title": self.title}
        if self.type == NotificationType.ENTRY:
            if self.entry is not None and self.entry.kind == "email":
                return gettext("New e-mail on %(title)s") % names
            return gettext("%(actor)s wrote a note on %(title)s") % names
        if self.type == NotificationType.COMMENT:
            return gettext("%(actor)s commented on %(title)s") % names
        if self.type == NotificationType.MENTION:
            return gettext("%(actor)s mentioned you on %(title)s") % names
        if self.type == NotificationType.IMPORT:
            return gettext("Your import has finished: %(title)s") % names
        if self.type == NotificationType.WEBFORM:
            return gettext("New enquiry from the website: %(title)s") % names
        if self.type == NotificationType.MERGE:
            return gettext("%(actor)s merged duplicates into %(title)s") % names
        if self.type == NotificationType.WEBHOOK:
            return gettext("A webhook was switched off after 24 hours of failed deliveries: %(title)s") % names
        return gettext("%(actor)s assigned a task to you: %(title)s") % names


class MailPreference(models.Model):
    """A user's choice for one kind of mail; without a row the mail is sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=12)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "type"], name="mail_preference_unique")]

    def __str__(self) -> str:
        return f"{self.type}: {'on' if self.email else 'off'}"


class WeeklySummarySent(models.Model):
    """One row per membership and week: claimed before the mail goes out, so that two workers (or
    a rerun of the 15-minute check) never send the same week's summary twice."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday the summary was sent on, in the user's time zone.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "week"], name="weekly_summary_once")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.week}"
