"""The bell and its list, marking read, the mail settings, the unsubscribe link from the mails
(works without logging in), following records and the list of what I follow."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.requests import MemberRequest
from kontor.lib.params import local_path, parse_id
from kontor.mail.inbox import inbox_count
from kontor.notifications import actions, mails, queries
from kontor.notifications.models import MAIL_TYPES, WEEKLY_SUMMARY, Notification, NotificationType
from kontor.records import actions as record_actions
from kontor.records.access import access_notification, access_record

PAGE_SIZE = 50


@require_GET
@member_required
def notification_list(request: MemberRequest) -> HttpResponse:
    """Newest first, a bounded page at a time (keyset on the id, which grows with the time)."""
    notifications = (Notification.objects.for_membership(request.membership)
                     .select_related("actor", "entry").order_by("-pk"))
    before = parse_id(request.GET.get("before"))
    if before is not None:
        notifications = notifications.filter(pk__lt=before)
    page = list(notifications[:PAGE_SIZE + 1])
    return render(request, "notifications/list.html", {
        "notifications": page[:PAGE_SIZE], "has_more": len(page) > PAGE_SIZE, "is_older_page": before is not None})


@require_GET
@member_required
def bell(request: MemberRequest) -> HttpResponse:
    """The bell with the unread count, and the inbox's count beside it (fetched by the page after
    loading and every minute; two indexed COUNTs). Without JavaScript both are plain links."""
    unread = Notification.objects.for_membership(request.membership).unread().count()
    return render(request, "notifications/_bell.html",
                  {"unread": unread, "inbox_count": inbox_count(request.membership)})


@require_http_methods(["GET", "POST"])
@member_required
def open_notification(request: MemberRequest, notification_id: int) -> HttpResponse:
    """Goes to the place the notification is about. A GET changes nothing (links are prefetched,
    scanned and opened by others than the user); the list's link posts through htmx, which marks
    the notification read on the way and then follows HX-Redirect to the place."""
    notification = access_notification(request.membership, notification_id)
    target = notification.url or reverse("notifications:list")
    if request.method == "POST":
        actions.mark_read(notification, request.membership)
        if request.htmx:
            return HttpResponse(headers={"HX-Redirect": target})
    return redirect(target)


@require_POST
@member_required
def mark_read(request: MemberRequest, notification_id: int) -> HttpResponse:
    actions.mark_read(access_notification(request.membership, notification_id), request.membership)
    return redirect("notifications:list")


@require_POST
@member_required
def mark_all_read(request: MemberRequest) -> HttpResponse:
    count = actions.mark_all_read(request.membership)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


MAIL_LABELS = {**dict(NotificationType.choices), WEEKLY_SUMMARY: gettext_lazy("The weekly summary on Monday morning")}


@require_http_methods(["GET", "POST"])
@member_required
def preferences(request: MemberRequest) -> HttpResponse:
    user = request.membership.user
    if request.method == "POST":
        actions.set_mail_preferences(user, {kind: kind in request.POST.getlist("email") for kind in MAIL_TYPES})
        messages.success(request, _("Your e-mail settings have been saved."))
        return redirect("notifications:preferences")
    chosen = actions.mail_preferences(user)
    rows = [{"type": kind, "label": MAIL_LABELS[kind], "email": chosen[kind]} for kind in MAIL_TYPES]
    return render(request, "notifications/preferences.html", {"rows": rows})


@csrf_exempt  # one-click unsubscribe (RFC 8058): the mail client posts without a session or token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners open links); POST switches that kind of mail off. The signed
    token is the only key, so this works without logging in."""
    try:
        user_id, kind = mails.read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return render(request, "notifications/unsubscribe_expired.html",
                      {"days": settings.UNSUBSCRIBE_LINK_DAYS}, status=410)
    except signing.BadSignature:
        raise Http404 from None
    user = queries.user_by_id(user_id)
    if user is None or kind not in MAIL_TYPES:
        raise Http404
    label = MAIL_LABELS[kind]
    if request.method == "POST":
        actions.set_mail_preferences(user, {kind: False})
        return render(request, "notifications/unsubscribed.html", {"label": label, "done": True})
    return render(request, "notifications/unsubscribed.html", {"label": label, "done": False})


@require_POST
@member_required
def toggle_follow(request: MemberRequest, record_id: int) -> HttpResponse:
    record = access_record(request.membership, record_id)
    user = request.membership.user
    following = queries.is_following(record, user)
    if following:
        record_actions.unwatch(record, user)
    else:
        record_actions.watch(record, user)
    if request.htmx:
        return render(request, "notifications/_follow.html", {"record": record, "following": not following})
    return redirect(local_path(request, request.POST.get("next"), record.get_absolute_url()))


@require_GET
@member_required
def following(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    return render(request, "notifications/following.html", {"records": queries.followed_records(membership)})
