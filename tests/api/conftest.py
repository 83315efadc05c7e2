"""An API client per persona: `api(alice)` sends alice's key with every request."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions

PREFIX = "/api/v1"


class ApiClient:
    """Requests to /api/v1 with an API key in the header, JSON in and out."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.client = Client()
        self.headers = headers

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(PREFIX + path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(PREFIX + path, json.dumps(body or {}), content_type="application/json",
                                headers=self.headers)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.client.patch(PREFIX + path, json.dumps(body or {}), content_type="application/json",
                                 headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(PREFIX + path, headers=self.headers)


@pytest.fixture
def api() -> Callable[..., ApiClient]:
    """api(persona) sends a fresh key of that persona as a bearer token."""

    def for_persona(persona: Any) -> ApiClient:
        _key, secret = account_actions.create_api_key(persona.membership, "tests")
        return ApiClient({"Authorization": f"Bearer {secret}"})

    return for_persona


@pytest.fixture
def in_english() -> Iterator[None]:
    """Answers' texts in English, whatever the default language (for tests that read them)."""
    with translation.override("en"):
        yield


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Nordlicht GmbH"})
