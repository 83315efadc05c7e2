"""Random input never makes the API fail with a 500: whatever a client sends, the answer is a
success or a clear error."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontor.contacts import actions as contact_actions

from .conftest import PREFIX

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80), st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["", "work", "mobile", "2024-02-29", "2024-13-01T25:00", "a@b.de", "+49 30 123", "1",
                     "-1", "\x00"]),
)
item_keys = st.sampled_from(["value", "label", "type", "company_id", "name", "date", "city"])
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(item_keys, inner, max_size=4),
    max_leaves=8)

PERSON_KEYS = ["last_name", "first_name", "title", "salutation", "gender", "language", "background",
               "birthday", "tags", "emails", "phones", "websites", "messengers", "addresses", "positions",
               "assistants", "important_dates", "responsible_id", "version"]
NOTE_KEYS = ["body", "confidential", "kind", "subject", "happened_at", "person_ids", "company_ids",
             "deal_ids"]
QUERY_KEYS = ["page", "per_page", "tag", "tag_id", "q", "updated_since", "order", "responsible_id",
              "company_id"]

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _send(client, method: str, path: str, body: object):
    return getattr(client.client, method)(f"{PREFIX}{path}", json.dumps(body),
                                          content_type="application/json", headers=client.headers)


@FUZZ
@given(body=st.dictionaries(st.sampled_from(PERSON_KEYS), json_values, max_size=6))
def test_creating_and_changing_people_never_fails_with_a_500(api, alice, body):
    client = api(alice)
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    assert _send(client, "post", "/people", body).status_code in (201, 422)
    assert _send(client, "patch", f"/people/{person.pk}", body).status_code in (200, 409, 422)
    assert _send(client, "post", "/companies", {"name": "Firma", **body}).status_code in (201, 422)


@FUZZ
@given(body=st.dictionaries(st.sampled_from(NOTE_KEYS), json_values, max_size=5))
def test_writing_notes_never_fails_with_a_500(api, alice, body):
    person = contact_actions.create_person(alice.membership, {"last_name": "Müller"})
    assert _send(api(alice), "post", "/notes", {"person_ids": [person.pk], **body}).status_code in (201, 422)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(QUERY_KEYS), st.one_of(
    st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3),
    st.integers(min_value=-(2**70), max_value=2**70).map(str)), max_size=4))
def test_listing_people_never_fails_with_a_500(api, alice, params):
    assert api(alice).get("/people", params).status_code in (200, 422)
