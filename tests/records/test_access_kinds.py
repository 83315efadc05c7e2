"""The access helpers of the four record kinds: the account's live record, else 404."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.records.access import access_company, access_person


def test_a_person_comes_with_their_record_and_responsible(alice, django_assert_num_queries):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    with django_assert_num_queries(1):
        found = access_person(alice.membership, person.pk)
        assert (found, found.record.responsible) == (person, person.record.responsible)


def test_another_accounts_person_and_a_missing_one_are_not_found(alice, oscar):
    person = contact_actions.create_person(alice.membership, {"last_name": "Kunz"})
    for pk in (person.pk, person.pk + 1000):
        with pytest.raises(Http404, match=r"^$"):
            access_person(oscar.membership, pk)


def test_a_company_in_the_trash_is_found_only_when_asked_for(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Kunz GmbH"})
    company.record.deleted_at = timezone.now()
    company.record.save(update_fields=["deleted_at"])
    with pytest.raises(Http404, match=r"^$"):
        access_company(alice.membership, company.pk)
    assert access_company(alice.membership, company.pk, include_trash=True) == company
