"""Pages around filed e-mails and the dropbox: the raw message, the HTML version, marking an
e-mail confidential, and a new dropbox address.

Every e-mail is fetched through access_entry, so another account's e-mail, a missing one and a
confidential one a member may not read all give the same 404."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.history.queries import first_live_record
from kontor.lib.params import local_path
from kontor.mail import display, filed
from kontor.mail.dropbox import renew_dropbox
from kontor.records.access import access_email


def _file_name(subject: str) -> str:
    """A download name from the subject: letters, digits and a few safe marks, at most 80."""
    name = re.sub(r"[^\w\- .,()äöüÄÖÜß]+", "_", subject).strip(" ._")[:80]
    return f"{name or 'e-mail'}.eml"


@require_GET
@member_required
def eml(request: MemberRequest, email_id: int) -> FileResponse:
    """The message as it arrived, for opening in a mail program."""
    entry, email = access_email(request.membership, email_id)
    if email.inbound is None or not email.inbound.raw:
        raise Http404
    try:
        handle = email.inbound.raw.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=_file_name(entry.subject),
                            content_type="message/rfc822")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@member_required
def html_version(request: MemberRequest, email_id: int) -> HttpResponse:
    """The e-mail's HTML on a page of its own, under a policy that runs no script and loads no
    remote image until the reader asks (?images=1)."""
    entry, email = access_email(request.membership, email_id)
    if not email.html:
        raise Http404
    show_images = request.GET.get("images") == "1"
    html = display.link_inline_images(email.html, email.inline_files,
                                      lambda pk: reverse("files:download", args=[pk]))
    if show_images:
        html = display.show_remote_images(html)
    response = render(request, "mail/html_version.html", {
        "entry": entry, "email": email, "html": html, "show_images": show_images,
        "can_show_images": email.has_remote_images and not show_images})
    response["Content-Security-Policy"] = display.csp(show_images)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _back(request: HttpRequest, default: str) -> str:
    return local_path(request, request.POST.get("next"), default)


@require_POST
@member_required
def confidential(request: MemberRequest, email_id: int) -> HttpResponse:
    """Marks the e-mail confidential, or open again (power users and above)."""
    membership: Membership = request.membership
    entry, _email_message = access_email(membership, email_id)
    wanted = request.POST.get("confidential") == "on"
    try:
        filed.set_email_confidential(entry, wanted, membership)
    except PermissionDenied:
        raise PermissionDenied(_("Your role does not allow confidential e-mails.")) from None
    messages.success(request, _("The e-mail is now confidential.") if wanted
                     else _("The e-mail is no longer confidential."))
    record = first_live_record(entry)
    default = f"{record.get_absolute_url()}#entry-{entry.pk}" if record else reverse("start")
    return redirect(_back(request, default))


@require_POST
@member_required
def new_dropbox_address(request: MemberRequest) -> HttpResponse:
    """Replaces the user's Kontor address; the old one is refused from now on."""
    renew_dropbox(request.membership)
    messages.success(request, _("You have a new Kontor address. The old one no longer works."))
    return redirect(f"{reverse('accounts:settings')}#dropbox")
