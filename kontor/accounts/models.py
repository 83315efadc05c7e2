from __future__ import annotations

import datetime
import hashlib
import secrets
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.accounts.roles import Role

LANGUAGES = [("de", "Deutsch"), ("en", "English")]
TIME_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


class Account(models.Model):
    """One team's CRM. Every tenant table carries account_id, and every query filters by it."""

    name = models.CharField(_("company name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    mail_token = models.CharField(max_length=24, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The events the account's active webhooks listen to ("*" for all), kept by kontor.webhooks
    # (with update(), in the transaction that changes a subscription): every write in Kontor can
    # tell from the account it holds, without a query, whether anyone listens.
    webhook_events = models.JSONField(default=list, blank=True, editable=False)

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.mail_token:
            self.mail_token = secrets.token_hex(6)
        super().save(*args, **kwargs)


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who logs in. Belongs to one or more accounts through Membership."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="de")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set on the user of a logged-in request, read with it in one query (auth.EmailBackend.get_user).
    active_memberships: list[Membership]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = UserManager()

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def initials(self) -> str:
        parts = (self.name or self.email).replace("@", " ").split()
        return "".join(p[0] for p in parts[:2]).upper()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="one_membership_per_user_and_account"),
            models.UniqueConstraint(fields=["account"], condition=models.Q(role="owner"),
                                    name="one_owner_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.account} ({self.role})"


class Invitation(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    VALID_DAYS = 14

    def __str__(self) -> str:
        return f"{self.email} → {self.account}"

    def save(self, *args, **kwargs) -> None:
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None

    @property
    def is_expired(self) -> bool:
        return timezone.now() - self.sent_at > datetime.timedelta(days=self.VALID_DAYS)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    """A named key for the JSON API. Only its hash is stored; the key is shown once."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_keys")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RateCounter(models.Model):
    """How often something happened under a key (a failed login of one e-mail address from one
    client, the requests of one API key) in the window that ends at resets_at. In the database, so
    that every web process on every machine counts the same events; see counters.py."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    resets_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.resets_at:%Y-%m-%d %H:%M:%S}"


class ActiveSession(models.Model):
    """What the user sees of one of their logged-in sessions: the device, the address and when it
    was last used. Tied to Django's session row: ending (or expiring, or logging out of) the
    session deletes this row with it. Updated at most once a minute (see middleware.py)."""

    session = models.OneToOneField("sessions.Session", on_delete=models.CASCADE, related_name="activity")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="active_sessions")
    user_agent = models.CharField(max_length=300, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} from {self.client_address} at {self.last_seen_at:%Y-%m-%d %H:%M}"
