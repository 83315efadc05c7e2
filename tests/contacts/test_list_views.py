import pytest
from django.http import QueryDict
from django.urls import reverse

from kontor.contacts import actions
from kontor.contacts.actions import DetailData, Details, PositionData
from kontor.contacts.queries import PER_PAGE, filter_companies, filter_people
from kontor.records import actions as record_actions


def names(response) -> list[str]:
    return [obj.full_name for obj in response.context["page"].items]


@pytest.fixture
def team(alice, bob):
    """A small address book: tags, two responsible colleagues, one company."""
    make = actions.create_person
    acme = actions.create_company(alice.membership, {"name": "Acme GmbH"}, tags=["Kunde"])
    people = {
        "anna": make(alice.membership, {"first_name": "Anna", "last_name": "Schmidt"},
                     tags=["Kunde", "Berlin"], details=Details(positions=[PositionData(acme, "Einkauf")])),
        "bernd": make(alice.membership, {"first_name": "Bernd", "last_name": "Schmidt"}, tags=["Kunde"],
                      responsible=bob.user),
        "clara": make(alice.membership, {"first_name": "Clara", "last_name": "Albers"},
                      tags=["kunde", "berlin"], responsible=bob.user),
        "dora": make(alice.membership, {"first_name": "Dora", "last_name": "Zimmer"}, tags=["Berlin"]),
    }
    return acme, people


def test_people_list_shows_everyone_sorted_by_name(alice, team):
    response = alice.client.get(reverse("people:list"))
    assert response.status_code == 200
    assert names(response) == ["Clara Albers", "Anna Schmidt", "Bernd Schmidt", "Dora Zimmer"]
    assert b"Einkauf at Acme GmbH" in response.content


def test_ticking_two_tags_shows_only_people_carrying_both(alice, team):
    response = alice.client.get(reverse("people:list"), {"tag": ["Kunde", "BERLIN"]})
    assert names(response) == ["Clara Albers", "Anna Schmidt"]
    assert b'value="Kunde" checked' in response.content


def test_tags_combine_with_the_text_filter(alice, team):
    response = alice.client.get(reverse("people:list"), {"tag": ["Kunde", "Berlin"], "q": "schmi"})
    assert names(response) == ["Anna Schmidt"]


def test_the_text_filter_matches_every_word_in_first_or_last_name(alice, team):
    response = alice.client.get(reverse("people:list"), {"q": "bernd schmidt"})
    assert names(response) == ["Bernd Schmidt"]


def test_an_unknown_tag_matches_nobody_and_says_so(alice, team):
    response = alice.client.get(reverse("people:list"), {"tag": ["Kunde", "Nonexistent"]})
    assert names(response) == []
    assert b"Nobody matches these filters" in response.content


def test_the_responsible_filter_takes_a_colleague_or_me(alice, bob, team):
    response = alice.client.get(reverse("people:list"), {"responsible": bob.user.pk})
    assert names(response) == ["Clara Albers", "Bernd Schmidt"]
    response = bob.client.get(reverse("people:list"), {"responsible": "me"})
    assert names(response) == ["Clara Albers", "Bernd Schmidt"]


def test_sorting_by_recently_changed_puts_the_last_edit_first(alice, team):
    _acme, people = team
    actions.update_person(people["bernd"], alice.membership, {"title": "Dr."})
    response = alice.client.get(reverse("people:list"), {"order": "-updated_at"})
    assert names(response)[0] == "Dr. Bernd Schmidt"


def test_the_side_column_shows_tag_counts(alice, team):
    response = alice.client.get(reverse("people:list"))
    counts = {tag["name"]: tag["count"] for tag in response.context["tag_filter"]}
    assert counts == {"Berlin": 3, "Kunde": 3}


def test_an_htmx_filter_request_gets_only_the_results(alice, team):
    response = alice.client.get(reverse("people:list"), {"q": "anna"}, headers={
        "HX-Request": "true", "HX-Target": "results"})
    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<div id="results"')
    assert b"Anna Schmidt" in response.content and b"Bernd" not in response.content


