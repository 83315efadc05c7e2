"""The one list-filter module: reading filters from the query string, and custom-field filters on
the people, company, deal and project lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.contacts.queries import ListFilters, filter_people
from kontor.deals import actions as deal_actions
from kontor.deals.queries import DealFilters
from kontor.projects import actions as project_actions
from kontor.projects.queries import ProjectFilters
from kontor.records.custom_fields import create_custom_field, set_custom_values
from kontor.records.filters import CustomFilter, custom_filters
from kontor.records.models import FieldType, Kind


@pytest.fixture
def people(alice):
    """Three people with a customer number, a size, a customer-since date, a level and a VIP flag."""
    by = alice.membership
    fields = {
        "number": create_custom_field(by, Kind.PERSON, "Kundennummer", FieldType.TEXT),
        "size": create_custom_field(by, Kind.PERSON, "Größe", FieldType.NUMBER),
        "since": create_custom_field(by, Kind.PERSON, "Kunde seit", FieldType.DATE),
        "level": create_custom_field(by, Kind.PERSON, "Stufe", FieldType.SELECT, options=["Gold", "Silber", "Bronze"]),
        "vip": create_custom_field(by, Kind.PERSON, "VIP", FieldType.BOOLEAN),
    }
    rows = [("Adler", "K-4711", "182.5", dt.date(2019, 1, 1), "Gold", True, ["Kunde"]),
            ("Berger", "K-4712", "170", dt.date(2021, 6, 1), "Silber", False, ["Kunde"]),
            ("Clausen", "X-1", "190", dt.date(2023, 3, 1), "Bronze", None, [])]
    for name, number, size, since, level, vip, tags in rows:
        person = contact_actions.create_person(by, {"last_name": name}, tags=tags)
        set_custom_values(person.record, by, {fields["number"]: number, fields["size"]: Decimal(size),
                                              fields["since"]: since, fields["level"]: level, fields["vip"]: vip})
    return fields


def names(account, query: str) -> list[str]:
    filters = ListFilters.from_query(QueryDict(query))
    return [p.last_name for p in filters.apply(account, Kind.PERSON)]


def test_custom_conditions_are_read_from_the_query_string_and_blanks_are_left_out():
    query = QueryDict("custom.stufe=Gold&custom.stufe=Silber&custom.groesse.gt=10&custom.x.bogus=1"
                      "&custom.kundennummer.contains=&tag=Kunde")
    assert custom_filters(query) == [CustomFilter("stufe", "eq", ("Gold", "Silber")),
                                     CustomFilter("groesse", "gt", ("10",))]


def test_the_kinds_share_the_parsing_and_add_their_own_fields():
    query = QueryDict("tag=A&q=%20x%20&responsible=me&page=3&custom.quelle=Messe&state=won&status=open"
                      "&target_from=2025-02-01&target_to=2025-01-01&date_from=bad")
    deals = DealFilters.from_query(query, current_user_id=5)
    projects = ProjectFilters.from_query(query, current_user_id=5)
    for filters in (deals, projects):
        assert (filters.tags, filters.q, filters.responsible_id, filters.page) == (["A"], "x", 5, 3)
        assert filters.custom == [CustomFilter("quelle", "eq", ("Messe",))] and filters.is_filtered
    assert (deals.state, deals.target_from, deals.target_to) == ("won", dt.date(2025, 1, 1), dt.date(2025, 2, 1))
    assert (projects.status, projects.date_from, deals.order, projects.order) == ("open", None, "target_date", "name")


def test_text_contains_and_equals(alice, people):
    assert names(alice.account, "custom.kundennummer.contains=471") == ["Adler", "Berger"]
    assert names(alice.account, "custom.kundennummer=k-4711") == ["Adler"]


def test_select_is_one_of(alice, people):
    assert names(alice.account, "custom.stufe=gold&custom.stufe=Bronze") == ["Adler", "Clausen"]


def test_numbers_and_dates_compare(alice, people):
    assert names(alice.account, "custom.groesse.gt=171") == ["Adler", "Clausen"]
    assert names(alice.account, "custom.groesse.gt=171&custom.groesse.lt=185") == ["Adler"]
    assert names(alice.account, "custom.groesse=170") == ["Berger"]
    assert names(alice.account, "custom.kunde_seit.lt=2021-06-01") == ["Adler"]
    assert names(alice.account, "custom.kunde_seit=2021-06-01") == ["Berger"]
    assert names(alice.account, "custom.kunde_seit.gt=2021-06-01") == ["Clausen"]


def test_yes_no(alice, people):
    assert names(alice.account, "custom.vip=true") == ["Adler"]
    assert names(alice.account, "custom.vip=no") == ["Berger"]


def test_custom_filters_combine_with_tags_and_names(alice, people):
    assert names(alice.account, "tag=Kunde&custom.groesse.gt=175") == ["Adler"]
    assert names(alice.account, "q=ber&custom.stufe=Silber") == ["Berger"]


def test_a_value_that_does_not_fit_matches_nothing_and_an_unknown_key_filters_nothing(alice, people):
    assert names(alice.account, "custom.groesse.gt=gross") == []
    assert names(alice.account, "custom.vip.contains=j") == []
    assert names(alice.account, "custom.unbekannt=1") == ["Adler", "Berger", "Clausen"]


def test_another_accounts_keys_filter_nothing(alice, oscar, people):
    contact_actions.create_person(oscar.membership, {"last_name": "Ort"})
    assert names(oscar.account, "custom.kundennummer=K-4711") == ["Ort"]


def test_the_people_page_filters_and_shows_a_chosen_column(alice, people):
    response = alice.client.get(reverse("people:list"), {"custom.stufe": "Gold", "column": "kundennummer"})
    html = response.content.decode()
    assert [p.last_name for p in response.context["page"].items] == ["Adler"]
    assert "Kundennummer:</span> K-4711" in html
    assert 'name="custom.groesse.gt"' in html and '<option value="kundennummer" selected>' in html


def test_a_people_list_filtered_by_tag_and_custom_field_costs_a_fixed_number_of_queries(
        alice, people, django_assert_max_num_queries):
    for number in range(30):
        person = contact_actions.create_person(alice.membership, {"last_name": f"Name {number}"}, tags=["Kunde"])
        set_custom_values(person.record, alice.membership, {people["number"]: f"K-9{number:03d}"})
    query = {"tag": "Kunde", "custom.kundennummer.contains": "K-9", "column": "kundennummer"}
    # the page's 8, 1 for the column's field, 1 for the filter's fields, 1 for the rows' values,
    # 2 for the side column's tag counts under the filter (the counts, and the filter's fields again),
    # 1 for its saved views
    with django_assert_max_num_queries(14):
        response = alice.client.get(reverse("people:list"), query)
    assert response.content.decode().count('<span class="row-custom small"') == 30
    # the results, and the side column's tag counts swapped in beside them (the tags, their counts
    # under the filter, the filter's fields again)
    with django_assert_max_num_queries(10):
        response = alice.client.get(reverse("people:list"), query, headers={"HX-Request": "true",
                                                                            "HX-Target": "results"})
    assert response.content.decode().count('<span class="row-custom small"') == 30


def test_the_deals_page_and_its_chart_follow_custom_filters(alice):
    source = create_custom_field(alice.membership, Kind.DEAL, "Quelle", FieldType.SELECT, options=["Messe", "Web"])
    target = dt.date.today()
    for name, where in (("Messe-Deal", "Messe"), ("Web-Deal", "Web")):
        deal = deal_actions.create_deal(alice.membership, {"name": name, "value": 1000, "target_date": target},
                                        stage="won")
        set_custom_values(deal.record, alice.membership, {source: where})
    response = alice.client.get("/deals/", {"custom.quelle": "Messe"})
    assert [d.name for d in response.context["page"].items] == ["Messe-Deal"]
    assert response.context["chart"].forecast.won == Decimal("1000.00")


def test_the_projects_page_filters_by_custom_fields(alice):
    budget = create_custom_field(alice.membership, Kind.PROJECT, "Budget", FieldType.NUMBER)
    for name, amount in (("Klein", 10), ("Groß", 1000)):
        project = project_actions.create_project(alice.membership, {"name": name})
        set_custom_values(project.record, alice.membership, {budget: Decimal(amount)})
    response = alice.client.get("/projects/", {"custom.budget.gt": "100"})
    assert [p.name for p in response.context["page"].items] == ["Groß"]


def test_filter_people_takes_conditions_directly(alice, people):
    found = filter_people(alice.account, custom=[CustomFilter("vip", "eq", ("true",))])
    assert [p.last_name for p in found] == ["Adler"]


@pytest.mark.parametrize("url", ["/people/", "/companies/", "/deals/", "/projects/", "/export/people/",
                                 "/search/", "/search/suggest/", "/api/v1/search"])
def test_a_nul_character_in_a_filter_or_search_finds_nothing_instead_of_failing(alice, url):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde"])
    query = {"q": "Ad\x00ler", "tag": "Kun\x00de", "custom.nummer": "\x00", "format": "csv"}
    if url.startswith("/api/"):
        key = account_actions.create_api_key(alice.membership, "script")[1]
        response = alice.client.get(url, query, headers={"Authorization": f"Bearer {key}"})
    else:
        response = alice.client.get(url, query, headers={"HX-Request": "true"} if "suggest" in url else {})
    assert response.status_code in {200, 422}, response.content[:300]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan named is SQLite's")
def test_the_people_list_sorted_by_name_walks_the_name_index(alice):
    """Sorted by name, the list reads the (account, sort_name, record) index in order and stops at
    a page: with the record table's account and kind in the query, SQLite once read every person
    and sorted them instead (110 ms at 100,000 people)."""
    contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    sql, params = filter_people(alice.account).select_related("record")[:26].query.sql_with_params()
    with connection.cursor() as cursor:
        # The planner's statistics of the 100,000-people benchmark (ANALYZE), so that it chooses
        # as it does there rather than as for a handful of test rows.
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl IN ('records_record', 'contacts_person')")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", [
            ("records_record", "record_trash", "125660 31415 31415"),
            ("records_record", "record_responsible", "125660 31415 10472 1746"),
            ("records_record", "record_recent", "125660 31415 10472 1"),
            ("records_record", "records_record_account_id_f28f8771", "125660 31415"),
            ("records_record", "records_record_responsible_id_1f44ca25", "125660 5236"),
            ("contacts_person", "person_by_name_and_id", "103000 25750 13 1"),
            ("contacts_person", "person_by_match_name", "103000 25750 13"),
            ("contacts_person", "contacts_person_account_id_6d5c4a65", "103000 25750"),
            ("contacts_person", "sqlite_autoindex_contacts_person_1", "103000 1")])
        cursor.execute("ANALYZE sqlite_schema")
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "person_by_name_and_id" in plan and "TEMP B-TREE" not in plan, plan


def test_a_company_name_in_any_case_and_with_umlauts_picks_that_company_for_deals_and_projects(alice):
    firm = contact_actions.create_company(alice.membership, {"name": "Müller Bau GmbH"})
    contact_actions.create_company(alice.membership, {"name": "Müller Bau GmbH & Co. KG"})
    for filters in (DealFilters.from_query({"company_name": "MÜLLER BAU GMBH"}),
                    ProjectFilters.from_query({"company_name": "müller bau gmbh"})):
        assert filters.is_filtered
        assert filters.chosen_company(alice.account) == (firm.pk, "")
    assert DealFilters.from_query({"company_name": "müller"}).chosen_company(alice.account) == (None, "müller")
    assert ProjectFilters.from_query({"company": "7", "person": "3"}).chosen_company(alice.account) == (7, "")
