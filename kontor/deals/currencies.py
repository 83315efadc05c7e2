"""The currencies a deal can be in: the active ISO 4217 codes, and how an amount is written.

Amounts are always stored with two decimal places (hundredths of the unit), whatever the
currency's own minor unit, so that sums in the database are plain integer sums."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, numberformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Active ISO 4217 codes (funds and precious metals left out).
ISO_CODES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES
VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())  # noqa: SIM905 - a list to read, not to edit

# Offered first in the currency menu, with their names; the rest follow by code.
COMMON = {
    "EUR": _("Euro"), "CHF": _("Swiss franc"), "USD": _("US dollar"), "GBP": _("Pound sterling"),
    "PLN": _("Polish złoty"), "CZK": _("Czech koruna"), "DKK": _("Danish krone"), "SEK": _("Swedish krona"),
    "NOK": _("Norwegian krone"), "HUF": _("Hungarian forint"), "JPY": _("Japanese yen"),
    "CNY": _("Chinese yuan"), "CAD": _("Canadian dollar"), "AUD": _("Australian dollar"),
}

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def is_currency(code: str) -> bool:
    return code in ISO_CODES


def currency_choices() -> list[tuple[str, str]]:
    """The menu of currencies: the common ones by name, then every other code."""
    common = [(code, f"{code} – {name}") for code, name in COMMON.items()]
    rest = [(code, code) for code in sorted(ISO_CODES - set(COMMON))]
    return common + rest


def format_amount(amount: Decimal | None) -> str:
    """A number with two decimals and grouping in the user's language, without a currency: for
    tables whose caption names the currency."""
    return MoneyFormat().amount(amount)


class MoneyFormat:
    """Amounts in the current language, for the many amounts of one page: its separators and
    grouping looked up once (formats.number_format asks for them at every amount), the number
    written by django.utils.numberformat as number_format writes it. format_amount and format_money
    are its one-amount forms."""

    def __init__(self) -> None:
        language = get_language()
        self.decimal_separator = formats.get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
        self.grouping = formats.get_format("NUMBER_GROUPING", language, use_l10n=True)
        self.thousand_separator = formats.get_format("THOUSAND_SEPARATOR", language, use_l10n=True)
        self.is_german = (language or "de").startswith("de")

    def amount(self, amount: Decimal | None, decimals: int = 2) -> str:
        """format_amount(amount), or with other decimals."""
        if amount is None:
            return ""
        return numberformat.format(amount, self.decimal_separator, decimals, self.grouping, self.thousand_separator,
                                   force_grouping=True, use_l10n=True)

    def money(self, amount: Decimal | None, currency: str, decimals: int = 2) -> str:
        """format_money(amount, currency, decimals)."""
        if amount is None:
            return ""
        return _with_currency(self.amount(amount, decimals), currency, self.is_german)


def format_money(amount: Decimal | None, currency: str, decimals: int = 2) -> str:
    """An amount as people of the current language write it: "7.500,00 €" in German, "€7,500.00"
    in English; currencies without a common symbol keep their code ("CHF 1,200.00")."""
    return MoneyFormat().money(amount, currency, decimals)


def _with_currency(number: str, currency: str, is_german: bool) -> str:
    symbol = SYMBOLS.get(currency)
    if is_german:
        return f"{number}\u00a0{symbol or currency}"
    if symbol:
        return f"-{symbol}{number[1:]}" if number.startswith("-") else f"{symbol}{number}"
    return f"{currency}\u00a0{number}"
