"""A user's personal dropbox address: mail sent or forwarded there is filed on the right people.

Each membership has one, made the first time it is needed; renewing it gives a new random token,
and the old address stops working at once (intake.resolve no longer finds it)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from kontor.accounts.models import Membership
from kontor.mail.models import Dropbox, new_dropbox_token


def dropbox_for(membership: Membership) -> Dropbox:
    """The membership's dropbox, made on first use. Two requests making it at once both get the
    one row that won (the one-to-one constraint decides)."""
    dropbox = Dropbox.objects.filter(membership=membership).first()
    if dropbox is not None:
        return dropbox
    try:
        with transaction.atomic():
            return Dropbox.objects.create(membership=membership)
    except IntegrityError:
        return Dropbox.objects.get(membership=membership)


@transaction.atomic
def renew_dropbox(membership: Membership) -> Dropbox:
    """A new address for the membership; the old one is refused from now on."""
    dropbox = dropbox_for(membership)
    dropbox.token = new_dropbox_token()
    dropbox.save(update_fields=["token"])
    return dropbox
