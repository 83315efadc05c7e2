"""The inbox pages: the waiting messages, reading one, and filing, turning its sender into a person,
or discarding it. Each action works in place with htmx and as a plain page and form without JS.

Every message is fetched through inbox.access_inbound, so a colleague's message, another
account's and a missing one give the same 404."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.contacts.models import Salutation
from kontor.mail import inbox
from kontor.mail.dropbox import dropbox_for
from kontor.mail.models import InboundMail
from kontor.mail.names import PersonName
from kontor.records.access import find_live_records
from kontor.records.models import Record
from kontor.search import queries as search_queries

PAGE_SIZE = 25
MAX_PAGE = 400
MAX_CHOSEN = 50


def serve_raw(inbound: InboundMail, subject: str = "") -> FileResponse:
    """The message as it arrived, as a download named after its subject."""
    try:
        handle = inbound.raw.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    name = re.sub(r"[^\w\- .,äöüÄÖÜß]+", "_", subject or inbound.subject or "").strip(" ._")[:80] or "message"
    return FileResponse(handle, as_attachment=True, filename=f"{name}.eml", content_type="message/rfc822")


def _readable(by: Membership, inbox_id: int) -> InboundMail:
    """A message the user may read: waiting in the inbox, or discarded and still kept."""
    try:
        return inbox.access_inbound(by, inbox_id)
    except Http404:
        return inbox.access_inbound(by, inbox_id, discarded=True)


def _number(value: str, max_digits: int = 18) -> int | None:
    """A whole number typed in ASCII digits, or None. str.isdigit() alone also passes "²" and
    other digits int() refuses; the length keeps ids within a 64-bit column."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= max_digits else None


def _page_number(request: HttpRequest) -> int:
    number = _number(request.GET.get("page", "1"), max_digits=6) or 1
    return min(max(number, 1), MAX_PAGE)


@require_GET
@member_required
def inbox_list(request: MemberRequest) -> HttpResponse:
    """The waiting messages, newest first; `?show=discarded` lists those that can be brought back."""
    by = request.membership
    discarded = request.GET.get("show") == "discarded"
    number = _page_number(request)
    start = (number - 1) * PAGE_SIZE
    rows = list((inbox.discarded_for(by) if discarded else inbox.inbox_for(by))[start:start + PAGE_SIZE + 1])
    items, has_next = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    inbox.attach_previews(items)
    context = {"items": items, "discarded": discarded, "page": number, "has_next": has_next,
               "kept_days": inbox.DISCARD_KEPT_DAYS, "dropbox_settings_url": f"{reverse('accounts:settings')}#dropbox"}
    if not items and not discarded and number == 1:
        context["dropbox_address"] = dropbox_for(by).address
    template = "mail/inbox.html#list" if request.htmx else "mail/inbox.html"
    return render(request, template, context)


@require_GET
@member_required
def message(request: MemberRequest, inbox_id: int) -> HttpResponse:
    """The whole message as text, with its attachments."""
    by = request.membership
    item = _readable(by, inbox_id)
    return render(request, "mail/inbox_message.html", {"item": item, "message": inbox.read_message(item)})


@require_GET
@member_required
def raw(request: MemberRequest, inbox_id: int) -> FileResponse:
    item = _readable(request.membership, inbox_id)
    return serve_raw(item)


@require_GET
@member_required
def attachment(request: MemberRequest, inbox_id: int) -> HttpResponse:
    """One attachment of a waiting message (`?number=`, from 1), always as a download: never shown
    in Kontor's own origin, where its content could act as a page of Kontor."""
    item = _readable(request.membership, inbox_id)
    number = _number(request.GET.get("number", ""), max_digits=5)
    found = inbox.attachment_of(item, number) if number is not None else None
    if found is None:
        raise Http404
    name, data = found
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    return response


def _done(request: MemberRequest, item: InboundMail, text: str, records: list[Record]) -> HttpResponse:
    if request.htmx:
        return render(request, "mail/_inbox_done.html", {"item": item, "text": text, "records": records})
    messages.success(request, text)
    return redirect("inbox:list")


def _chosen(by: Membership, values: list[str]) -> list[Record]:
    """The live records of the account among the picked ids (picked by id, never by name)."""
    ids = [number for number in map(_number, values) if number is not None][:MAX_CHOSEN]
    if not ids:
        return []
    found = find_live_records(by, ids)
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


