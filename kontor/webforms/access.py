"""The access helper for web forms, in the manner of kontor/records/access.py: another account's
form and a missing one give the same 404; only owners and administrators manage forms."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.records.access import require
from kontor.webforms.models import WebForm


def require_form_manager(membership: Membership) -> None:
    require(membership, roles.can_manage_team, _("Only owners and administrators set up web forms."))


def access_webform(membership: Membership, webform_id: int) -> WebForm:
    """A web form of the membership's account, for an owner or administrator."""
    found = WebForm.objects.filter(account=membership.account, pk=webform_id).select_related("responsible").first()
    if found is None:
        raise Http404
    require_form_manager(membership)
    return found
