"""What a row of the people and companies lists shows: read for a page at once (add_row_data) and
rendered by the row tags."""

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from kontor.contacts import actions
from kontor.contacts.actions import AddressData, DetailData, Details, PositionData
from kontor.contacts.queries import RowData, add_row_data, filter_companies, filter_people, page_of, with_row_data
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


def test_the_row_tags_link_escaped_values_and_keep_the_filters():
    request = RequestFactory().get("/people/", {"tag": "Kunde", "page": "3"})
    row = RowData(email="a&b@example.com", phone="+49 30 1234", tags=["<Neu>", "Kunde"], job=("Chef & Gründer", "A<B"))
    template = Template("{% load contact_lists %}{% job_at row.job %}|{% row_contact row %}|{% row_tags row.tags %}")
    with translation.override("de"):
        html = template.render(Context({"request": request, "row": row}))
    job, contact, tags = html.split("|")
    assert job == "Chef &amp; Gründer bei A&lt;B"
    assert contact == ('<div class="row-contact small"><a href="mailto:a%26b@example.com">a&amp;b@example.com</a>'
                       '<a href="tel:+49301234">+49 30 1234</a></div>')
    assert tags == ('<div class="tags row-tags"><a class="tag" href="?tag=Kunde&amp;tag=%3CNeu%3E">&lt;Neu&gt;</a>'
                    '<a class="tag" href="?tag=Kunde">Kunde</a></div>')
    assert Template("{% load contact_lists %}{% row_contact row %}{% row_tags row.tags %}").render(
        Context({"request": request, "row": RowData()})) == ""
