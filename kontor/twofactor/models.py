"""Two-factor login: each user's TOTP key and recovery codes, the account's rule that everyone
must use it, and a short log of what changed, for the team's administrators."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.models import Account
from kontor.twofactor import sealing


class TwoFactor(models.Model):
    """A user's authenticator app. Unconfirmed (confirmed_at empty) while being set up: only a
    confirmed one is asked for at login.

    `last_used_step` is the TOTP time step of the newest code accepted; codes of that step or an
    earlier one are refused, so a code seen over someone's shoulder cannot be used again.
    `failures`, `failures_since`, `locked_until` and `lockouts` throttle wrong codes (actions.py);
    they are changed only under a row lock."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor")
    sealed_secret = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    failures_since = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    lockouts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"two-factor login of user {self.user_id}"

    @property
    def secret(self) -> str:
        return sealing.unseal(self.sealed_secret)


class RecoveryCode(models.Model):
    """One of a user's ten one-time codes, stored as a keyed digest (codes.recovery_digests)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "digest"], name="recovery_code_lookup")]

    def __str__(self) -> str:
        return f"recovery code of user {self.user_id}"


class TwoFactorRule(models.Model):
    """The owner's rule that everyone in the account logs in with two factors. No row: not required."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="+")
    required = models.BooleanField(default=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"two-factor rule of account {self.account_id}: {self.required}"


class EventKind(models.TextChoices):
    ENABLED = "enabled", _("set up two-factor login")
    DISABLED = "disabled", _("switched off two-factor login")
    CODES_RENEWED = "codes", _("made new recovery codes")
    RESET = "reset", _("reset the two-factor login of")
    REQUIRED = "required", _("required two-factor login for everyone")
    NOT_REQUIRED = "optional", _("made two-factor login optional")
    LOCKED = "locked", _("code step paused after too many wrong codes for")


class TwoFactorEventQuerySet(models.QuerySet["TwoFactorEvent"]):
    def about_team(self, account: Account) -> TwoFactorEventQuerySet:
        return self.filter(account=account).select_related("actor", "user").order_by("-created_at", "-pk")


class TwoFactorEvent(models.Model):
    """One line of the account's two-factor log: who did what (to whom), when. Append-only."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TwoFactorEventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["account", "-created_at"], name="twofactor_event_recent")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_id}"
