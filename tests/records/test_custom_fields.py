"""Custom fields: defining them in the settings, their values on record pages and in the forms."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Person
from kontor.deals import actions as deal_actions
from kontor.history.models import Activity, ActivityVerb
from kontor.projects import actions as project_actions
from kontor.records import custom_fields
from kontor.records.custom_fields import clean_value, create_custom_field, make_key
from kontor.records.models import CustomField, CustomValue, FieldType, Kind
from kontor.search.models import Document
from tests.contacts.forms_data import person_data


@pytest.fixture
def customer_number(alice) -> CustomField:
    return create_custom_field(alice.membership, Kind.PERSON, "Kundennummer", FieldType.TEXT,
                               help="Aus der Buchhaltung")


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"last_name": "Meier"})


def field(type_: str, options: list[str] | None = None) -> CustomField:
    return CustomField(key="x", name="X", type=type_, options=options or [])


# -- keys and values ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "key"), [("Kundennummer", "kundennummer"), ("Größe", "groesse"),
                                           ("Customer no.", "customer_no"), ("Ärger & Ölpreis", "aerger_oelpreis"),
                                           ("!!!", "field")])
def test_a_key_is_the_name_with_umlauts_folded(name, key):
    assert make_key(name) == key


def test_a_second_field_of_the_same_key_gets_a_number(alice):
    create_custom_field(alice.membership, Kind.PERSON, "Größe", FieldType.NUMBER)
    second = create_custom_field(alice.membership, Kind.PERSON, "Groesse", FieldType.TEXT)
    assert second.key == "groesse_2"
    assert create_custom_field(alice.membership, Kind.COMPANY, "Größe", FieldType.TEXT).key == "groesse"


def test_each_type_cleans_its_input():
    assert clean_value(field(FieldType.TEXT), "  K 4711 ") == "K 4711"
    assert clean_value(field(FieldType.NUMBER), "1.234,5") == Decimal("1234.5")
    assert clean_value(field(FieldType.NUMBER), 12) == Decimal(12)
    assert clean_value(field(FieldType.DATE), "17.03.2025") == dt.date(2025, 3, 17)
    assert clean_value(field(FieldType.DATE), "2025-03-17") == dt.date(2025, 3, 17)
    assert clean_value(field(FieldType.URL), "example.com/a") == "https://example.com/a"
    assert clean_value(field(FieldType.BOOLEAN), "ja") is True
    assert clean_value(field(FieldType.BOOLEAN), False) is False
    assert clean_value(field(FieldType.SELECT, ["Gold", "Silber"]), "gold") == "Gold"
    assert clean_value(field(FieldType.TEXT), "   ") is None


@pytest.mark.parametrize(("type_", "value", "message"), [
    (FieldType.TEXT, "x" * 256, "This text is too long (at most 255 characters)."), (FieldType.TEXT, 12, "Enter text."),
    (FieldType.NUMBER, "zwölf", "Enter a number."), (FieldType.NUMBER, True, "Enter a number."),
    (FieldType.NUMBER, "1e20", "This number is too large."), (FieldType.NUMBER, "NaN", "Enter a number."),
    (FieldType.DATE, "31.02.2025", "Enter a date like 2025-03-17."),
    (FieldType.URL, "not a url", "Enter a web address like https://example.com."),
    (FieldType.BOOLEAN, "vielleicht", "Choose yes or no."),
    (FieldType.SELECT, "Bronze", "“Bronze” is not one of the choices."),
])
def test_a_value_that_does_not_fit_its_type_is_refused_with_a_message(type_, value, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as error:
        clean_value(field(type_, ["Gold"]), value)
    assert error.value.messages == [message]


# -- definitions --------------------------------------------------------------------------------------

def test_a_member_cannot_define_fields(carol):
    with pytest.raises(PermissionDenied, match="Only owners and admins can change custom fields"):
        create_custom_field(carol.membership, Kind.PERSON, "Kundennummer", FieldType.TEXT)
    response = carol.client.post(reverse("records:custom_fields"), {"kind": "person", "name": "X", "type": "text"})
    assert response.status_code == 403
    assert not CustomField.objects.exists()


def test_an_admin_adds_a_field_on_the_settings_page(dave):
    url = reverse("records:custom_fields")
    response = dave.client.post(url, {"kind": "deal", "name": "Quelle", "type": "select",
                                      "options": "Messe\nWebsite\n\nmesse", "help": ""})
    assert response.status_code == 302
    created = CustomField.objects.get()
    assert (created.kind, created.key, created.options) == ("deal", "quelle", ["Messe", "Website"])
    page = dave.client.get(url + "?kind=deal").content.decode()
    assert "Quelle" in page and "Messe, Website" in page


def test_a_select_without_choices_is_refused_at_the_field(alice):
    response = alice.client.post(reverse("records:custom_fields"),
                                 {"kind": "person", "name": "Stufe", "type": "select", "options": " "})
    assert response.status_code == 422
    assert "A selection needs at least one choice." in response.content.decode()
    assert not CustomField.objects.exists()


def test_two_fields_of_one_kind_cannot_share_a_name(alice, customer_number):
    response = alice.client.post(reverse("records:custom_fields"),
                                 {"kind": "person", "name": "KUNDENNUMMER", "type": "text"})
    assert "There already is a field with this name." in response.content.decode()
    assert CustomField.objects.count() == 1


def test_renaming_keeps_the_key(alice, customer_number):
    response = alice.client.post(reverse("records:custom_field_edit", args=[customer_number.pk]),
                                 {"name": "Kunden-Nr.", "help": ""})
    assert response.status_code == 302
    customer_number.refresh_from_db()
    assert (customer_number.name, customer_number.key) == ("Kunden-Nr.", "kundennummer")


def test_fields_are_reordered_by_buttons_and_by_dragging(alice, customer_number):
    size = create_custom_field(alice.membership, Kind.PERSON, "Größe", FieldType.NUMBER)
    vip = create_custom_field(alice.membership, Kind.PERSON, "VIP", FieldType.BOOLEAN)
    alice.client.post(reverse("records:custom_field_move", args=[vip.pk]), {"direction": "up"})
    assert [f.name for f in custom_fields.fields_of(alice.account, Kind.PERSON)] == ["Kundennummer", "VIP", "Größe"]
    alice.client.post(reverse("records:custom_field_reorder"),
                      {"kind": "person", "order": [size.pk, customer_number.pk, "x"]}, headers={"HX-Request": "true"})
    assert [f.name for f in custom_fields.fields_of(alice.account, Kind.PERSON)] == ["Größe", "Kundennummer", "VIP"]


def test_deleting_a_field_asks_first_then_takes_its_values_and_notes_it(alice, customer_number, person,
                                                                        django_capture_on_commit_callbacks):
    custom_fields.set_custom_values(person.record, alice.membership, {customer_number: "K-4711"})
    url = reverse("records:custom_field_delete", args=[customer_number.pk])
    page = alice.client.get(url).content.decode()
    assert "Its value on 1 record is deleted with it." in page
    assert CustomField.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert alice.client.post(url).status_code == 302
    assert not CustomField.objects.exists() and not CustomValue.objects.exists()
    line = Activity.objects.get(verb=ActivityVerb.DELETED)
    assert line.record is None and line.summary == "deleted the custom field “Kundennummer”"
    assert "K-4711" not in Document.objects.get(object_id=person.pk).text


def test_removing_a_choice_removes_the_values_that_held_it(alice, person):
    level = create_custom_field(alice.membership, Kind.PERSON, "Stufe", FieldType.SELECT, options=["Gold", "Silber"])
    custom_fields.set_custom_values(person.record, alice.membership, {level: "Gold"})
    custom_fields.update_custom_field(level, alice.membership, options=["Silber", "Bronze"])
    assert not CustomValue.objects.exists()


def test_another_accounts_field_is_not_found(oscar, customer_number):
    assert oscar.client.get(reverse("records:custom_field_edit", args=[customer_number.pk])).status_code == 404
    assert oscar.client.post(reverse("records:custom_field_delete", args=[customer_number.pk])).status_code == 404
    assert CustomField.objects.exists()


# -- values on records -------------------------------------------------------------------------------

def test_the_record_page_shows_the_values_in_their_own_card(alice, customer_number, person):
    since = create_custom_field(alice.membership, Kind.PERSON, "Kunde seit", FieldType.DATE)
    custom_fields.set_custom_values(person.record, alice.membership,
                                    {customer_number: "K-4711", since: dt.date(2020, 5, 1)})
    page = alice.client.get(person.get_absolute_url()).content.decode()
    assert "More fields" in page and "K-4711" in page and "Kunde seit" in page


def test_the_edit_form_saves_custom_values_and_logs_the_change(alice, customer_number, person):
    create_custom_field(alice.membership, Kind.PERSON, "VIP", FieldType.BOOLEAN)
    url = reverse("people:edit", args=[person.pk])
    assert "Aus der Buchhaltung" in alice.client.get(url).content.decode()
    data = person_data({"last_name": "Meier", "responsible": alice.user.pk, "custom_kundennummer": "K-4711",
                        "custom_vip": "True"}, version=person.record.version)
    assert alice.client.post(url, data).status_code == 302
    assert custom_fields.values_by_key(person.record) == {"kundennummer": "K-4711", "vip": True}
    change = Activity.objects.filter(verb=ActivityVerb.CHANGED, record=person.record).get()
    assert change.changes == {"Kundennummer": ["", "K-4711"], "VIP": ["", "Yes"]}


def test_a_wrong_value_in_the_form_is_shown_at_its_field_and_nothing_is_saved(alice, person):
    create_custom_field(alice.membership, Kind.PERSON, "Umsatz", FieldType.NUMBER)
    url = reverse("people:edit", args=[person.pk])
    data = person_data({"last_name": "Neu", "responsible": alice.user.pk, "custom_umsatz": "viel"},
                       version=person.record.version)
    response = alice.client.post(url, data)
    assert response.status_code == 200 and "Enter a number." in response.content.decode()
    person.refresh_from_db()
    assert person.last_name == "Meier" and not CustomValue.objects.exists()


def test_a_stale_edit_writes_no_custom_values(alice, bob, customer_number, person):
    contact_actions.update_person(person, bob.membership, {"first_name": "Hans"})
    data = person_data({"last_name": "Meier", "responsible": alice.user.pk, "custom_kundennummer": "K-1"},
                       version=1)
    response = alice.client.post(reverse("people:edit", args=[person.pk]), data)
    assert response.status_code == 409
    assert not CustomValue.objects.exists()


def test_a_new_person_gets_custom_values_from_the_form(alice, customer_number):
    response = alice.client.post(reverse("people:new"), person_data(
        {"last_name": "Neumann", "responsible": alice.user.pk, "custom_kundennummer": "K-9"}))
    assert response.status_code == 302
    assert CustomValue.objects.get().text_value == "K-9"


def test_deal_and_project_forms_carry_their_kinds_fields(alice):
    create_custom_field(alice.membership, Kind.DEAL, "Quelle", FieldType.SELECT, options=["Messe", "Website"])
    create_custom_field(alice.membership, Kind.PROJECT, "Budget", FieldType.NUMBER)
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch", "value": 100})
    form = {"name": "Relaunch", "value": "100", "value_type": "total", "value_count": "1", "currency": "EUR",
            "stage": "25", "target_date": "", "company_name": "", "responsible": alice.user.pk,
            "description": "", "version": deal.record.version}
    response = alice.client.post(f"/deals/{deal.pk}/edit/", {**form, "custom_quelle": "Kino"})
    assert response.status_code == 200 and "is not one of the available choices" not in response.content.decode()
    assert "“Kino” is not one of the choices." in response.content.decode()
    assert alice.client.post(f"/deals/{deal.pk}/edit/", {**form, "custom_quelle": "Messe"}).status_code == 302
    assert "Messe" in alice.client.get(deal.get_absolute_url()).content.decode()
    project = project_actions.create_project(alice.membership, {"name": "Umbau"})
    page = alice.client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert 'name="custom_budget"' in page and "Quelle" not in page


def test_text_values_are_found_by_the_quick_search(alice, customer_number, person):
    custom_fields.set_custom_values(person.record, alice.membership, {customer_number: "K-4711"})
    assert "K-4711" in Document.objects.get(object_id=person.pk).text
    response = alice.client.get(reverse("search"), {"q": "4711"})
    assert "Meier" in response.content.decode()


def test_a_stale_edit_lists_a_custom_field_the_colleague_changed(alice, bob, customer_number, person):
    custom_fields.set_custom_values(person.record, bob.membership, {customer_number: "K-1"})
    contact_actions.update_person(person, bob.membership, {"first_name": ""})
    data = person_data({"last_name": "Meier", "responsible": alice.user.pk, "custom_kundennummer": "K-2"},
                       version=1)
    response = alice.client.post(reverse("people:edit", args=[person.pk]), data)
    assert response.status_code == 409
    assert [(c.label, c.stored, c.yours) for c in response.context["conflicts"]] == [("Kundennummer", "K-1", "K-2")]


# -- import ---------------------------------------------------------------------------------------------

def test_an_import_maps_custom_columns_by_name_and_writes_their_values(alice, customer_number):
    from tests.transfer.import_files import run, xlsx

    create_custom_field(alice.membership, Kind.PERSON, "Größe", FieldType.NUMBER)
    header = ["Vorname", "Nachname", "Kundennummer", "Größe"]
    imp = run(alice.membership, xlsx([["Anna", "Adler", "K-4711", "182,5"], ["Bernd", "Bauer", "K-4712", "groß"]],
                                     header=header))
    assert (imp.created, imp.error_count) == (1, 1)
    assert imp.errors == [{"row": 3, "column": "Größe", "message": "Enter a number."}]
    anna = Person.objects.get(last_name="Adler")
    assert custom_fields.values_by_key(anna.record) == {"kundennummer": "K-4711", "groesse": Decimal("182.5")}
    assert "K-4711" in Document.objects.get(object_id=anna.pk).text
