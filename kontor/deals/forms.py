"""The forms behind the deal pages (the company, people and team fields are records.linked_form's).

A form only carries the input: `save` turns it into one call of the actions and puts the actions'
errors back next to the fields they concern. Nothing here writes on its own, except that naming a
company that does not exist yet creates it (as the person form does), in the same transaction."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy

from kontor.accounts.models import Membership
from kontor.deals import actions
from kontor.deals.currencies import currency_choices
from kontor.deals.models import Deal, Stage, ValueType
from kontor.records.linked_form import DATE_WIDGET, LinkedRecordsForm, linked_initial, save_linked
from kontor.records.models import Kind


class AmountField(forms.DecimalField):
    """An amount as people of the user's language write it: "1.234,56" in German, "1,234.56" in
    English, with or without the grouping, a currency sign or spaces."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            grouping, decimal = formats.get_format("THOUSAND_SEPARATOR"), formats.get_format("DECIMAL_SEPARATOR")
            value = re.sub(r"[\s\u00a0€$£]", "", value)
            if grouping and grouping != decimal:
                value = value.replace(grouping, "")
        return super().to_python(value)


class DealForm(LinkedRecordsForm):
    kind = Kind.DEAL
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    value = AmountField(label=gettext_lazy("Value"), max_digits=14, decimal_places=2, required=False,
                        localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    value_type = forms.ChoiceField(label=gettext_lazy("Value type"), choices=ValueType.choices)
    value_count = forms.IntegerField(label=gettext_lazy("Count"), min_value=1, max_value=actions.MAX_COUNT,
                                     required=False,
                                     help_text=gettext_lazy("Months, days or hours, e.g. 40 hours."))
    currency = forms.ChoiceField(label=gettext_lazy("Currency"))
    stage = forms.ChoiceField(label=gettext_lazy("State"), choices=Stage.choices)
    target_date = forms.DateField(label=gettext_lazy("Target date"), required=False, widget=DATE_WIDGET,
                                  help_text=gettext_lazy("When you expect to close the deal."))
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))

    field_order = ["name", "value", "value_type", "value_count", "currency", "stage", "target_date"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        currency = self.fields["currency"]
        assert isinstance(currency, forms.ChoiceField)
        currency.choices = currency_choices()

    def fields_for_action(self) -> dict[str, Any]:
        data = self.cleaned_data
        value_count = data.get("value_count") or 1
        return {"name": data.get("name") or "", "value": data.get("value") or 0,
                "value_type": data["value_type"], "value_count": value_count, "currency": data["currency"],
                "target_date": data.get("target_date"), "description": data.get("description") or ""}


def new_deal_initial(membership: Membership) -> dict[str, Any]:
    """A new deal starts open at 0 %, in the account's currency."""
    return {"currency": membership.account.currency, "stage": Stage.P0, "value_count": 1}


def deal_initial(deal: Deal) -> dict[str, Any]:
    return {**linked_initial(deal), "value": deal.value, "value_type": deal.value_type,
            "value_count": deal.value_count, "currency": deal.currency, "stage": deal.stage,
            "target_date": deal.target_date}


def save_deal(form: DealForm, deal: Deal | None) -> Deal | None:
    """Writes a valid form through the actions (see save_linked), with the chosen stage."""
    return save_linked(form, deal, actions.create_deal, actions.update_deal, stage=form.cleaned_data["stage"])

