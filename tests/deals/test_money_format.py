"""A page's money formatter writes amounts exactly as format_money and format_amount do."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from kontor.deals.currencies import MoneyFormat, format_amount, format_money

AMOUNTS = [Decimal("0.00"), Decimal("7500.00"), Decimal("-1234567.89"), Decimal("0.005"), Decimal("999999999999.99")]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("currency", ["EUR", "USD", "CHF", "JPY"])
def test_the_page_formatter_writes_what_format_money_writes(language, currency):
    with translation.override(language):
        money = MoneyFormat()
        for amount in AMOUNTS:
            assert money.money(amount, currency) == format_money(amount, currency)
            assert money.money(amount, currency, decimals=0) == format_money(amount, currency, decimals=0)
            assert money.amount(amount) == format_amount(amount)
        assert money.money(None, currency) == money.amount(None) == ""