def test_people_in_the_trash_are_not_listed(alice, team):
    _acme, people = team
    record_actions.trash_record(people["dora"].record, alice.membership)
    assert "Dora Zimmer" not in names(alice.client.get(reverse("people:list")))


def test_the_company_filter_lists_who_works_there(alice, team):
    acme, _people = team
    response = alice.client.get(reverse("people:list"), {"company": acme.pk})
    assert names(response) == ["Anna Schmidt"]
    assert b"works at Acme GmbH" in response.content


def test_the_next_page_link_appears_only_when_there_are_more(alice):
    for number in range(PER_PAGE + 1):
        actions.create_person(alice.membership, {"last_name": f"Person {number:03d}"})
    first = alice.client.get(reverse("people:list"))
    assert len(first.context["page"].items) == PER_PAGE
    assert b'rel="next"' in first.content and b'rel="prev"' not in first.content
    second = alice.client.get(reverse("people:list"), {"page": 2})
    assert names(second) == [f"Person {PER_PAGE:03d}"]
    assert b'rel="next"' not in second.content and b'rel="prev"' in second.content


def test_a_new_account_sees_an_honest_empty_state(alice):
    response = alice.client.get(reverse("people:list"))
    assert b"No people yet" in response.content
    assert b'id="list-q"' not in response.content and b"tagfilter" not in response.content
    response = alice.client.get(reverse("companies:list"))
    assert b"No companies yet" in response.content


def test_the_people_list_needs_a_fixed_number_of_queries(alice, bob, django_assert_max_num_queries):
    companies = [actions.create_company(alice.membership, {"name": f"Firma {n}"}) for n in range(3)]
    for number in range(30):
        actions.create_person(
            alice.membership, {"first_name": "Vorname", "last_name": f"Name {number}"},
            Details(contact=[DetailData("email", f"p{number}@example.com"), DetailData("phone", "030 1234")],
                    positions=[PositionData(companies[number % 3], "Einkauf")]),
            tags=["Kunde", f"Gruppe {number % 4}"], responsible=bob.user)
    # 1 of them for the custom fields of the side column, 1 for its tag counts under the filter,
    # 1 for its saved views
    with django_assert_max_num_queries(11):
        response = alice.client.get(reverse("people:list"), {"tag": ["Kunde"]})
    assert len(response.context["page"].items) == 30
    assert b"p29@example.com" in response.content


def test_companies_list_filters_by_tags_and_name(alice, team):
    actions.create_company(alice.membership, {"name": "Acme Berlin AG"}, tags=["Kunde", "Berlin"])
    response = alice.client.get(reverse("companies:list"), {"tag": ["kunde", "berlin"]})
    assert names(response) == ["Acme Berlin AG"]
    response = alice.client.get(reverse("companies:list"), {"q": "acme"})
    assert names(response) == ["Acme Berlin AG", "Acme GmbH"]


def test_the_companies_list_needs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    for number in range(30):
        actions.create_company(alice.membership, {"name": f"Firma {number}"},
                               Details(contact=[DetailData("email", f"c{number}@example.com")]),
                               tags=["Kunde"])
    # 1 of them for the custom fields of the side column, 1 for its saved views (with the default
    # view the list would open with)
    with django_assert_max_num_queries(10):
        response = alice.client.get(reverse("companies:list"))
    assert len(response.context["page"].items) == 30


def test_filters_never_reach_into_another_account(alice, oscar, team):
    actions.create_person(oscar.membership, {"last_name": "Schmidt"}, tags=["Kunde", "Berlin"])
    assert [p.last_name for p in filter_people(oscar.account, tags=["Kunde", "Berlin"])] == ["Schmidt"]
    assert filter_people(oscar.account, q="anna").count() == 0
    assert filter_companies(oscar.account).count() == 0
    response = oscar.client.get(reverse("people:list"), {"tag": ["Kunde"]})
    assert names(response) == ["Schmidt"]


