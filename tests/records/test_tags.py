"""Tags on a record (add, remove, autocomplete) and the tags administration."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.records import actions as record_actions
from kontor.records.models import RecordTag, Tag

HTMX = {"HX-Request": "true"}


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"last_name": "Meier"})


def tag_names(record) -> list[str]:
    return list(record.tags.order_by("name").values_list("name", flat=True))


# On a record


def test_adding_a_tag_with_htmx_rerenders_the_widget(carol, person):
    url = reverse("records:add_tag", args=[person.pk])
    response = carol.client.post(url, {"name": " Kunde  2025 "}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="tags-{person.pk}"' in html
    assert "Kunde 2025" in html
    assert tag_names(person.record) == ["Kunde 2025"]


def test_adding_a_tag_without_javascript_redirects_to_the_record(alice, person):
    response = alice.client.post(reverse("records:add_tag", args=[person.pk]), {"name": "Lieferant"})
    assert response.status_code == 302
    assert response["Location"] == f"{person.get_absolute_url()}#tags-{person.pk}"
    assert tag_names(person.record) == ["Lieferant"]


def test_adding_a_tag_reuses_an_existing_one_whatever_its_case(alice, person):
    other = contact_actions.create_person(alice.membership, {"last_name": "Schulz"}, tags=["Newsletter"])
    alice.client.post(reverse("records:add_tag", args=[person.pk]), {"name": "NEWSLETTER"}, headers=HTMX)
    assert tag_names(person.record) == ["Newsletter"]
    assert Tag.objects.filter(account=alice.account).count() == 1
    assert tag_names(other.record) == ["Newsletter"]


def test_blank_tag_is_refused_with_a_message(alice, person):
    response = alice.client.post(reverse("records:add_tag", args=[person.pk]), {"name": "   "}, headers=HTMX)
    assert "A tag needs a name." in response.content.decode()
    assert not Tag.objects.exists()


def test_overlong_tag_is_refused_with_a_message(alice, person):
    url = reverse("records:add_tag", args=[person.pk])
    response = alice.client.post(url, {"name": "x" * 61}, headers=HTMX)
    assert "A tag name can have at most 60 characters." in response.content.decode()
    assert not Tag.objects.exists()


def test_refused_tag_without_javascript_returns_with_the_message(alice, person):
    response = alice.client.post(reverse("records:add_tag", args=[person.pk]), {"name": ""}, follow=True)
    assert response.redirect_chain[0][0] == f"{person.get_absolute_url()}#tags-{person.pk}"
    assert "A tag needs a name." in [str(m) for m in response.context["messages"]]
    assert not Tag.objects.exists()


def test_removing_a_tag_keeps_it_for_other_records(carol, alice, person):
    record_actions.add_tags(person.record, ["Kunde", "Messe"], alice.membership)
    kunde = Tag.objects.get(name="Kunde")
    response = carol.client.post(reverse("records:remove_tag", args=[person.pk, kunde.pk]), headers=HTMX)
    assert response.status_code == 200
    assert "Kunde" not in response.content.decode()
    assert tag_names(person.record) == ["Messe"]
    assert Tag.objects.filter(pk=kunde.pk).exists()


def test_removing_a_tag_without_javascript_redirects(alice, person):
    record_actions.add_tags(person.record, ["Kunde"], alice.membership)
    tag = Tag.objects.get()
    response = alice.client.post(reverse("records:remove_tag", args=[person.pk, tag.pk]))
    assert response.status_code == 302
    assert tag_names(person.record) == []


def test_autocomplete_suggests_matching_tags_of_the_account_only(alice, oscar, person):
    contact_actions.create_person(alice.membership, {"last_name": "A"},
                                  tags=["Kunde", "Stammkunde", "Lieferant"])
    contact_actions.create_person(oscar.membership, {"last_name": "O"}, tags=["Kundschaft"])
    response = alice.client.get(reverse("records:tag_autocomplete"), {"name": "kun"}, headers=HTMX)
    html = response.content.decode()
    assert html.index('value="Kunde"') < html.index('value="Stammkunde"')
    assert "Lieferant" not in html
    assert "Kundschaft" not in html


def test_autocomplete_leaves_out_the_records_own_tags(alice, person):
    contact_actions.create_person(alice.membership, {"last_name": "A"}, tags=["Kunde", "Kundin"])
    record_actions.add_tags(person.record, ["Kunde"], alice.membership)
    response = alice.client.get(reverse("records:tag_autocomplete"), {"name": "kund", "record": person.pk})
    html = response.content.decode()
    assert 'value="Kundin"' in html
    assert 'value="Kunde"' not in html


def test_outsider_cannot_tag_or_untag_alices_records(alice, oscar, person):
    record_actions.add_tags(person.record, ["Kunde"], alice.membership)
    tag = Tag.objects.get()
    add_url = reverse("records:add_tag", args=[person.pk])
    assert oscar.client.post(add_url, {"name": "Spam"}).status_code == 404
    assert oscar.client.post(reverse("records:remove_tag", args=[person.pk, tag.pk])).status_code == 404
    assert oscar.client.get(reverse("records:tag_autocomplete"), {"record": person.pk}).status_code == 404
    assert tag_names(person.record) == ["Kunde"]


# Administration


@pytest.fixture
def tagged(alice):
    """Three people: two 'Kunde', one 'kunden', one 'Messe'."""
    a = contact_actions.create_person(alice.membership, {"last_name": "A"}, tags=["Kunde", "Messe"])
    b = contact_actions.create_person(alice.membership, {"last_name": "B"}, tags=["Kunde"])
    c = contact_actions.create_person(alice.membership, {"last_name": "C"}, tags=["kunden"])
    return a, b, c


def test_admin_sees_all_tags_with_their_counts(dave, tagged, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = dave.client.get(reverse("records:tags"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "on 2 records" in html
    assert html.count("on 1 record<") == 2


def test_tags_page_counts_only_live_records(alice, tagged):
    record_actions.trash_record(tagged[1].record, alice.membership)
    html = alice.client.get(reverse("records:tags")).content.decode()
    assert "on 2 records" not in html


def test_power_user_and_member_are_refused_with_a_clear_message(bob, carol, tagged):
    kunde = Tag.objects.get(name="Kunde")
    for colleague in (bob, carol):
        page = colleague.client.get(reverse("records:tags"))
        assert page.status_code == 403
        assert "Only administrators can rename, merge and delete tags." in page.content.decode()
        rename_url = reverse("records:rename_tag", args=[kunde.pk])
        assert colleague.client.post(rename_url, {"name": "X"}).status_code == 403
        assert colleague.client.post(reverse("records:delete_tag", args=[kunde.pk])).status_code == 403
        merge = {"into": kunde.pk, "tags": [Tag.objects.get(name="kunden").pk]}
        assert colleague.client.post(reverse("records:merge_tags"), merge).status_code == 403
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Kunde", "Messe", "kunden"]


def test_admin_renames_a_tag(dave, tagged):
    messe = Tag.objects.get(name="Messe")
    response = dave.client.post(reverse("records:rename_tag", args=[messe.pk]), {"name": "Messe 2025"})
    assert response.status_code == 302
    messe.refresh_from_db()
    assert messe.name == "Messe 2025"
    assert tag_names(tagged[0].record) == ["Kunde", "Messe 2025"]


def test_renaming_onto_an_existing_name_merges(dave, tagged):
    kunden = Tag.objects.get(name="kunden")
    dave.client.post(reverse("records:rename_tag", args=[kunden.pk]), {"name": "KUNDE"})
    assert not Tag.objects.filter(pk=kunden.pk).exists()
    assert tag_names(tagged[2].record) == ["Kunde"]
    page = dave.client.get(reverse("records:tags")).content.decode()
    assert "has been merged into" in page
    assert "on 3 records" in page


def test_renaming_to_a_blank_name_is_refused(dave, tagged):
    messe = Tag.objects.get(name="Messe")
    dave.client.post(reverse("records:rename_tag", args=[messe.pk]), {"name": "  "})
    messe.refresh_from_db()
    assert messe.name == "Messe"
    assert "A tag needs a name." in dave.client.get(reverse("records:tags")).content.decode()


def test_admin_merges_ticked_tags_into_one(alice, tagged):
    kunde, kunden, messe = (Tag.objects.get(name=n) for n in ("Kunde", "kunden", "Messe"))
    merge = {"into": kunde.pk, "tags": [kunden.pk, messe.pk, kunde.pk]}
    response = alice.client.post(reverse("records:merge_tags"), merge)
    assert response.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Kunde"]
    assert [tag_names(p.record) for p in tagged] == [["Kunde"], ["Kunde"], ["Kunde"]]


def test_merging_without_ticked_tags_changes_nothing(alice, tagged):
    kunde = Tag.objects.get(name="Kunde")
    alice.client.post(reverse("records:merge_tags"), {"into": kunde.pk, "tags": [kunde.pk]})
    alice.client.post(reverse("records:merge_tags"), {"tags": [kunde.pk]})
    assert Tag.objects.count() == 3
    assert RecordTag.objects.count() == 4


def test_deleting_a_tag_asks_first_then_keeps_the_records(alice, tagged):
    kunde = Tag.objects.get(name="Kunde")
    page = alice.client.get(reverse("records:delete_tag", args=[kunde.pk]))
    assert "is on 2 records" in page.content.decode()
    assert Tag.objects.filter(pk=kunde.pk).exists()
    alice.client.post(reverse("records:delete_tag", args=[kunde.pk]))
    assert not Tag.objects.filter(pk=kunde.pk).exists()
    assert tag_names(tagged[0].record) == ["Messe"]
    assert tag_names(tagged[1].record) == []


def test_outsider_cannot_touch_alices_tags(oscar, tagged):
    kunde, kunden = Tag.objects.get(name="Kunde"), Tag.objects.get(name="kunden")
    assert oscar.client.post(reverse("records:rename_tag", args=[kunde.pk]), {"name": "X"}).status_code == 404
    assert oscar.client.get(reverse("records:delete_tag", args=[kunde.pk])).status_code == 404
    assert oscar.client.post(reverse("records:delete_tag", args=[kunde.pk])).status_code == 404
    merge = {"into": kunde.pk, "tags": [kunden.pk]}
    assert oscar.client.post(reverse("records:merge_tags"), merge).status_code == 404
    assert "Kunde" not in oscar.client.get(reverse("records:tags")).content.decode()
    assert Tag.objects.count() == 3
