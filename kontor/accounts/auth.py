from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from kontor.accounts.models import Membership, User
from kontor.lib.prepared import prepared


@prepared
def active_memberships(user_id: int) -> QuerySet[Membership]:
    """A user's active memberships, with account, user and dropbox, the oldest first."""
    return (Membership.objects.active().filter(user_id=user_id)
            .select_related("account", "user", "dropbox").order_by("created_at", "pk"))


class EmailBackend(ModelBackend):
    """Logs in with e-mail (any case) and password; inactive users never get in."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        email = (username or kwargs.get("email") or "").strip()
        if not email or not password:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The user of a logged-in session, with their active memberships (with account and
        dropbox) read in the same query: every page needs both (middleware.current_membership),
        and the user alone would be a query of its own. A user without an active membership is
        read alone, as Django reads it."""
        try:
            memberships = active_memberships(User._meta.pk.to_python(user_id))
        except (TypeError, ValidationError):
            return None  # not an id: a session from elsewhere
        if not memberships:
            return super().get_user(user_id)  # type: ignore[return-value]  # our user model
        user = memberships[0].user  # active(): the user is active too, as user_can_authenticate asks
        for membership in memberships:
            membership.user = user
        user.active_memberships = memberships
        return user
