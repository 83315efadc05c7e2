"""A contact form of Alice's account, made through the real action: Bob is responsible, Carol is
notified; enquiries get the tag "Website"."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kontor.webforms import actions
from kontor.webforms.models import WebForm

ALL_FIELDS = [{"key": key, "required": key in {"last_name", "email"}}
              for key in ("first_name", "last_name", "email", "phone", "company", "message")]


def make_form(persona, **overrides) -> WebForm:
    values: dict[str, Any] = {"name": "Kontakt", "fields": ALL_FIELDS, "tags": ["Website"], "language": "en"}
    values.update(overrides)
    return actions.create_webform(persona.membership, actions.WebFormData(**values))


@pytest.fixture
def webform(alice, bob, carol) -> WebForm:
    return make_form(alice, responsible_id=bob.user.pk, notify_ids=[carol.user.pk])


def enquiry(webform: WebForm, **fields: str) -> dict[str, str]:
    """What a person sends ten seconds after the form was shown to them."""
    data = {"first_name": "Jonas", "last_name": "Weber", "email": "jonas@weber.example",
            "message": "Bitte schicken Sie mir ein Angebot.",
            "started": actions.started_token(webform, at=time.time() - 10), "homepage": ""}
    data.update(fields)
    return data
