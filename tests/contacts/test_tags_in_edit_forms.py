"""The edit forms of companies and people carry a tags field, as the new-record forms do: it shows
the record's tags and saving it replaces them."""

from __future__ import annotations

from django.urls import reverse

from kontor.contacts import actions
from kontor.records.models import Tag
from tests.contacts.forms_data import COMPANY_ROW_SETS, PERSON_ROW_SETS, form_data


def _tags(obj) -> list[str]:  # noqa: ANN001 - a Person or Company
    return sorted(obj.record.tags.values_list("name", flat=True))


def test_the_company_edit_form_shows_the_companys_tags(alice):
    company = actions.create_company(alice.membership, {"name": "Acme GmbH"}, tags=["Kunde", "VIP"])

    page = alice.client.get(reverse("companies:edit", args=[company.pk])).content.decode()

    assert 'name="tags"' in page
    assert 'value="Kunde, VIP"' in page


def test_saving_the_company_edit_form_replaces_its_tags(alice):
    company = actions.create_company(alice.membership, {"name": "Acme GmbH"}, tags=["Kunde", "VIP"])
    data = form_data(COMPANY_ROW_SETS, {"name": "Acme GmbH", "responsible": alice.user.pk,
                                        "tags": "Kunde, Lieferant"}, version=company.record.version)

    response = alice.client.post(reverse("companies:edit", args=[company.pk]), data)

    assert response.status_code == 302
    assert _tags(company) == ["Kunde", "Lieferant"]


def test_emptying_the_tags_field_removes_the_tags_but_a_form_without_the_field_keeps_them(alice):
    company = actions.create_company(alice.membership, {"name": "Acme GmbH"}, tags=["Kunde"])
    without_field = form_data(COMPANY_ROW_SETS, {"name": "Acme AG", "responsible": alice.user.pk},
                              version=company.record.version)
    alice.client.post(reverse("companies:edit", args=[company.pk]), without_field)
    assert _tags(company) == ["Kunde"]

    company.record.refresh_from_db()
    emptied = form_data(COMPANY_ROW_SETS, {"name": "Acme AG", "responsible": alice.user.pk, "tags": ""},
                        version=company.record.version)
    alice.client.post(reverse("companies:edit", args=[company.pk]), emptied)
    assert _tags(company) == []


def test_the_person_edit_form_takes_tags_alike(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"}, tags=["Newsletter"])
    data = form_data(PERSON_ROW_SETS, {"last_name": "Müller", "responsible": alice.user.pk,
                                       "tags": "Newsletter, Messe 2026"}, version=person.record.version)

    alice.client.post(reverse("people:edit", args=[person.pk]), data)

    assert _tags(person) == ["Messe 2026", "Newsletter"]


def test_a_tag_that_is_too_long_is_refused_and_nothing_changes(alice):
    company = actions.create_company(alice.membership, {"name": "Acme GmbH"}, tags=["Kunde"])
    data = form_data(COMPANY_ROW_SETS, {"name": "Acme AG", "responsible": alice.user.pk, "tags": "x" * 61},
                     version=company.record.version)

    response = alice.client.post(reverse("companies:edit", args=[company.pk]), data)

    assert response.status_code == 200
    assert response.context["editor"].record_form.errors["tags"]
    company.refresh_from_db()
    assert (company.name, _tags(company)) == ("Acme GmbH", ["Kunde"])


def test_a_stale_edit_names_the_tags_a_colleague_changed(alice, bob):
    company = actions.create_company(alice.membership, {"name": "Acme GmbH"}, tags=["Kunde"])
    version = company.record.version
    actions.update_company(company, bob.membership, {}, tags=["Kunde", "VIP"])
    data = form_data(COMPANY_ROW_SETS, {"name": "Acme GmbH", "responsible": alice.user.pk, "tags": "Lead"},
                     version=version)

    response = alice.client.post(reverse("companies:edit", args=[company.pk]), data)

    assert response.status_code == 409
    assert any(conflict.stored == "Kunde, VIP" for conflict in response.context["conflicts"])
    assert _tags(company) == ["Kunde", "VIP"]


def test_the_outsider_cannot_tag_alices_company(alice, oscar):
    company = actions.create_company(alice.membership, {"name": "Acme GmbH"}, tags=["Kunde"])
    data = form_data(COMPANY_ROW_SETS, {"name": "Acme GmbH", "responsible": oscar.user.pk, "tags": "Weg"},
                     version=company.record.version)

    response = oscar.client.post(reverse("companies:edit", args=[company.pk]), data)

    assert response.status_code == 404
    assert _tags(company) == ["Kunde"]
    assert not Tag.objects.filter(name="Weg").exists()
