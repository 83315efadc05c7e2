"""What a row of the people and companies lists shows: read for a page at once (add_row_data) and
worked out by contacts/rows.py."""

from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kontor.contacts import actions
from kontor.contacts.actions import AddressData, DetailData, Details, PositionData
from kontor.contacts.models import Company, Person
from kontor.contacts.queries import RowData, add_row_data, filter_companies, filter_people, page_of, with_row_data
from kontor.contacts.rows import contact_rows
from kontor.contacts.templatetags.contact_links import avatar
from kontor.records.actions import trash_record


def rows(items) -> dict[str, RowData]:  # noqa: ANN001
    page = page_of(with_row_data(items), 1)
    add_row_data(page.items)
    return {obj.full_name: obj.row for obj in page.items}


def test_a_row_shows_the_first_email_and_the_first_phone_or_mobile(alice):
    actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Schmidt"}, Details(contact=[
        DetailData("fax", "030 9"), DetailData("mobile", "0170 1"), DetailData("email", "anna@example.com"),
        DetailData("phone", "030 2"), DetailData("email", "a.schmidt@example.com")]))
    actions.create_person(alice.membership, {"last_name": "Ohne"})
    found = rows(filter_people(alice.account))
    assert (found["Anna Schmidt"].email, found["Anna Schmidt"].phone) == ("anna@example.com", "0170 1")
    assert found["Ohne"] == RowData()


def test_a_row_shows_the_tags_by_name_and_the_primary_job_at_a_company_outside_the_trash(alice):
    acme = actions.create_company(alice.membership, {"name": "Acme"})
    gone = actions.create_company(alice.membership, {"name": "Gone"})
    actions.create_person(alice.membership, {"last_name": "Berg"}, Details(positions=[
        PositionData(acme, "Einkauf", is_primary=True)]), tags=["Zoo", "Kunde"])
    actions.create_person(alice.membership, {"last_name": "Gonzo"}, Details(positions=[
        PositionData(gone, "Chef", is_primary=True)]))
    trash_record(gone.record, alice.membership)
    found = rows(filter_people(alice.account))
    assert (found["Berg"].tags, found["Berg"].job) == (["Kunde", "Zoo"], ("Einkauf", "Acme"))
    assert found["Gonzo"].job is None


def test_a_company_row_shows_the_place_of_its_first_address(alice):
    actions.create_company(alice.membership, {"name": "Acme"}, Details(addresses=[
        AddressData(city="Berlin", country="DE"), AddressData(city="Wien", country="AT")]))
    actions.create_company(alice.membership, {"name": "Nowhere"}, Details(addresses=[
        AddressData(street="Hauptstr. 1"), AddressData(city="Wien")]))
    found = rows(filter_companies(alice.account))
    assert (found["Acme"].city, found["Acme"].country) == ("Berlin", "DE")
    assert found["Nowhere"].city == ""


def test_a_row_escapes_what_the_user_typed_and_its_tag_links_keep_the_filters():
    request = RequestFactory().get("/people/", {"tag": "Kunde", "page": "3"})
    person = Person(record_id=7, first_name="Ann<a>", last_name="O'Neil 100%")
    person.row = RowData(email="a&b@example.com", phone="+49 30 1234",  # type: ignore[attr-defined]
                         tags=["<Neu>", "Kunde"], job=("Chef & Gründer", "A<B"))
    company = Company(record_id=8, name="Kaffee & Co")
    company.row = RowData(city="Köln<", country="DE")  # type: ignore[attr-defined]  # as add_row_data sets it
    with translation.override("de"):
        html = contact_rows(request, [person, company])  # type: ignore[arg-type]  # a page of both kinds
    row, company_row = html.split('<li class="list-item contact-row">')[1:]
    assert ('<label class="bulk-pick"><input type="checkbox" name="ids" value="7" form="bulk-form" '
            'data-bulk-pick><span class="visually-hidden">Ann&lt;a&gt; O&#x27;Neil 100% auswählen'
            '</span></label>') in row
    assert '<a class="name" href="/people/7/">Ann&lt;a&gt; O&#x27;Neil 100%</a>' in row
    assert '<div class="row-sub small">Chef &amp; Gründer bei A&lt;B</div>' in row
    assert ('<div class="row-contact small"><a href="mailto:a%26b@example.com">a&amp;b@example.com</a>'
            '<a href="tel:+49301234">+49 30 1234</a></div>') in row
    assert ('<div class="tags row-tags"><a class="tag" href="?tag=Kunde&amp;tag=%3CNeu%3E">&lt;Neu&gt;</a>'
            '<a class="tag" href="?tag=Kunde">Kunde</a></div>') in row
    assert '<a class="name" href="/companies/8/">Kaffee &amp; Co</a>' in company_row
    assert '<div class="row-sub small">Köln&lt;, DE</div>' in company_row
    assert "row-contact" not in company_row and "row-tags" not in company_row
    assert "avatar-company" in company_row


def test_a_job_without_a_title_shows_the_company_alone():
    person = Person(record_id=7, last_name="Berg")
    person.row = RowData(job=("", "Müller & Söhne"))  # type: ignore[attr-defined]  # as add_row_data sets it
    assert '<div class="row-sub small">Müller &amp; Söhne</div>' in contact_rows(RequestFactory().get("/people/"),
                                                                               [person])


def test_an_avatar_shows_the_photo_or_the_initials_without_academic_titles():
    photo = Person(record_id=7, last_name="Berg", photo="photos/a1b2c3.jpg")
    url = reverse("people:photo", args=[7])
    assert avatar(photo) == (f'<span class="avatar" aria-hidden="true"><img src="{url}?v=a1b2c3" alt="" '
                             'loading="lazy" width="40" height="40"></span>')
    large = avatar(photo, "large")
    assert 'width="72" height="72"' in large and 'class="avatar avatar-large"' in large
    assert avatar(Person(record_id=8, first_name="Dr. Jürgen", last_name="ölmann")) == \
        '<span class="avatar" aria-hidden="true">JÖ</span>'
    assert avatar(Company(record_id=9, name="Kaffee & Co")) == \
        '<span class="avatar avatar-company" aria-hidden="true">K&amp;</span>'
