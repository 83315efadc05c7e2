"""A list's side column counts the tags of the filtered records, as faceted search does: the list
comes first, a loader in it fetches the filtered counts (`tagcounts=1`) for htmx to swap in."""

from __future__ import annotations

import html as html_lib
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.contacts import actions as contact_actions
from kontor.projects import actions as project_actions


def _side_counts(html: str) -> dict[str, str]:
    rows = re.findall(r'class="tagfilter-name">([^<]+)</span></label><span class="count[^"]*" id="[^"]+">(\d+)<', html)
    return dict(rows)


def _loaded_counts(client, page: str) -> dict[str, str]:
    """What the side column shows once its loader has fetched the filtered counts: the loader's URL
    taken from the page, its answer's spans put in by id, as htmx does."""
    loader = re.search(r'<div hidden hx-get="([^"]+)" hx-trigger="load" hx-swap="none"', page)
    assert loader is not None, "the list carries no loader for its tag counts"
    url = html_lib.unescape(loader[1])
    answer = client.get(url, headers={"HX-Request": "true"}).content.decode()
    swapped = dict(re.findall(r'<span class="count[^"]*" id="(tagcount-\w+)" hx-swap-oob="true">(\d+)</span>', answer))
    names = dict(re.findall(r'class="tagfilter-name">([^<]+)</span></label><span class="count[^"]*" id="([^"]+)">',
                            page))
    return {name: swapped[tag_id] for name, tag_id in names.items()}


def test_the_counts_follow_the_filter(alice, carol):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde", "VIP"])
    contact_actions.create_person(alice.membership, {"last_name": "Berger"}, tags=["Kunde"])
    contact_actions.create_person(alice.membership, {"last_name": "Adam"}, tags=["Lead"],
                                  responsible=carol.user)
    assert _side_counts(alice.client.get("/people/").content.decode()) == {"Kunde": "2", "Lead": "1", "VIP": "1"}
    filtered = alice.client.get("/people/", {"tag": "VIP"}).content.decode()
    assert _loaded_counts(alice.client, filtered) == {"Kunde": "1", "Lead": "0", "VIP": "1"}
    by_name = alice.client.get("/people/", {"q": "ad"}).content.decode()
    assert _loaded_counts(alice.client, by_name) == {"Kunde": "1", "Lead": "1", "VIP": "1"}


def test_a_filtered_list_is_shown_before_its_tags_are_counted(alice):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde", "VIP"])
    with CaptureQueriesContext(connection) as page_queries:
        page = alice.client.get("/people/", {"tag": "VIP", "page": "1"}).content.decode()
    assert not any("GROUP BY" in q["sql"] and "records_recordtag" in q["sql"] and "COUNT" in q["sql"]
                   and "HAVING" not in q["sql"] for q in page_queries.captured_queries)
    assert 'class="count is-zero" id="tagcount-' in page and "tagcounts=1" in page
    loader = re.search(r'hx-get="([^"]*tagcounts=1[^"]*)"', page)
    assert loader is not None and "page=1" not in loader[1]
    unfiltered = alice.client.get("/people/").content.decode()
    assert "tagcounts=1" not in unfiltered and _side_counts(unfiltered) == {"Kunde": "1", "VIP": "1"}


def test_the_counts_answer_is_the_account_s_own(alice, oscar):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde"])
    contact_actions.create_person(oscar.membership, {"last_name": "Adler"}, tags=["Kunde", "Geheim"])
    answer = oscar.client.get("/people/", {"q": "adler", "tagcounts": "1"}).content.decode()
    assert len(re.findall(r'hx-swap-oob="true">1</span>', answer)) == 2
    answer = alice.client.get("/people/", {"q": "adler", "tagcounts": "1"}).content.decode()
    assert re.findall(r'hx-swap-oob="true">(\d+)</span>', answer) == ["1"]


def test_an_htmx_answer_swaps_the_new_counts_into_the_side_column(alice):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde", "VIP"])
    contact_actions.create_person(alice.membership, {"last_name": "Berger"}, tags=["Kunde"])
    htmx = {"HX-Request": "true", "HX-Target": "results"}
    filtered = alice.client.get("/people/", {"q": "berger"}, headers=htmx).content.decode()
    assert "hx-swap-oob" not in filtered
    page = alice.client.get("/people/").content.decode()
    assert _loaded_counts(alice.client, filtered.replace("<div hidden", page + "<div hidden", 1)) == {
        "Kunde": "1", "VIP": "0"}
    unfiltered = alice.client.get("/people/", headers=htmx).content.decode()
    assert "hx-swap-oob" not in unfiltered
    assert _loaded_counts(alice.client, unfiltered.replace("<div hidden", page + "<div hidden", 1)) == {
        "Kunde": "2", "VIP": "1"}


def test_a_full_page_carries_no_out_of_band_counts(alice):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde"])
    assert "hx-swap-oob" not in alice.client.get("/people/", {"q": "adl"}).content.decode()


def test_the_projects_list_counts_the_filtered_projects(alice):
    project_actions.create_project(alice.membership, {"name": "Relaunch"}, tags=["Web"])
    project_actions.create_project(alice.membership, {"name": "Umzug"}, tags=["Web", "Intern"])
    page = alice.client.get("/projects/", {"q": "umzug"}).content.decode()
    assert _loaded_counts(alice.client, page) == {"Intern": "1", "Web": "1"}


def test_the_deals_list_and_board_count_the_filtered_deals(alice):
    from kontor.deals import actions as deal_actions

    deal_actions.create_deal(alice.membership, {"name": "Relaunch"}, tags=["Web"])
    deal_actions.create_deal(alice.membership, {"name": "Wartung"}, tags=["Service", "Web"])
    for url in ("/deals/", "/deals/board/"):
        page = alice.client.get(url, {"q": "wartung"}).content.decode()
        assert _loaded_counts(alice.client, page) == {"Service": "1", "Web": "1"}, url
