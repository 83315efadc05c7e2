import datetime as dt

from django.urls import reverse

from kontor.contacts import actions
from kontor.contacts.actions import AddressData, DetailData, Details, PositionData
from kontor.contacts.models import Company, ContactDetail, Person
from kontor.records import actions as record_actions
from tests.contacts.forms_data import company_data, person_data


def test_create_a_person_with_only_a_last_name(alice):
    response = alice.client.post(reverse("people:new"), person_data({"last_name": "Müller"}))
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.last_name == "Müller"
    assert person.record.responsible == alice.user
    assert alice.client.get(response["Location"]).status_code == 200


def test_the_new_person_form_renders_with_rows_to_fill(alice):
    response = alice.client.get(reverse("people:new"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="last_name"' in page and 'name="details-0-value"' in page
    assert 'data-add-row="positions-rows"' in page and "<template>" in page
    assert 'name="tags"' in page


def test_create_a_person_with_everything(alice, bob):
    acme = actions.create_company(alice.membership, {"name": "Acme GmbH"})
    data = person_data(
        {"salutation": "ms", "title": "Dr.", "first_name": "Anna", "last_name": "Schmidt", "gender": "female",
         "language": "Deutsch", "birthday": "1980-05-17", "background": "Met at a fair.",
         "responsible": bob.user.pk, "tags": "Kunde, VIP"},
        {"details": [{"kind": "email", "label": "work", "value": "anna@acme.example"},
                     {"kind": "phone", "label": "work", "value": ""}],
         "addresses": [{"label": "work", "street": "Hauptstraße 1", "zip": "10115", "city": "Berlin"}],
         "positions": [{"company_id": acme.pk, "company_name": "Acme GmbH", "job_title": "CEO"},
                       {"company_name": "Brand New AG", "job_title": "Board", "is_former": True}],
         "assistants": [{"name": "Peter", "email": "peter@acme.example"}],
         "dates": [{"label": "Anniversary", "date": "2015-03-01"}, {"label": "", "date": ""}]})
    response = alice.client.post(reverse("people:new"), data)
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.full_name, person.birthday, person.record.responsible) == (
        "Dr. Anna Schmidt", dt.date(1980, 5, 17), bob.user)
    assert [d.value for d in ContactDetail.objects.filter(record=person.record)] == ["anna@acme.example"]
    assert sorted(t.name for t in person.record.tags.all()) == ["Kunde", "VIP"]
    assert [(p.company.name, p.is_primary, p.is_former) for p in person.positions.all()] == [
        ("Acme GmbH", True, False), ("Brand New AG", False, True)]
    assert Company.objects.filter(name="Brand New AG", account=alice.account).exists()
    assert person.assistants.get().email == "peter@acme.example"
    assert person.important_dates.get().label == "Anniversary"


def test_a_person_without_last_name_is_refused_next_to_the_field(alice):
    response = alice.client.post(reverse("people:new"), person_data({"first_name": "Anna", "last_name": ""}))
    assert response.status_code == 200
    assert response.context["editor"].form.errors["last_name"]
    assert not Person.objects.exists()


def test_a_bad_email_shows_the_error_on_its_row_and_writes_nothing(alice):
    data = person_data({"last_name": "Müller"},
                       {"details": [{"kind": "phone", "label": "work", "value": "030 123"},
                                    {"kind": "email", "label": "work", "value": "not-an-address"}],
                        "positions": [{"company_name": "Should Not Exist GmbH"}]})
    response = alice.client.post(reverse("people:new"), data)
    assert response.status_code == 200
    rows = response.context["editor"].formsets["details"].forms
    assert not rows[0].errors
    assert "not a valid e-mail address" in str(rows[1].non_field_errors())
    assert b"not-an-address" in response.content  # what was typed is still there
    assert not Person.objects.exists()
    assert not Company.objects.exists()


def test_a_member_can_create_a_company(alice, carol):
    response = carol.client.post(reverse("companies:new"), company_data(
        {"name": "Acme GmbH", "tags": "Kunde", "responsible": alice.user.pk},
        {"details": [{"kind": "website", "label": "work", "value": "acme.example"}]}))
    company = Company.objects.get()
    assert response["Location"] == company.get_absolute_url()
    assert company.record.responsible == alice.user
    assert ContactDetail.objects.get(record=company.record).value == "https://acme.example"


def test_a_company_needs_a_name(alice):
    response = alice.client.post(reverse("companies:new"), company_data({"name": " "}))
    assert response.context["editor"].form.errors["name"]
    assert not Company.objects.exists()


def test_add_person_from_a_company_starts_with_a_position_there(alice):
    acme = actions.create_company(alice.membership, {"name": "Acme GmbH"})
    response = alice.client.get(reverse("people:new"), {"company": acme.pk})
    assert b'value="Acme GmbH"' in response.content
    assert f'name="positions-0-company_id" value="{acme.pk}"'.encode() in response.content


def _edit_data(person: Person, **changes) -> dict:
    """What the edit form posts when the user changes `changes` and leaves the rest."""
    response_fields = {"salutation": person.salutation, "title": person.title,
                       "first_name": person.first_name, "last_name": person.last_name,
                       "gender": person.gender, "language": person.language,
                       "birthday": person.birthday or "", "background": person.background,
                       "responsible": person.record.responsible_id}
    rows = {"details": [{"kind": d.kind, "label": d.label, "value": d.value}
                        for d in ContactDetail.objects.filter(record=person.record)]}
    return person_data({**response_fields, **changes}, rows, version=person.record.version,
                       initial={"details": len(rows["details"])})


def test_edit_a_person(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"},
                                   Details(contact=[DetailData("email", "m@example.com")]))
    edit_url = reverse("people:edit", args=[person.pk])
    assert alice.client.get(edit_url).status_code == 200
    response = alice.client.post(edit_url, _edit_data(person, first_name="Hans"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Hans Müller"
    assert ContactDetail.objects.get(record=person.record).value == "m@example.com"


def test_removing_a_row_deletes_that_detail(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"},
                                   Details(contact=[DetailData("email", "m@example.com"),
                                                    DetailData("phone", "030 1")]))
    data = _edit_data(person)
    data["details-0-DELETE"] = "on"
    alice.client.post(reverse("people:edit", args=[person.pk]), data)
    assert [d.value for d in ContactDetail.objects.filter(record=person.record)] == ["030 1"]


def test_a_stale_edit_shows_the_conflict_and_does_not_overwrite(alice, bob):
    person = actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Müller"},
                                   Details(addresses=[AddressData(city="Berlin")]))
    stale = _edit_data(person, first_name="Anne", title="Prof.")
    actions.update_person(Person.objects.get(pk=person.pk), bob.membership, {"first_name": "Annika"},
                          version=person.record.version,
                          details=Details(addresses=[AddressData(city="Köln")]))
    response = alice.client.post(reverse("people:edit", args=[person.pk]), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Bob Berger changed this" in page
    assert "stored now: Annika — yours: Anne" in page
    assert "stored now: (empty) — yours: Prof." in page
    assert "stored now: work: Köln — yours: (empty)" in page
    assert 'value="Anne"' in page  # the form keeps what the user typed
    person.refresh_from_db()
    assert person.first_name == "Annika" and person.title == ""
    # Saving again from the conflict page is a deliberate overwrite on the new version.
    assert f'name="version" value="{person.record.version}"' in page
    again = dict(stale, version=str(person.record.version))
    assert alice.client.post(reverse("people:edit", args=[person.pk]), again).status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Prof. Anne Müller"


def test_edit_a_company_and_change_the_responsible_user(alice, bob):
    company = actions.create_company(alice.membership, {"name": "Acme"})
    data = company_data({"name": "Acme GmbH", "background": "", "responsible": bob.user.pk},
                        version=company.record.version)
    response = alice.client.post(reverse("companies:edit", args=[company.pk]), data)
    assert response.status_code == 302
    company.refresh_from_db()
    company.record.refresh_from_db()
    assert (company.name, company.record.responsible) == ("Acme GmbH", bob.user)


def test_a_position_keeps_its_company_while_the_name_is_unchanged(alice):
    first = actions.create_company(alice.membership, {"name": "Acme"})
    actions.create_company(alice.membership, {"name": "Acme"})  # a namesake
    person = actions.create_person(alice.membership, {"last_name": "Müller"},
                                   Details(positions=[PositionData(first, "CEO")]))
    data = _edit_data(person)
    data.update({"positions-TOTAL_FORMS": "1", "positions-INITIAL_FORMS": "1",
                 "positions-0-company_id": first.pk, "positions-0-company_name": "Acme",
                 "positions-0-job_title": "Chair"})
    alice.client.post(reverse("people:edit", args=[person.pk]), data)
    position = person.positions.get()
    assert (position.company_id, position.job_title) == (first.pk, "Chair")
    assert Company.objects.count() == 2


def test_a_tag_name_that_is_too_long_is_refused(alice):
    data = person_data({"last_name": "Müller", "tags": "x" * 61})
    response = alice.client.post(reverse("people:new"), data)
    assert response.context["editor"].record_form.errors["tags"]
    assert not Person.objects.exists()


def test_the_edit_form_of_a_person_in_the_trash_is_404(alice):
    person = actions.create_person(alice.membership, {"last_name": "Müller"})
    record_actions.trash_record(person.record, alice.membership)
    assert alice.client.get(reverse("people:edit", args=[person.pk])).status_code == 404
