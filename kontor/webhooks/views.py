"""The settings pages of webhooks, for owners and administrators: the list, a webhook's page with
its delivery log, creating, editing, rolling the secret (shown once), deleting, sending again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kontor.accounts.decorators import member_required
from kontor.accounts.models import Membership
from kontor.accounts.requests import MemberRequest
from kontor.records.access import access_delivery, access_subscription, require_webhook_manager
from kontor.webhooks import actions
from kontor.webhooks.forms import SubscriptionForm
from kontor.webhooks.models import LOG_LENGTH, Subscription
from kontor.webhooks.queries import subscriptions_of


def _manager(request: MemberRequest) -> Membership:
    membership: Membership = request.membership
    require_webhook_manager(membership)
    return membership


def _add_errors(form: SubscriptionForm, error: ValidationError) -> None:
    for key, field_errors in error.message_dict.items():
        form.add_error(key if key in form.fields else None, field_errors)


def _secret_page(request: HttpRequest, subscription: Subscription, secret: str, is_new: bool) -> HttpResponse:
    response = render(request, "webhooks/secret.html", {"webhook": subscription, "secret": secret, "is_new": is_new})
    response["Cache-Control"] = "no-store"  # the secret is on this page exactly once
    return response


@member_required
def webhook_list(request: MemberRequest) -> HttpResponse:
    membership = _manager(request)
    return render(request, "webhooks/list.html", {"webhooks": subscriptions_of(membership.account)})


@member_required
@require_http_methods(["GET", "POST"])
def create(request: MemberRequest) -> HttpResponse:
    membership = _manager(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription, secret = actions.create_subscription(membership, data["url"], data["events"],
                                                               data["description"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _secret_page(request, subscription, secret, is_new=True)
    return render(request, "webhooks/edit.html", {"form": form, "webhook": None})


@member_required
@require_http_methods(["GET", "POST"])
def edit(request: MemberRequest, webhook_id: int) -> HttpResponse:
    membership = request.membership
    subscription = access_subscription(membership, webhook_id)
    form = SubscriptionForm(request.POST or None, subscription=subscription)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_subscription(subscription, membership, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The webhook is saved."))
            return redirect(subscription)
    return render(request, "webhooks/edit.html", {"form": form, "webhook": subscription})


@member_required
def detail(request: MemberRequest, webhook_id: int) -> HttpResponse:
    """A webhook's page: what it sends where, its state, and its last deliveries."""
    subscription = access_subscription(request.membership, webhook_id)
    deliveries = subscription.deliveries.order_by("-pk")[:LOG_LENGTH]
    return render(request, "webhooks/detail.html", {"webhook": subscription, "deliveries": deliveries})


@member_required
@require_http_methods(["GET", "POST"])
def roll_secret(request: MemberRequest, webhook_id: int) -> HttpResponse:
    membership = request.membership
    subscription = access_subscription(membership, webhook_id)
    if request.method == "POST":
        return _secret_page(request, subscription, actions.roll_secret(subscription, membership), is_new=False)
    return render(request, "webhooks/roll_secret.html", {"webhook": subscription})


@member_required
@require_http_methods(["GET", "POST"])
def delete(request: MemberRequest, webhook_id: int) -> HttpResponse:
    membership = request.membership
    subscription = access_subscription(membership, webhook_id)
    if request.method == "POST":
        actions.delete_subscription(subscription, membership)
        messages.success(request, _("The webhook is deleted."))
        return redirect("webhooks:list")
    return render(request, "webhooks/delete.html", {"webhook": subscription})


@member_required
@require_POST
def redeliver(request: MemberRequest, delivery_id: int) -> HttpResponse:
    membership = request.membership
    delivery = access_delivery(membership, delivery_id)
    try:
        actions.redeliver(delivery, membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The delivery is sent again; its outcome appears at the top of the log."))
    return redirect(delivery.subscription)
