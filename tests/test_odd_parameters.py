"""Walks every page and API list with odd values in every query parameter the views read (ids
beyond 2^63, negative and non-numeric numbers, impossible dates, NUL, very long text) and checks
that none of them answers with a server error: bad input gets a page, a 404 or a 422, never a 500.
The routes come from the URL configuration, as in tests/test_every_route.py, so a route added
later is walked without anyone remembering to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kontor.accounts import actions as account_actions
from kontor.lib import params
from tests.test_every_route import _fill, alices_things, all_routes  # noqa: F401 - alices_things is a fixture

# Every query parameter a page or an API list reads (list filters, pagers, pre-filled forms).
PARAMETERS = [
    "user", "company", "person", "record", "record_id", "company_id", "before", "before_id", "page", "per_page",
    "tag", "tags", "state", "stage", "status", "q", "sort", "order", "since", "updated_since", "due", "from", "to",
    "date", "date_from", "date_to", "start", "end", "target_from", "target_to", "type", "kind", "stream", "next",
    "responsible", "uploader", "assignee_id", "entry", "deal", "project", "show", "show_record", "days", "unread",
    "format", "direction", "placement", "results", "include_team", "add_person", "number", "into", "images", "with",
    "delimiter", "currency", "account", "d", "t", "u", "e", "on", "column", "value", "version",
]

ODD_VALUES = [
    "99999999999999999999999",  # beyond 2^63: overflows SQLite's and PostgreSQL's integers
    "-1",
    "²",  # a digit to str.isdigit(), not to int()
    "2024-13-45T00:00:00",  # an impossible date and time
    "0001-01-01T00:00:00+05:00",  # before the year 1 once in UTC
    "\x00" + "x" * 300,  # NUL, and longer than any field
]
# Each one of these is also tried on the parameters read as lists (getlist), in every request.
MORE_ODD_VALUES = ["9223372036854775808", "0", "abc", "1e9", "2024-02-30", "9999-12-31T23:59:59-05:00", "x" * 5000]

# What would end the walk's own session or account, or wait for a server that is not there.
SKIPPED = {"accounts:logout", "accounts:delete_account"}


class _AnyId(dict):
    """Alice's objects by URL keyword; a keyword tests/test_every_route.py does not know yet gets
    an id of nothing (that walk asks for it to be added; this one need not stop for it)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> int:
        return 999_999_999


def _query(value: str) -> dict[str, list[str]]:
    """Every parameter with `value` last: request.GET.get() reads the last one, getlist() all of
    them, so the parameters read as lists also get MORE_ODD_VALUES."""
    return {name: [*MORE_ODD_VALUES, value] for name in PARAMETERS}


@pytest.fixture(autouse=True)
def _answers_not_exceptions(alice) -> None:  # noqa: ANN001
    """A 500 comes back as a response to count, not as the test client's exception."""
    alice.client.raise_request_exception = False


def _page_routes(ids: dict) -> list[tuple[str, str]]:
    return [(_fill(pattern, _AnyId(ids)), name) for pattern, name in all_routes()
            if not pattern.startswith("api/") and name not in SKIPPED]


def test_no_page_answers_an_odd_query_parameter_with_a_server_error(alices_things, alice):  # noqa: F811
    failed, checked = [], 0
    for value in ODD_VALUES:
        for url, name in _page_routes(alices_things):
            response = alice.client.get(url, _query(value))
            if response.status_code >= 500:
                failed.append(f"GET {url} ({name}) with {value[:30]!r} gave {response.status_code}")
            checked += 1
    assert not failed, "\n".join(failed)
    assert checked >= 50 * len(ODD_VALUES)


def test_no_form_answers_odd_posted_values_with_a_server_error(alices_things, alice):  # noqa: F811
    """The odd values posted into every page that takes a POST. What a POST changes stays within
    Alice's own account; the walk goes on as her whatever it changed."""
    failed = []
    for value in ODD_VALUES:
        for url, name in _page_routes(alices_things):
            response = alice.client.post(url, _query(value))
            if response.status_code >= 500:
                failed.append(f"POST {url} ({name}) with {value[:30]!r} gave {response.status_code}")
    assert not failed, "\n".join(failed)


def test_no_api_list_answers_an_odd_query_parameter_with_a_server_error(alices_things, alice):  # noqa: F811
    _key, secret = account_actions.create_api_key(alice.membership, "walk")
    client = Client(headers={"Authorization": f"Bearer {secret}"}, raise_request_exception=False)
    failed, checked = [], 0
    for value in ODD_VALUES:
        for pattern, name in all_routes():
            if not pattern.startswith("api/") or "openapi" in name:
                continue
            url = _fill(pattern, _AnyId(alices_things))
            response = client.get(url, _query(value))
            if response.status_code >= 500:
                failed.append(f"GET {url} ({name}) with {value[:30]!r} gave {response.status_code}")
            checked += 1
    assert not failed, "\n".join(failed)
    assert checked >= 20 * len(ODD_VALUES)


@pytest.mark.parametrize("value", ["99999999999999999999999", "2024-13-45T00:00:00", "²"])
def test_the_known_failures_of_the_past_answer_without_an_error(alice, value):
    for path in ("/tasks/", "/deals/new/", "/projects/new/", "/people/new/", "/trash/", "/notifications/"):
        for parameter in ("user", "company", "person", "before"):
            response = alice.client.get(path, {parameter: value})
            assert response.status_code < 500, f"{path}?{parameter}={value} gave {response.status_code}"


def test_the_parsers_take_what_is_valid_and_refuse_the_rest():
    assert params.parse_id("42") == 42
    assert params.parse_id(str(params.MAX_ID)) == params.MAX_ID
    for odd in ("0", "-1", str(params.MAX_ID + 1), "²", "", None, "4 2", "x" * 100):
        assert params.parse_id(odd) is None
    assert params.parse_ids(["3", "x", "3", "99999999999999999999999", "5"]) == [3, 5]
    assert params.parse_page("3") == 3 and params.parse_page("0") == 1 and params.parse_page("99999999") == 1
    moment = params.parse_datetime_param("2024-05-01T10:00:00+02:00")
    assert moment is not None and moment.isoformat() == "2024-05-01T10:00:00+02:00"
    for odd in ("2024-13-45T00:00:00", "0001-01-01T00:00:00+05:00", "yesterday", "\x00"):
        assert params.parse_datetime_param(odd) is None
    assert params.parse_date_param("2024-02-29") == dt.date(2024, 2, 29)
    assert params.parse_date_param("2024-02-30") is None
