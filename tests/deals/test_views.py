"""The deal pages: overview with chart, deal page with state bar, form, delete."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import Details, PositionData
from kontor.deals import actions
from kontor.deals.models import Deal
from kontor.history.models import Entry
from kontor.records.actions import set_tags, trash_record


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Nordlicht GmbH"})


@pytest.fixture
def anna(alice, firm):
    return contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Berg"},
                                         Details(positions=[PositionData(firm, "CEO")]))


def _form(**changes):
    data = {"name": "Relaunch", "value": "1500.00", "value_type": "total", "value_count": "1", "currency": "EUR",
            "stage": "25", "target_date": "2027-03-01", "company_name": "", "responsible": "", "description": ""}
    data.update(changes)
    return data


# -- overview and chart -----------------------------------------------------------------------------

def test_the_overview_lists_deals_and_charts_the_expected_revenue(alice, make_deal):
    today = dt.date.today()
    make_deal("Relaunch", "10000.00", stage="75", target=today)
    response = alice.client.get("/deals/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Relaunch" in html
    assert 'data-testid="revenue-chart"' in html
    assert f'data-month="{today:%Y-%m}" data-won="0.00" data-open="7500.00" data-total="7500.00"' in html
    assert html.count('class="chart-column"') == 13
    assert "7,500.00" in html  # the table of figures


def test_the_chart_range_can_be_chosen(alice, make_deal):
    make_deal(stage="50", target=dt.date(2020, 5, 1))
    html = alice.client.get("/deals/", {"from": "2020-01", "to": "2020-12"}).content.decode()
    assert html.count('class="chart-column"') == 12
    assert 'data-month="2020-05" data-won="0.00" data-open="5000.00"' in html


def test_a_bad_or_too_long_range_is_corrected_with_a_message(alice):
    html = alice.client.get("/deals/", {"from": "Mai 2027"}).content.decode()
    assert "e.g. 2027-01" in html
    assert html.count('class="chart-column"') == 13
    html = alice.client.get("/deals/", {"from": "2000-01", "to": "2020-01"}).content.decode()
    assert "at most 60 months" in html
    assert html.count('class="chart-column"') == 60
    swapped = alice.client.get("/deals/", {"from": "2027-06", "to": "2027-01"}).content.decode()
    assert swapped.count('class="chart-column"') == 6


def test_the_chart_shows_one_currency_at_a_time(alice, make_deal):
    today = dt.date.today()
    make_deal("Franken", "1000.00", stage="50", target=today, currency="CHF")
    html = alice.client.get("/deals/").content.decode()
    assert f'data-month="{today:%Y-%m}" data-won="0.00" data-open="0.00"' in html
    assert '<option value="CHF">CHF</option>' in html
    html = alice.client.get("/deals/", {"currency": "CHF"}).content.decode()
    assert f'data-month="{today:%Y-%m}" data-won="0.00" data-open="500.00"' in html


def test_the_currency_menu_offers_the_account_s_own_and_every_currency_its_deals_are_in(alice, oscar, make_deal):
    make_deal("Franken", "1000.00", currency="CHF")
    make_deal("Dollar", "2000.00", currency="USD")
    make_deal("Noch mehr Franken", "500.00", currency="CHF")
    make_deal("Oscars Pfund", "700.00", currency="GBP", by=oscar)
    html = alice.client.get("/deals/").content.decode()
    menu = html[html.index('<select id="chart-currency"'):]
    menu = menu[:menu.index("</select>")]
    assert re.findall(r'<option value="(\w+)"', menu) == ["CHF", "EUR", "USD"]
    html = oscar.client.get("/deals/").content.decode()
    menu = html[html.index('<select id="chart-currency"'):]
    assert re.findall(r'<option value="(\w+)"', menu[:menu.index("</select>")]) == ["EUR", "GBP"]


def test_the_filters_narrow_list_and_chart_together(alice, bob, make_deal, firm):
    today = dt.date.today()
    tagged = make_deal("Messestand", "1000.00", stage="50", target=today)
    set_tags(tagged.record, ["Messe"])
    make_deal("Website", "3000.00", stage="50", target=today, by=bob)
    html = alice.client.get("/deals/", {"tag": "Messe"}).content.decode()
    assert "Messestand" in html and "Website" not in html
    assert 'data-open="500.00"' in html and 'data-open="2000.00"' not in html
    html = alice.client.get("/deals/", {"responsible": "me"}).content.decode()
    assert "Messestand" in html and "Website" not in html
    html = alice.client.get("/deals/", {"state": "lost"}).content.decode()
    assert "No deal matches these filters" in html


def test_the_company_filter_takes_a_picked_name_or_a_part_of_one(alice, make_deal, firm):
    deal = make_deal("Relaunch")
    actions.update_deal(deal, alice.membership, {}, company=firm)
    make_deal("Other")
    for params in ({"company_name": "Nordlicht GmbH"}, {"company_name": "nordl"}, {"company": firm.pk}):
        html = alice.client.get("/deals/", params).content.decode()
        assert "Relaunch" in html and "Other" not in html, params


def test_htmx_filtering_answers_with_chart_and_list_only(alice, make_deal):
    make_deal("Relaunch")
    response = alice.client.get("/deals/", {"q": "Rel"}, headers={"HX-Request": "true", "HX-Target": "results"})
    html = response.content.decode()
    assert "Relaunch" in html and 'data-testid="revenue-chart"' in html
    assert "<html" not in html and 'id="deal-q"' not in html


def test_the_overview_never_shows_another_accounts_deals(alice, oscar, make_deal):
    make_deal("Geheim", by=oscar)
    assert "Geheim" not in alice.client.get("/deals/").content.decode()


def test_the_overview_costs_a_fixed_number_of_queries(alice, bob, make_deal, firm, django_assert_max_num_queries):
    for number in range(30):
        deal = make_deal(f"Deal {number}", stage="50", target=dt.date.today())
        actions.update_deal(deal, alice.membership, {}, company=firm, tags=["Messe"], responsible=bob.user)
    alice.client.get("/deals/")
    # 2 of them for the side column's saved views and its tag counts under the filter
    with django_assert_max_num_queries(12):
        response = alice.client.get("/deals/", {"tag": "Messe", "company_name": "Nordlicht GmbH"})
    assert response.content.decode().count('data-testid="deal-row"') == 30


# -- the deal page and its state bar -----------------------------------------------------------------

def test_the_deal_page_shows_value_people_colleagues_and_the_state_bar(alice, bob, firm, anna):
    deal = actions.create_deal(alice.membership, {"name": "Consulting", "value": Decimal("95"),
                                                  "value_type": "hourly", "value_count": 40},
                               stage="50", company=firm, people=[anna], colleagues=[bob.user])
    html = alice.client.get(f"/deals/{deal.pk}/").content.decode()
    assert "€3,800.00" in html and "40 × €95.00 per hour" in html and "€1,900.00" in html
    assert "Anna Berg" in html and "Bob Berger" in html and "Nordlicht GmbH" in html
    assert 'value="50" class="state-step state-50 is-current"' in html
    assert 'aria-pressed="true"' in html


def test_the_deal_page_costs_a_fixed_number_of_queries(alice, bob, firm, anna, django_assert_max_num_queries):
    deal = actions.create_deal(alice.membership, {"name": "Consulting"}, stage="50", company=firm,
                               people=[anna], colleagues=[bob.user], tags=["Messe"])
    for number in range(10):
        actions.change_stage(deal, alice.membership, ["25", "75"][number % 2])
    # 4 for activity lines, comments, followers, colleagues; 1 for files; 1 for custom fields
    with django_assert_max_num_queries(16):
        response = alice.client.get(f"/deals/{deal.pk}/")
    assert response.status_code == 200


def test_one_click_on_the_state_bar_changes_the_state_and_writes_the_history(alice, make_deal):
    deal = make_deal(stage="25")
    response = alice.client.post(f"/deals/{deal.pk}/stage/", {"stage": "75"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.probability == 75
    response = alice.client.post(f"/deals/{deal.pk}/stage/", {"stage": "won"}, headers={"HX-Request": "true"},
                                 follow=True)
    html = response.content.decode()
    assert 'id="deal-page"' in html and "Create a project from this deal" in html
    assert "changed the state of" in html and "from 75 % to won." in html
    assert "Deal won" not in html  # one line, no note besides it
    deal.refresh_from_db()
    assert deal.is_won and deal.closed_at is not None


def test_a_member_may_change_the_state(carol, make_deal):
    deal = make_deal(by=carol)
    carol.client.post(f"/deals/{deal.pk}/stage/", {"stage": "lost"})
    deal.refresh_from_db()
    assert deal.is_lost


def test_a_made_up_state_changes_nothing(alice, make_deal):
    deal = make_deal(stage="25")
    response = alice.client.post(f"/deals/{deal.pk}/stage/", {"stage": "99"}, follow=True)
    assert response.status_code == 200
    assert "Please choose 0, 25, 50 or 75 %" in response.content.decode()
    deal.refresh_from_db()
    assert deal.probability == 25
    assert not Entry.objects.exists()


# -- creating and editing ----------------------------------------------------------------------------

def test_a_deal_started_on_a_company_page_has_the_company_filled_in(alice, firm, anna):
    html = alice.client.get(f"/deals/new/?company={firm.pk}").content.decode()
    assert 'value="Nordlicht GmbH"' in html
    assert "Anna Berg (Nordlicht GmbH)" in html  # offered as contact person


def test_a_deal_started_on_a_person_page_has_the_person_and_their_company_filled_in(alice, firm, anna):
    html = alice.client.get(f"/deals/new/?person={anna.pk}").content.decode()
    assert 'value="Nordlicht GmbH"' in html
    assert f'value="{anna.pk}"' in html and "checked" in html


def test_creating_a_deal_with_company_contact_person_and_tags(alice, bob, firm, anna):
    response = alice.client.post("/deals/new/", _form(company_id=firm.pk, company_name="Nordlicht GmbH",
                                                      people=[anna.pk], colleagues=[bob.user.pk],
                                                      tags="Messe, Web", responsible=bob.user.pk))
    deal = Deal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/deals/{deal.pk}/"
    assert (deal.company, list(deal.people.all()), list(deal.colleagues.all())) == (firm, [anna], [bob.user])
    assert deal.record.responsible == bob.user
    assert sorted(t.name for t in deal.record.tags.all()) == ["Messe", "Web"]
    assert deal.probability == 25 and deal.value == Decimal("1500.00")


def test_a_new_company_name_creates_the_company(alice):
    alice.client.post("/deals/new/", _form(company_name="Neue Firma AG"))
    company = Deal.objects.get().company
    assert company is not None and company.name == "Neue Firma AG"


@pytest.fixture
def juergen(alice):
    """A contact whose suggestion reads "Dr. Jürgen Mueller-Lüdenscheidt (Schraubenwerk Süd AG)"."""
    works = contact_actions.create_company(alice.membership, {"name": "Schraubenwerk Süd AG"})
    return contact_actions.create_person(
        alice.membership, {"title": "Dr.", "first_name": "Jürgen", "last_name": "Mueller-Lüdenscheidt"},
        Details(positions=[PositionData(works, "Einkaufsleiter")]))


def test_a_contact_with_a_title_is_found_and_picked_by_id(alice, juergen):
    html = alice.client.get("/deals/people-choices/", {"add_person": "jürgen"}).content.decode()
    assert f'value="{juergen.pk}"' in html and "Mueller-Lüdenscheidt (Schraubenwerk Süd AG)" in html
    response = alice.client.post("/deals/new/", _form(add_person="jürgen", people=[juergen.pk]))
    assert response.status_code == 302
    assert list(Deal.objects.get().people.all()) == [juergen]


def test_a_search_nobody_was_ticked_for_offers_the_people_found_and_saves_nothing(alice, juergen):
    response = alice.client.post("/deals/new/", _form(add_person="Jürgen"))
    html = response.content.decode()
    assert response.status_code == 200 and not Deal.objects.exists()
    assert "Tick the person you mean among the contact persons offered" in html
    assert f'name="people" value="{juergen.pk}"' in html


def test_an_unknown_contact_person_is_shown_next_to_the_field_and_at_the_top(alice):
    response = alice.client.post("/deals/new/", _form(add_person="Niemand Bekannt", value="viel"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nobody called “Niemand Bekannt” was found." in html
    summary = html[html.index('data-testid="error-summary"'):html.index("<fieldset")]
    assert 'href="#id_value"' in summary and 'href="#id_add_person"' in summary
    assert not Deal.objects.exists()


def test_a_new_deal_offers_the_chosen_companys_people_and_takes_several_at_once(alice, firm, anna):
    ben = contact_actions.create_person(alice.membership, {"first_name": "Ben", "last_name": "Lorenz"},
                                        Details(positions=[PositionData(firm, "CTO")]))
    html = alice.client.get("/deals/people-choices/", {"company_name": "nordlicht gmbh"}).content.decode()
    assert f'value="{anna.pk}"' in html and f'value="{ben.pk}"' in html
    response = alice.client.post("/deals/new/", _form(company_name="Nordlicht GmbH", people=[anna.pk, ben.pk]))
    assert response.status_code == 302
    assert set(Deal.objects.get().people.all()) == {anna, ben}


def test_the_offered_people_keep_the_ticks_and_never_show_another_accounts_people(alice, oscar, firm, anna):
    stranger = contact_actions.create_person(oscar.membership, {"first_name": "Anna", "last_name": "Fremd"})
    html = alice.client.get("/deals/people-choices/", {"people": [anna.pk, stranger.pk],
                                                      "add_person": "anna"}).content.decode()
    assert f'value="{anna.pk}" id="id_people_0" checked' in html or (f'value="{anna.pk}"' in html and "checked" in html)
    assert f'value="{stranger.pk}"' not in html
    html = oscar.client.get("/deals/people-choices/", {"company_name": "Nordlicht GmbH", "people": [anna.pk],
                                                      "add_person": "Berg"}).content.decode()
    assert f'value="{anna.pk}"' not in html


@pytest.mark.parametrize("query", [{"add_person": "\x00" * 5}, {"company_name": "x" * 5000}, {"company_id": "-1"},
                                   {"people": ["abc", "99999999999999999999"]}, {}])
def test_odd_input_to_the_offered_people_is_no_error(alice, query):
    assert alice.client.get("/deals/people-choices/", query).status_code == 200


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(alice):
    response = alice.client.post("/deals/new/", _form(name="", value="-5"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please name the deal." in html
    assert not Deal.objects.exists()


def test_amounts_are_read_in_the_users_language(alice):
    alice.user.language = "de"
    alice.user.save()
    alice.client.post("/deals/new/", _form(value="1.234,56"))
    assert Deal.objects.get().value == Decimal("1234.56")


def test_editing_keeps_the_people_and_saves_the_changes(alice, make_deal, firm, anna):
    deal = make_deal()
    actions.update_deal(deal, alice.membership, {}, company=firm, people=[anna])
    response = alice.client.post(f"/deals/{deal.pk}/edit/", _form(
        name="Relaunch 2", company_id=firm.pk, company_name="Nordlicht GmbH", people=[anna.pk], stage="won",
        responsible=alice.user.pk, version=2))
    assert response.status_code == 302
    deal = Deal.objects.get()
    assert deal.name == "Relaunch 2" and deal.is_won and list(deal.people.all()) == [anna]


def test_an_edit_that_started_before_a_colleagues_change_is_refused(alice, bob, make_deal):
    deal = make_deal(value="100.00")
    actions.update_deal(Deal.objects.get(), bob.membership, {"value": Decimal("200")})
    response = alice.client.post(f"/deals/{deal.pk}/edit/", _form(value="300", responsible=alice.user.pk,
                                                                  version=1))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Bob Berger changed this" in html and "Value" in html
    assert Deal.objects.get().value == Decimal("200.00")


# -- delete and trash --------------------------------------------------------------------------------

def test_a_member_cannot_delete_a_deal(carol, make_deal):
    deal = make_deal(by=carol)
    assert carol.client.get(f"/deals/{deal.pk}/delete/").status_code == 403
    assert carol.client.post(f"/deals/{deal.pk}/delete/").status_code == 403
    assert Deal.objects.alive().exists()
    assert "Delete deal" not in carol.client.get(f"/deals/{deal.pk}/").content.decode()


def test_a_power_user_moves_a_deal_to_the_trash_where_it_can_be_restored(bob, make_deal):
    deal = make_deal()
    response = bob.client.post(f"/deals/{deal.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/deals/"
    assert not Deal.objects.alive().exists()
    assert "Website relaunch" in bob.client.get("/trash/").content.decode()
    assert "This is in the trash" in bob.client.get(f"/deals/{deal.pk}/").content.decode()
    bob.client.post(f"/trash/{deal.pk}/restore/")
    assert Deal.objects.alive().exists()


def test_a_trashed_deal_is_a_404_for_members(alice, carol, make_deal):
    deal = make_deal()
    trash_record(deal.record, alice.membership)
    assert carol.client.get(f"/deals/{deal.pk}/").status_code == 404


def test_the_offered_people_cost_a_fixed_number_of_queries(alice, firm, django_assert_max_num_queries):
    people = [contact_actions.create_person(alice.membership, {"first_name": f"Person {n}", "last_name": "Berg"},
                                            Details(positions=[PositionData(firm, "")])) for n in range(12)]
    query = {"company_name": "Nordlicht GmbH", "add_person": "berg", "people": [p.pk for p in people[:5]]}
    with django_assert_max_num_queries(9):
        html = alice.client.get("/deals/people-choices/", query).content.decode()
    assert html.count('name="people"') == 12 and html.count("checked") == 5


def _rows(html: str) -> list[str]:
    """The deals list's rows, their whitespace between tags taken out."""
    import re

    rows = re.findall(r'<li class="list-item deal-row".*?</li>', html, re.S)
    return [re.sub(r">\s+<", "><", re.sub(r"\s+", " ", row)) for row in rows]