@require_http_methods(["GET", "POST"])
@member_required
def file(request: MemberRequest, inbox_id: int) -> HttpResponse:
    """"File on…": search records by name (people, companies, deals, projects), tick one or more,
    file. The ticked ones travel with every search, so a second search adds to the first."""
    by = request.membership
    item = inbox.access_inbound(by, inbox_id)
    data = request.POST if request.method == "POST" else request.GET
    chosen = _chosen(by, data.getlist("record"))
    error = ""
    if request.method == "POST":
        picked = {value.strip() for value in data.getlist("record") if value.strip()}
        if len(chosen) < len(picked):
            error = _("One of the chosen records no longer exists. Check the list and file again.")
        else:
            try:
                inbox.file_from_inbox(item, chosen, by)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                names = ", ".join(record.display_name for record in chosen)
                return _done(request, item, _("Filed on %(names)s.") % {"names": names}, chosen)
    # No NUL characters: no text column holds them, and PostgreSQL refuses a query that has one.
    query = " ".join(data.get("q", "").replace("\x00", " ").split())[:200]
    chosen_ids = {record.pk for record in chosen}
    found = [document.record for document in search_queries.suggest(by, query, limit=12)
             if document.record is not None and document.record_id not in chosen_ids] if query else []
    context = {"item": item, "query": query, "chosen": chosen, "found": found, "error": error}
    if request.htmx:
        template = "mail/_inbox_picker.html#results" if request.GET.get("results") else "mail/_inbox_picker.html"
        return _in_panel(request, item, render(request, template, context))
    return render(request, "mail/inbox_file.html", context)


def _in_panel(request: HttpRequest, item: InboundMail, response: HttpResponse) -> HttpResponse:
    """A form posted with htmx targets the whole message (to replace it once done); shown again
    with its error, it goes back into the message's panel instead."""
    if request.method == "POST":
        return reswap(retarget(response, f"#inbox-panel-{item.pk}"), "innerHTML")
    return response


def _name_from(data: dict[str, str], guess: PersonName) -> PersonName:
    salutation = data.get("salutation", guess.salutation)
    return PersonName(first_name=data.get("first_name", guess.first_name).strip()[:100],
                      last_name=data.get("last_name", guess.last_name).strip()[:100],
                      title=data.get("title", guess.title).strip()[:60],
                      salutation=salutation if salutation in Salutation.values else "")


@require_http_methods(["GET", "POST"])
@member_required
def person(request: MemberRequest, inbox_id: int) -> HttpResponse:
    """"Create person from sender": shows the name read from the From header (to correct it) and
    the address first, and people who have that address meanwhile; POST creates and files."""
    by = request.membership
    item = inbox.access_inbound(by, inbox_id)
    contact = inbox.contact_of(item)
    guess = inbox.sender_name(item, contact)
    name, error = guess, ""
    if request.method == "POST":
        name = _name_from(request.POST.dict(), guess)
        try:
            created = inbox.create_person_from_sender(item, by, name)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            text = _("%(name)s has been created and the message filed there.") % {"name": created.full_name}
            return _done(request, item, text, [created.record])
    context = {"item": item, "contact": contact, "name": name, "error": error, "salutations": Salutation.choices,
               "existing": inbox.people_with_sender_address(by, item, contact)}
    if request.htmx:
        return _in_panel(request, item, render(request, "mail/_inbox_person.html", context))
    return render(request, "mail/inbox_person.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def discard(request: MemberRequest, inbox_id: int) -> HttpResponse:
    """GET asks first (the path without JS; with htmx the browser asks); POST discards, with an undo."""
    by = request.membership
    item = inbox.access_inbound(by, inbox_id)
    if request.method == "GET":
        return render(request, "mail/inbox_discard.html", {"item": item, "kept_days": inbox.DISCARD_KEPT_DAYS})
    try:
        inbox.discard(item, by)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("inbox:list")
    if request.htmx:
        return render(request, "mail/_inbox_discarded.html", {"item": item, "kept_days": inbox.DISCARD_KEPT_DAYS})
    messages.success(request, _("The message has been discarded. You can bring it back from “Discarded” for "
                                "%(days)s days.") % {"days": inbox.DISCARD_KEPT_DAYS})
    return redirect("inbox:list")


@require_POST
@member_required
def restore(request: MemberRequest, inbox_id: int) -> HttpResponse:
    """Brings a discarded message back into the inbox (the undo right after discarding, and the
    "Bring back" of the Discarded list)."""
    by = request.membership
    item = inbox.access_inbound(by, inbox_id, discarded=True)
    try:
        inbox.bring_back(item, by)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(f"{reverse('inbox:list')}?show=discarded")
    item = inbox.access_inbound(by, inbox_id)
    if request.htmx:
        inbox.attach_previews([item])
        return render(request, "mail/_inbox_item.html", {"item": item, "discarded": False,
                                                         "kept_days": inbox.DISCARD_KEPT_DAYS, "restored": True})
    messages.success(request, _("The message is back in your inbox."))
    return redirect("inbox:list")

