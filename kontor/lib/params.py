"""Reading numbers, ids and dates out of query strings and posted forms, where anyone can type
anything: each parser returns None for what it cannot take, and never raises.

`"12".isdigit()` is not enough: it also passes "²" (which int() refuses) and
"99999999999999999999999" (which overflows SQLite's and PostgreSQL's 64-bit integers), and
`parse_datetime` raises for "2024-13-45T00:00:00". These helpers are the one place that knows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme

# The largest value of a 64-bit signed integer: the widest id column SQLite and PostgreSQL have.
MAX_ID = 2**63 - 1
# Longer input is no date and no number: refused before any parsing work.
MAX_LENGTH = 40


def _text(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) and len(value) <= MAX_LENGTH else ""


def parse_int(value: object, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole number in ASCII digits (a leading minus allowed when minimum < 0) within
    [minimum, maximum]; None for anything else."""
    text = _text(value)
    digits = text[1:] if text.startswith("-") and minimum < 0 else text
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """A database id: 1 to 2^63 - 1 in ASCII digits; None for anything else."""
    return parse_int(value, 1, MAX_ID)


def parse_ids(values: Iterable[object], limit: int = 1000) -> list[int]:
    """The valid ids among many values (a getlist), in their order, without repeats, at most `limit`."""
    found: dict[int, None] = {}
    for value in values:
        number = parse_id(value)
        if number is not None:
            found[number] = None
            if len(found) >= limit:
                break
    return list(found)


def parse_page(value: object, maximum: int = 10_000) -> int:
    """A page number from 1 to `maximum`; 1 for anything else."""
    return parse_int(value, 1, maximum) or 1


def parse_datetime_param(value: object) -> dt.datetime | None:
    """An ISO 8601 date and time (as Kontor writes into its "older" links); one without an offset
    counts in the active time zone. None when it is missing, malformed, impossible
    ("2024-13-45T00:00:00") or beyond what the database can store once in UTC."""
    text = _text(value)
    try:
        parsed = parse_datetime(text) if text else None
        if parsed is None:
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        parsed.astimezone(dt.UTC)  # year 1 minus an hour, or 9999 plus one: not storable
    except (ValueError, OverflowError):
        return None
    return parsed


def parse_date_param(value: object) -> dt.date | None:
    """An ISO 8601 date ("2024-02-29"); None when it is missing, malformed or impossible."""
    text = _text(value)
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


def local_path(request: HttpRequest, target: object, default: str) -> str:
    """`target` (a `next` a form or link carries) when it is a path on this site ("/people/3/"),
    otherwise `default`. A bare word ("-5") would be taken by redirect() for a view's name and
    fail, a control character would break the Location header, another host is an open redirect."""
    if (isinstance(target, str) and target.startswith("/") and target.isprintable()
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return target
    return default


def parse_text(value: object, limit: int = 200) -> str:
    """Typed text from a query string (a search box, an autocomplete), without control characters
    (PostgreSQL refuses a NUL in a string) and at most `limit` characters long."""
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value[:limit * 2] if ch.isprintable())[:limit]