def test_a_row_shows_stage_name_company_date_responsible_column_tags_and_amounts(alice, bob, make_deal, firm):
    from kontor.records.custom_fields import create_custom_field, set_custom_values
    from kontor.records.models import FieldType, Kind

    field = create_custom_field(alice.membership, Kind.DEAL, "Region", FieldType.TEXT)
    deal = make_deal("Relaunch <B&C>", "1000.00", stage="50", target=dt.date(2027, 3, 15))
    actions.update_deal(deal, alice.membership, {}, company=firm, tags=["Messe", "A&B"], responsible=bob.user)
    set_custom_values(deal.record, alice.membership, {field: "Nord"})
    won = make_deal("Wartung", "200.00", stage="won", closed_at=dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC))
    html = alice.client.get("/deals/", {"column": field.key, "order": "name", "state": ""}).content.decode()
    first, second = _rows(html)
    assert first == (
        f'<li class="list-item deal-row" data-testid="deal-row" data-deal="{deal.pk}">'
        f'<label class="bulk-pick"><input type="checkbox" name="ids" value="{deal.pk}" form="bulk-form" '
        'data-bulk-pick><span class="visually-hidden">Select Relaunch &lt;B&amp;C&gt;</span></label>'
        '<span class="stage-badge stage-50" title="State">50 %</span><div class="grow">'
        f'<a class="name" href="/deals/{deal.pk}/">Relaunch &lt;B&amp;C&gt;</a><div class="row-sub small">'
        '<span>Nordlicht GmbH</span><span>target 03/15/2027</span><span class="row-responsible">Bob Berger</span>'
        '</div><span class="row-custom small" title="Region"><span class="muted">Region:</span> Nord</span>'
        '<div class="tags row-tags deal-row-tags">'
        f'<a class="tag" href="?column={field.key}&amp;order=name&amp;state=&amp;tag=A%26B">A&amp;B</a>'
        f'<a class="tag" href="?column={field.key}&amp;order=name&amp;state=&amp;tag=Messe">Messe</a></div>'
        '</div><div class="deal-amount"><strong>€1,000.00</strong>'
        '<div class="small muted">€500.00 weighted</div></div></li>')
    assert f'data-deal="{won.pk}"' in second
    assert ('<div class="row-sub small"><span>won 02/01/2027</span><span class="row-responsible">Alice Adler</span>'
            '</div>') in second
    assert '<span class="muted">Region:</span> —</span></div>' in second
    assert "<strong>€200.00</strong></div></li>" in second


def test_a_rows_company_in_the_trash_is_left_out(alice, make_deal, firm):
    deal = make_deal("Relaunch")
    actions.update_deal(deal, alice.membership, {}, company=firm)
    trash_record(firm.record, alice.membership)
    (row,) = _rows(alice.client.get("/deals/").content.decode())
    assert "Nordlicht" not in row
