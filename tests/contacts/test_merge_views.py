"""The pages of merging: possible duplicates, "Merge with…", the side-by-side choice and undo."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kontor.contacts import actions
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.contacts.models import Person
from kontor.records.models import Merge, Record


def _person(by, last: str, first: str = "", email: str = "", company=None):
    details = Details(contact=[DetailData("email", email)] if email else [],
                      positions=[PositionData(company)] if company else [])
    return actions.create_person(by, {"last_name": last, "first_name": first}, details)


@pytest.fixture
def twins(alice):
    kept = _person(alice.membership, "Müller", "Hans", "hans@acme.de")
    other = _person(alice.membership, "Mueller", "Hans", "HANS@acme.de")
    return kept, other


def test_the_duplicates_page_shows_the_pair_and_why(alice, twins, django_assert_max_num_queries):
    kept, other = twins
    _person(alice.membership, "Schmidt", "Eva", "eva@example.com")
    with django_assert_max_num_queries(20):
        response = alice.client.get(reverse("people:duplicates"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Hans Müller" in content and "Hans Mueller" in content and "Eva Schmidt" not in content
    assert "same e-mail hans@acme.de" in content
    assert f"{reverse('people:merge', args=[kept.pk])}?with={other.pk}" in content


def test_the_duplicates_page_costs_the_same_queries_for_more_groups(alice, django_assert_max_num_queries):
    for number in range(15):
        _person(alice.membership, f"Name{number}", "Anna", f"anna{number}@example.com")
        _person(alice.membership, f"Name{number}", "Anna", f"anna{number}@example.com")
    with django_assert_max_num_queries(20):
        response = alice.client.get(reverse("people:duplicates"))
    assert response.content.decode().count("Compare and merge") == 15


def test_the_companies_duplicates_page_finds_names_without_the_legal_form(alice):
    actions.create_company(alice.membership, {"name": "Müller & Söhne GmbH"})
    actions.create_company(alice.membership, {"name": "Mueller und Soehne"})
    content = alice.client.get(reverse("companies:duplicates")).content.decode()
    assert "Müller &amp; Söhne GmbH" in content and "Mueller und Soehne" in content
    assert "very similar name" in content


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_only_owners_and_admins_see_the_duplicates_page(request, twins, persona):
    client = request.getfixturevalue(persona).client
    assert client.get(reverse("people:duplicates")).status_code == 403
    assert client.get(reverse("companies:duplicates")).status_code == 403


def test_the_person_page_offers_merge_with_to_power_users_only(alice, bob, carol, twins):
    kept, _other = twins
    url = reverse("people:detail", args=[kept.pk])
    merge_url = reverse("people:merge", args=[kept.pk]).encode()
    assert merge_url in bob.client.get(url).content
    assert merge_url not in carol.client.get(url).content


def test_merge_with_suggests_the_look_alike_and_finds_others_by_name(alice, twins):
    kept, other = twins
    _person(alice.membership, "Schmidt", "Eva")
    page = alice.client.get(reverse("people:merge", args=[kept.pk])).content.decode()
    assert f"?with={other.pk}" in page and "Eva Schmidt" not in page
    found = alice.client.get(reverse("people:merge", args=[kept.pk]), {"q": "Schmidt"}, HTTP_HX_REQUEST="true")
    assert "Eva Schmidt" in found.content.decode() and "<html" not in found.content.decode()


def test_the_side_by_side_page_offers_the_fields_that_differ(alice, twins):
    kept, other = twins
    content = alice.client.get(reverse("people:merge", args=[kept.pk]), {"with": other.pk}).content.decode()
    assert 'name="keep-last_name"' in content and 'name="keep-first_name"' not in content
    assert "You can undo a merge on the kept record's page for 30 days." in content


def test_merging_through_the_page_keeps_the_chosen_values_and_redirects_the_old_url(alice, carol, twins):
    kept, other = twins
    response = alice.client.post(reverse("people:merge", args=[kept.pk]),
                                 {"with": other.pk, "keep-last_name": other.pk, "version": kept.record.version})
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[kept.pk])
    kept.refresh_from_db()
    assert kept.last_name == "Mueller"
    old = carol.client.get(reverse("people:detail", args=[other.pk]))
    assert old.status_code == 302 and old["Location"] == reverse("people:detail", args=[kept.pk])
    page = alice.client.get(reverse("people:detail", args=[kept.pk])).content.decode()
    assert "Undo merge" in page


def test_the_undo_button_names_the_merged_record(alice, twins):
    kept, other = twins
    alice.client.post(reverse("people:merge", args=[kept.pk]), {"with": other.pk})
    page = alice.client.get(reverse("people:detail", args=[kept.pk])).content.decode()
    assert "Hans Mueller merged on " in page


def test_undo_on_the_survivors_page_restores_the_other(alice, twins):
    kept, other = twins
    alice.client.post(reverse("people:merge", args=[kept.pk]), {"with": other.pk})
    response = alice.client.post(reverse("people:merge_undo", args=[kept.pk]))
    assert response.status_code == 302
    assert Record.objects.get(pk=other.pk).deleted_at is None
    assert alice.client.post(reverse("people:merge_undo", args=[kept.pk])).status_code == 404


def test_a_member_cannot_merge_and_nothing_changes(alice, carol, twins):
    kept, other = twins
    response = carol.client.post(reverse("people:merge", args=[kept.pk]), {"with": other.pk})
    assert response.status_code == 403
    assert Record.objects.get(pk=other.pk).deleted_at is None and not Merge.objects.exists()


def test_a_stale_version_is_refused_with_a_message(alice, twins):
    kept, other = twins
    response = alice.client.post(reverse("people:merge", args=[kept.pk]),
                                 {"with": other.pk, "version": kept.record.version - 1 or 999}, follow=True)
    assert response.status_code == 200 and "changed this in the meantime" in response.content.decode()
    assert Record.objects.get(pk=other.pk).deleted_at is None


@pytest.mark.parametrize("params", [{"with": "abc"}, {"with": "-1"}, {"with": "99999999999999999999"},
                                    {"with": ["1", "x"]}, {"q": "\x00"}])
def test_odd_parameters_never_give_an_error(alice, twins, params):
    kept, _other = twins
    response = alice.client.get(reverse("people:merge", args=[kept.pk]), params)
    assert response.status_code in (200, 404)


def test_a_post_with_odd_choices_changes_nothing(alice, twins):
    kept, other = twins
    response = alice.client.post(reverse("people:merge", args=[kept.pk]),
                                 {"with": other.pk, "keep-last_name": "999999", "keep-nickname": other.pk})
    assert response.status_code == 200
    assert Record.objects.get(pk=other.pk).deleted_at is None
    assert Person.objects.get(pk=kept.pk).last_name == "Müller"


def test_another_accounts_record_cannot_be_merged_in(alice, oscar, twins):
    kept, _other = twins
    foreign = _person(oscar.membership, "Müller", "Hans")
    response = alice.client.post(reverse("people:merge", args=[kept.pk]), {"with": foreign.pk})
    assert response.status_code == 404
    assert Record.objects.get(pk=foreign.pk).deleted_at is None
