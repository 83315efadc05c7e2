"""The settings form of a webhook: the address, a description, the events, and (when editing)
whether it is switched on. The action checks the address; this form only collects."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kontor.webhooks.models import ALL_EVENTS, EVENTS, Subscription

EVENT_CHOICES = [(ALL_EVENTS, _("All events, also those added later")), *((e, e) for e in EVENTS)]


class SubscriptionForm(forms.Form):
    url = forms.CharField(label=_("URL"), max_length=2000, widget=forms.URLInput(attrs={
        "placeholder": "https://example.com/hooks/kontor", "spellcheck": "false"}),
        help_text=_("Kontor sends a POST with JSON to this address. Only public http:// and https:// addresses."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False,
                                  help_text=_("What receives the webhooks, for your colleagues."))
    events = forms.MultipleChoiceField(label=_("Events"), choices=EVENT_CHOICES,
                                       widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
                                       error_messages={"required": _("Choose at least one event.")})
    is_active = forms.BooleanField(label=_("Active"), required=False,
                                   help_text=_("Switching a webhook on again clears its failures."))

    def __init__(self, *args: Any, subscription: Subscription | None = None, **kwargs: Any) -> None:
        if subscription is not None and "initial" not in kwargs:
            kwargs["initial"] = {"url": subscription.url, "description": subscription.description,
                                 "events": subscription.events, "is_active": subscription.is_active}
        super().__init__(*args, **kwargs)
        if subscription is None:
            del self.fields["is_active"]
