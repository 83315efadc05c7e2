"""A list's side column counts the tags of the filtered records, as faceted search does."""

from __future__ import annotations

import re

from kontor.contacts import actions as contact_actions
from kontor.projects import actions as project_actions


def _side_counts(html: str) -> dict[str, str]:
    rows = re.findall(r'class="tagfilter-name">([^<]+)</span></label><span class="count[^"]*" id="[^"]+">(\d+)<', html)
    return dict(rows)


def test_the_counts_follow_the_filter(alice, carol):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde", "VIP"])
    contact_actions.create_person(alice.membership, {"last_name": "Berger"}, tags=["Kunde"])
    contact_actions.create_person(alice.membership, {"last_name": "Adam"}, tags=["Lead"],
                                  responsible=carol.user)
    assert _side_counts(alice.client.get("/people/").content.decode()) == {"Kunde": "2", "Lead": "1", "VIP": "1"}
    filtered = alice.client.get("/people/", {"tag": "VIP"}).content.decode()
    assert _side_counts(filtered) == {"Kunde": "1", "Lead": "0", "VIP": "1"}
    by_name = alice.client.get("/people/", {"q": "ad"}).content.decode()
    assert _side_counts(by_name) == {"Kunde": "1", "Lead": "1", "VIP": "1"}


def test_an_htmx_answer_swaps_the_new_counts_into_the_side_column(alice):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde", "VIP"])
    contact_actions.create_person(alice.membership, {"last_name": "Berger"}, tags=["Kunde"])
    html = alice.client.get("/people/", {"q": "berger"}, headers={"HX-Request": "true", "HX-Target": "results"})
    oob = re.findall(r'<span class="count[^"]*" id="(tagcount-\w+)" hx-swap-oob="true">(\d+)</span>',
                     html.content.decode())
    assert sorted(count for _id, count in oob) == ["0", "1"]
    page = alice.client.get("/people/").content.decode()
    assert {tag_id for tag_id, _count in oob} <= set(re.findall(r'id="(tagcount-\w+)"', page))


def test_a_full_page_carries_no_out_of_band_counts(alice):
    contact_actions.create_person(alice.membership, {"last_name": "Adler"}, tags=["Kunde"])
    assert "hx-swap-oob" not in alice.client.get("/people/", {"q": "adl"}).content.decode()


def test_the_projects_list_counts_the_filtered_projects(alice):
    project_actions.create_project(alice.membership, {"name": "Relaunch"}, tags=["Web"])
    project_actions.create_project(alice.membership, {"name": "Umzug"}, tags=["Web", "Intern"])
    assert _side_counts(alice.client.get("/projects/", {"q": "umzug"}).content.decode()) == {"Intern": "1", "Web": "1"}