def test_anonymous_visitors_are_sent_to_login(client, alice):
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_first_page_a_list_opens_with_is_the_general_filter_s_first_page(alice, oscar):
    """The unfiltered first page is read by a query compiled once (contacts.queries.list_page); it
    must show what the general filter shows: the account's live records by name, 50 and whether
    more follow, not the trash, not another account's."""
    from kontor.contacts.queries import ListFilters, list_page, page_of, with_row_data

    for number in range(PER_PAGE + 3):
        actions.create_person(alice.membership, {"first_name": f"V{number}", "last_name": f"Name {number % 7}"})
        actions.create_company(alice.membership, {"name": f"Firma {number % 5} {number}"})
    actions.create_person(oscar.membership, {"last_name": "Aaron"})
    gone = actions.create_person(alice.membership, {"last_name": "Aachen"})
    record_actions.trash_record(gone.record, alice.membership)
    unfiltered = ListFilters.from_query({}, current_user_id=alice.user.pk)
    for kind, everyone in (("person", filter_people), ("company", filter_companies)):
        opened = list_page(alice.account, kind, unfiltered)
        general = page_of(with_row_data(everyone(alice.account)), 1)
        assert [row.pk for row in opened.items] == [row.pk for row in general.items]
        assert len(opened.items) == PER_PAGE and opened.has_next and general.has_next
    assert "Aachen" not in [person.last_name for person in list_page(alice.account, "person", unfiltered).items]
    response = alice.client.get(reverse("people:list"))
    assert names(response)[:2] == ["V0 Name 0", "V14 Name 0"]


@pytest.mark.parametrize("tags", [["Kunde"], ["kunde", "BERLIN"], ["Selten"], ["Selten", "Kunde"], ["Unbekannt"],
                                  ["Kunde", "Unbekannt"], [" "]])
def test_a_first_page_by_tags_alone_is_the_general_filter_s_first_page(alice, oscar, tags, monkeypatch):
    """Ticked tags alone read the first page by a query compiled once per plan (rarest tag read by its
    taggings or every tag probed, records.filters.tag_plan); it must show what the general filter shows."""
    from kontor.contacts.queries import ListFilters, list_page, page_of, with_row_data
    from kontor.records import filters as record_filters

    monkeypatch.setattr(record_filters, "RARE_TAG", 3)  # "Selten" is read by its taggings, the others probed
    for number in range(PER_PAGE + 8):
        tags_of_one = ["Kunde"] + (["Berlin"] if number % 2 else []) + (["Selten"] if number % 20 == 0 else [])
        actions.create_person(alice.membership, {"first_name": f"V{number}", "last_name": f"Name {number % 9}"},
                              tags=tags_of_one)
        actions.create_company(alice.membership, {"name": f"Firma {number}"}, tags=tags_of_one)
    actions.create_person(oscar.membership, {"last_name": "Aaron"}, tags=["Kunde", "Berlin", "Selten"])
    gone = actions.create_person(alice.membership, {"last_name": "Aachen"}, tags=["Kunde", "Berlin", "Selten"])
    record_actions.trash_record(gone.record, alice.membership)
    query = QueryDict(mutable=True)
    query.setlist("tag", tags)
    chosen = ListFilters.from_query(query, current_user_id=alice.user.pk)
    for kind, everyone in (("person", filter_people), ("company", filter_companies)):
        opened = list_page(alice.account, kind, chosen)
        general = page_of(with_row_data(everyone(alice.account, tags=tags)), 1)
        assert [row.pk for row in opened.items] == [row.pk for row in general.items]
        assert opened.has_next == general.has_next
    expected = {"Selten": 3, "Unbekannt": 0, "Kunde": PER_PAGE}
    if len(tags) == 1 and tags[0] in expected:
        assert len(list_page(alice.account, "person", chosen).items) == expected[tags[0]]
