"""The quick search field (htmx dropdown, keyboard markup), the results page and the API."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

import kontor
from kontor.accounts import actions as account_actions
from kontor.history import actions as history_actions

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_every_page_has_the_quick_search_field_wired_to_the_suggestions(alice):
    html = alice.client.get(reverse("start")).content.decode()
    assert f'hx-get="{reverse("search_suggest")}"' in html
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'role="combobox"' in html and 'aria-controls="quicksearch-results"' in html
    assert 'id="quicksearch-results"' in html
    assert f'action="{reverse("search")}"' in html  # without JS, Enter submits to the results page


def test_the_keyboard_handling_is_served(alice):
    script = (Path(kontor.__file__).parent / "static" / "kontor" / "app.js").read_text()
    for needle in ('"ArrowDown"', '"ArrowUp"', '"Enter"', '"Escape"', "aria-activedescendant", "data-suggestion"):
        assert needle in script


def test_suggestions_are_an_htmx_fragment_with_links_and_a_way_to_everything(alice, book):
    response = alice.client.get(reverse("search_suggest"), {"q": "mül"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'role="listbox"' in html and html.count('role="option"') == 3  # two people and "search everything"
    assert f'href="{book.hans.get_absolute_url()}"' in html
    assert f'href="{reverse("search")}?q=m%C3%BCl"' in html


def test_suggestions_say_when_no_name_matches(alice, book):
    html = alice.client.get(reverse("search_suggest"), {"q": "verläng"}, **HTMX).content.decode()
    assert "No names match" in html and "Search everything for “verläng”" in html


def test_an_empty_query_gives_an_empty_dropdown(alice):
    response = alice.client.get(reverse("search_suggest"), {"q": "  "}, **HTMX)
    assert response.content.decode().strip() == ""


def test_suggestions_without_htmx_go_to_the_results_page(alice):
    response = alice.client.get(reverse("search_suggest"), {"q": "müller"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('search')}?q=m%C3%BCller"


def test_the_results_page_groups_by_kind_with_highlighted_snippets_and_record_links(alice, book):
    html = alice.client.get(reverse("search"), {"q": "hans"}).content.decode()
    assert ">People</h2>" in html
    html = alice.client.get(reverse("search"), {"q": "verlaeng"}).content.decode()
    assert ">Notes</h2>" in html
    assert "<mark>verläng</mark>" in html
    assert f'href="{book.hans.get_absolute_url()}#entry-{book.note.pk}"' in html
    assert "on Hans Müller" in html


def test_the_results_page_escapes_what_people_typed(alice, book):
    history_actions.add_note(alice.membership, [book.hans.record], '<img src=x onerror="alert(1)"> Zielwort')
    html = alice.client.get(reverse("search"), {"q": "zielwort"}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_the_results_page_pages_through_many_hits(alice, book, django_assert_max_num_queries):
    for number in range(25):
        history_actions.add_note(alice.membership, [book.hans.record], f"Wartungstermin Nummer {number}")
    with django_assert_max_num_queries(8):
        first = alice.client.get(reverse("search"), {"q": "wartungstermin"}).content.decode()
    assert first.count('class="list-item search-hit"') == 20
    assert 'rel="next"' in first and "page=2" in first
    second = alice.client.get(reverse("search"), {"q": "wartungstermin", "page": 2}).content.decode()
    assert second.count('class="list-item search-hit"') == 5
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_quick_search_needs_a_fixed_number_of_queries(alice, book, django_assert_max_num_queries):
    from kontor.contacts import actions as contact_actions

    for number in range(20):
        contact_actions.create_person(alice.membership, {"last_name": f"Müller {number}"})
    with django_assert_max_num_queries(7):
        alice.client.get(reverse("search_suggest"), {"q": "müller"}, **HTMX)


def test_the_results_page_filters_by_kind(alice, book):
    html = alice.client.get(reverse("search"), {"q": "müller", "kind": "person"}).content.decode()
    assert 'aria-current="page">People</a>' in html
    assert ">Notes</h2>" not in html


def test_the_results_page_without_a_query_invites_to_type(alice):
    html = alice.client.get(reverse("search")).content.decode()
    assert "What are you looking for?" in html


def test_nothing_found_says_so(alice, book):
    html = alice.client.get(reverse("search"), {"q": "Zander"}).content.decode()
    assert "Nothing found for “Zander”" in html
    html = alice.client.get(reverse("search"), {"q": "qx"}).content.decode()
    assert "Type a third letter" in html


def test_a_member_does_not_see_confidential_notes_on_the_page(carol, bob, book):
    assert "Übernahme" not in carol.client.get(reverse("search"), {"q": "übernahme"}).content.decode()
    assert "Übernahme" in bob.client.get(reverse("search"), {"q": "übernahme"}).content.decode()


def test_the_outsider_page_shows_nothing_of_alices(oscar, book):
    html = oscar.client.get(reverse("search"), {"q": "verläng"}).content.decode()
    assert "Vertragsverlängerung besprochen" not in html
    assert "beim Outsider" in html


def test_a_bad_page_number_is_the_first_page(alice, book):
    assert alice.client.get(reverse("search"), {"q": "müller", "page": "x"}).status_code == 200
    assert alice.client.get(reverse("search"), {"q": "müller", "page": "-3"}).status_code == 200


# API


def _api(persona):
    _key, secret = account_actions.create_api_key(persona.membership, "search test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_answers_in_the_shape_of_the_other_lists(alice, book, client):
    response = client.get("/api/v1/search", {"q": "verläng"}, **_api(alice))
    assert response.status_code == 200
    assert response.json() == {"items": [{
        "kind": "note", "id": book.note.pk, "title": "Vertragsverlängerung besprochen, Angebot folgt.",
        "snippet": "Vertragsverlängerung besprochen, Angebot folgt.",
        "record": {"kind": "person", "id": book.hans.pk}}], "page": 1, "per_page": 25, "has_next": False}


def test_the_api_filters_by_repeated_kinds_and_pages(alice, book, client):
    headers = _api(alice)
    body = client.get("/api/v1/search?q=m%C3%BCller&kind=person&kind=company", **headers).json()
    assert {item["kind"] for item in body["items"]} == {"person"}
    body = client.get("/api/v1/search", {"q": "müller", "kind": "person", "per_page": 1}, **headers).json()
    assert len(body["items"]) == 1 and body["has_next"] is True
    assert client.get("/api/v1/search", {"q": "müller", "page": 5000}, **headers).json()["items"] == []


def test_the_api_refuses_an_unknown_kind_and_a_missing_query(alice, client):
    headers = _api(alice)
    assert client.get("/api/v1/search", {"q": "x", "kind": "cat"}, **headers).status_code == 422
    assert client.get("/api/v1/search", **headers).status_code == 422


def test_the_api_keeps_confidential_notes_and_other_accounts_out(carol, oscar, bob, book, client):
    assert client.get("/api/v1/search", {"q": "übernahme"}, **_api(carol)).json()["items"] == []
    assert len(client.get("/api/v1/search", {"q": "übernahme"}, **_api(bob)).json()["items"]) == 1
    items = client.get("/api/v1/search", {"q": "müller"}, **_api(oscar)).json()["items"]
    assert [item["title"] for item in items] == ["Hanna Müller"]
