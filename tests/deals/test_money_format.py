"""Amounts are written as Django's number_format writes them, with the language's separators, and
the currency as people of the language write it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import formats, translation

from kontor.deals.currencies import MoneyFormat, format_amount, format_money

AMOUNTS = [Decimal("0.00"), Decimal("7500.00"), Decimal("-1234567.89"), Decimal("0.005"), Decimal("999999999999.99")]


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_number_is_written_as_number_format_writes_it(language):
    with translation.override(language):
        money = MoneyFormat()
        for amount in AMOUNTS:
            expected = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
            assert money.amount(amount) == format_amount(amount) == expected
            assert money.amount(amount, 0) == formats.number_format(amount, 0, use_l10n=True, force_grouping=True)
        assert money.amount(None) == format_amount(None) == ""


@pytest.mark.parametrize(("language", "currency", "written"), [
    ("de", "EUR", "-1.234.567,89\u00a0€"), ("de", "CHF", "-1.234.567,89\u00a0CHF"),
    ("en", "EUR", "-€1,234,567.89"), ("en", "USD", "-$1,234,567.89"), ("en", "CHF", "CHF\u00a0-1,234,567.89"),
])
def test_money_carries_the_currency_as_the_language_writes_it(language, currency, written):
    with translation.override(language):
        assert format_money(Decimal("-1234567.89"), currency) == MoneyFormat().money(Decimal("-1234567.89"),
                                                                                      currency) == written
        assert format_money(None, currency) == ""
