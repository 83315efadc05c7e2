"""Job titles and departments are searchable: "Einkaufsleiter" finds the person who holds the
job, in the quick search and the results, and the index follows when the job changes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.search import queries
from kontor.search.models import Document, DocumentKind

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def buyer(alice):  # noqa: ANN201 - a Person
    company = contact_actions.create_company(alice.membership, {"name": "Schraubenwerk Süd AG"})
    return contact_actions.create_person(
        alice.membership, {"first_name": "Jürgen", "last_name": "Krause", "title": "Dr."},
        details=Details(positions=[PositionData(company, "Einkaufsleiter", "Beschaffung & Logistik")]))


def _suggested(persona, text: str) -> list[str]:
    return [document.title for document in queries.suggest(persona.membership, text)]


def test_a_job_title_finds_the_person_in_the_quick_search(alice, buyer):
    assert _suggested(alice, "Einkaufsleiter") == ["Dr. Jürgen Krause"]
    assert _suggested(alice, "einkaufsleit") == ["Dr. Jürgen Krause"]


def test_a_department_finds_the_person_whatever_its_umlauts(alice, buyer):
    assert _suggested(alice, "logistik") == ["Dr. Jürgen Krause"]
    assert [d.title for d in queries.search(alice.membership, "Beschaffung").documents] == ["Dr. Jürgen Krause"]


def test_the_suggestion_shows_the_job_that_matched(alice, buyer):
    html = alice.client.get(reverse("search_suggest"), {"q": "Einkaufsleiter"}, **HTMX).content.decode()

    assert "Dr. Jürgen Krause" in html
    assert "· <mark>Einkaufsleiter</mark>, Beschaffung &amp; Logistik</span>" in html


def test_the_suggestion_shows_the_line_that_matched_not_the_text_before_it(alice, buyer):
    contact_actions.update_person(buyer, alice.membership, {}, details=Details(
        contact=[DetailData("email", "juergen.krause@schraubenwerk.example"), DetailData("phone", "0711 123 456")],
        positions=[PositionData(buyer.positions.get().company, "Einkaufsleiter")]))

    by_phone = queries.suggest(alice.membership, "0711 123")[0]
    by_job = queries.suggest(alice.membership, "Einkaufsleiter")[0]

    assert by_phone.snippet == "<mark>0711 123</mark> 456"
    assert by_job.snippet == "<mark>Einkaufsleiter</mark>"


def test_a_changed_job_is_found_and_the_old_one_no_longer(alice, buyer):
    company = buyer.positions.get().company
    contact_actions.update_person(buyer, alice.membership, {},
                                  details=Details(positions=[PositionData(company, "Geschäftsführer")]))

    assert _suggested(alice, "geschaftsfuhrer") == ["Dr. Jürgen Krause"]
    assert _suggested(alice, "Einkaufsleiter") == []


def test_a_former_job_does_not_find_the_person(alice, buyer):
    company = buyer.positions.get().company
    contact_actions.update_person(buyer, alice.membership, {}, details=Details(
        positions=[PositionData(company, "Einkaufsleiter", is_former=True)]))

    assert _suggested(alice, "Einkaufsleiter") == []


def test_the_outsider_finds_nobody_by_alices_job_titles(oscar, buyer):
    assert _suggested(oscar, "Einkaufsleiter") == []


def test_the_quick_search_by_job_title_costs_a_fixed_number_of_queries(alice, buyer,
                                                                      django_assert_max_num_queries):
    for number in range(10):
        contact_actions.create_person(alice.membership, {"last_name": f"Kaufmann {number}"}, details=Details(
            positions=[PositionData(buyer.positions.get().company, "Einkaufsleiter")]))

    with django_assert_max_num_queries(8):
        alice.client.get(reverse("search_suggest"), {"q": "Einkaufsleiter"}, **HTMX)


def test_documents_written_before_job_titles_were_indexed_get_them(alice, buyer):
    document = Document.objects.get(kind=DocumentKind.PERSON, object_id=buyer.pk)
    Document.objects.filter(pk=document.pk).update(text="", folded_text="")  # as written before
    assert _suggested(alice, "Einkaufsleiter") == []

    migration = importlib.import_module("kontor.search.migrations.0005_job_titles")
    migration.add_job_titles(apps, None)

    assert _suggested(alice, "Einkaufsleiter") == ["Dr. Jürgen Krause"]


def test_the_results_show_no_entry_date_beside_a_person(alice, buyer):
    page = alice.client.get(reverse("search"), {"q": "Einkaufsleiter"}).content.decode()
    hit = page.split('data-kind="person"', 1)[1].split("</li>", 1)[0]

    assert "Dr. Jürgen Krause" in hit
    assert "<time" not in hit


def test_a_renamed_person_is_found_by_the_new_name_and_still_by_the_job(alice, buyer):
    contact_actions.update_person(buyer, alice.membership, {"last_name": "Krause-Weiß"})

    assert _suggested(alice, "krause-weiss") == ["Dr. Jürgen Krause-Weiß"]
    assert _suggested(alice, "Einkaufsleiter") == ["Dr. Jürgen Krause-Weiß"]
    assert Document.objects.get(kind=DocumentKind.PERSON, object_id=buyer.pk).text.startswith("Einkaufsleiter")


def test_a_changed_background_is_searched_after_a_rename_in_the_same_save(alice, buyer):
    contact_actions.update_person(buyer, alice.membership, {"last_name": "Krause", "background": "Segelt gern"})

    assert _suggested(alice, "segelt") == ["Dr. Jürgen Krause"]


def test_a_renamed_company_without_a_document_gets_its_whole_one(alice):
    company = contact_actions.create_company(alice.membership, {"name": "Schraubenwerk", "background": "Muttern"})
    Document.objects.filter(kind=DocumentKind.COMPANY, object_id=company.pk).delete()

    contact_actions.update_company(company, alice.membership, {"name": "Schraubenwerk Nord"})

    document = Document.objects.get(kind=DocumentKind.COMPANY, object_id=company.pk)
    assert (document.title, document.text) == ("Schraubenwerk Nord", "Muttern")
