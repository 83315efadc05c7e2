"""A user's personal dropbox address: mail sent or forwarded there is filed on the right people.

Each membership has one, made the first time it is needed; renewing it gives a new random token,
and the old address stops working at once (intake.resolve no longer finds it)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from kontor.accounts.models import Membership
from kontor.mail.models import Dropbox, new_dropbox_token


def create_dropbox(membership: Membership) -> Dropbox:
    """A new membership's dropbox, made with it (accounts.actions), so that pages showing mailto:
    links find it with the membership and never have to make it."""
    return Dropbox.objects.create(membership=membership)


def dropbox_for(membership: Membership) -> Dropbox:
    """The membership's dropbox, made on first use (memberships from before dropboxes existed).
    Two requests making it at once both get the one row that won (the one-to-one constraint
    decides). Reads the dropbox the membership was loaded with, if it was."""
    try:
        return membership.dropbox  # loaded with the membership by the middleware, else one query
    except Dropbox.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            dropbox = Dropbox.objects.create(membership=membership)
    except IntegrityError:
        dropbox = Dropbox.objects.get(membership=membership)
    membership.dropbox = dropbox
    return dropbox


@transaction.atomic
def renew_dropbox(membership: Membership) -> Dropbox:
    """A new address for the membership; the old one is refused from now on."""
    dropbox = dropbox_for(membership)
    dropbox.token = new_dropbox_token()
    dropbox.created_at = timezone.now()
    dropbox.save(update_fields=["token", "created_at"])
    membership.dropbox = dropbox
    return dropbox
