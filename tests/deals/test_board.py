"""The pipeline board: columns per stage with their sums, the list's filters, this month's won and
lost deals, moving a card with the version check, and what others may not do."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.deals import actions
from kontor.deals.board import CARDS_PER_COLUMN
from kontor.deals.models import Deal
from kontor.records.actions import set_tags, trash_record


def _column(html: str, stage: str) -> str:
    """The HTML of one column of the board."""
    match = re.search(rf'<section class="board-column" data-stage="{stage}".*?</section>', html, re.S)
    assert match, f"no column {stage}"
    return match.group(0)


def _board(persona, **query) -> str:
    response = persona.client.get("/deals/board/", query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_shows_each_deal_in_the_column_of_its_stage_with_the_sums(alice, make_deal):
    make_deal("Dach", "1000.00", stage="50")
    make_deal("Fenster", "3000.00", stage="50")
    make_deal("Keller", "500.00", stage="75")
    make_deal("Garage", "2000.00", stage="won")
    make_deal("Zaun", "700.00", stage="lost")
    html = _board(alice)
    fifty = _column(html, "50")
    assert "Dach" in fifty and "Fenster" in fifty and "Keller" not in fifty
    assert 'data-total="4000.00" data-weighted="2000.00"' in fifty
    assert 'data-total="500.00" data-weighted="375.00"' in _column(html, "75")
    assert 'data-total="2000.00" data-weighted="2000.00"' in _column(html, "won")
    assert "Zaun" in _column(html, "lost") and "Zaun" not in _column(html, "0")


def test_the_board_sums_each_currency_on_its_own(alice, make_deal):
    make_deal("Dach", "1000.00", stage="25")
    make_deal("Roof", "400.00", stage="25", currency="USD")
    column = _column(_board(alice), "25")
    assert 'data-currency="EUR" data-total="1000.00" data-weighted="250.00"' in column
    assert 'data-currency="USD" data-total="400.00" data-weighted="100.00"' in column


def test_won_and_lost_deals_of_earlier_months_show_only_when_asked_for(alice, make_deal):
    long_ago = timezone.now() - dt.timedelta(days=400)
    make_deal("Alter Auftrag", stage="won", closed_at=long_ago)
    make_deal("Neuer Auftrag", stage="won")
    assert "Alter Auftrag" not in _board(alice) and "Neuer Auftrag" in _board(alice)
    assert "Alter Auftrag" in _column(_board(alice, closed="all"), "won")


def test_the_board_uses_the_lists_filters(alice, make_deal):
    tagged = make_deal("Messestand", stage="25")
    set_tags(tagged.record, ["Messe"])
    make_deal("Dach", stage="25")
    html = _board(alice, tag="Messe")
    assert "Messestand" in html and "Dach" not in html
    html = _board(alice, q="dach")
    assert "Dach" in html and "Messestand" not in html


def test_the_board_leaves_out_deals_in_the_trash(alice, make_deal):
    deal = make_deal("Weggeworfen", stage="25")
    trash_record(deal.record, alice.membership)
    assert "Weggeworfen" not in _board(alice)


def test_a_full_column_shows_its_first_cards_and_how_many_more(alice, make_deal):
    for number in range(CARDS_PER_COLUMN + 3):
        make_deal(f"Angebot {number:02}", stage="0")
    column = _column(_board(alice), "0")
    assert column.count('data-testid="board-card"') == CARDS_PER_COLUMN
    assert "3 more in the list" in column and "state=open&amp;probability=0" in column


def test_the_more_link_opens_the_list_on_that_columns_probability_which_can_be_cleared(alice, make_deal):
    for number in range(CARDS_PER_COLUMN + 1):
        make_deal(f"Angebot {number:02}", stage="50")
    make_deal("Dach", stage="25")
    make_deal("Garage", stage="won")
    found = re.search(r'<p class="small board-more"><a href="([^"]+)"', _column(_board(alice), "50"))
    assert found is not None
    link = found.group(1)

    html = alice.client.get(link.replace("&amp;", "&")).content.decode()

    assert "Angebot 00" in html and "Dach" not in html and "Garage" not in html
    assert '<option value="50" selected>50 %</option>' in html
    assert 'name="probability"' not in alice.client.get("/deals/").content.decode()


def test_an_odd_probability_filters_nothing(alice, make_deal):
    make_deal("Dach", stage="25")
    make_deal("Garage", stage="won")
    for odd in ("", "30", "-1", "abc", "100", "won", "5" * 40):
        response = alice.client.get("/deals/", {"probability": odd})
        html = response.content.decode()
        assert response.status_code == 200 and "Dach" in html and "Garage" in html, odd


def test_the_probability_narrows_to_open_deals_even_when_a_closed_one_kept_it(alice, make_deal):
    won = make_deal("Garage", stage="50")
    actions.win_deal(won, alice.membership)
    make_deal("Dach", stage="50")
    html = alice.client.get("/deals/", {"probability": "50"}).content.decode()
    assert "Dach" in html and "Garage" not in html


def test_the_board_asks_a_fixed_number_of_queries_however_many_deals(alice, django_assert_max_num_queries):
    for stage in ("0", "25", "50", "75", "won", "lost"):
        for number in range(4):
            company = contact_actions.create_company(alice.membership, {"name": f"Firma {stage} {number}"})
            deal = actions.create_deal(alice.membership, {"name": f"{stage} {number}"}, stage=stage,
                                       company=company, responsible=alice.user)
            set_tags(deal.record, [f"Tag {number}"])
    with django_assert_max_num_queries(14):
        _board(alice)
    with django_assert_max_num_queries(10):
        alice.client.get("/deals/board/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")


def test_moving_a_card_changes_the_stage_and_answers_with_the_board(alice, make_deal):
    deal = make_deal("Dach", stage="50")
    response = alice.client.post(f"/deals/{deal.pk}/move/?q=dach", {"stage": "won", "version": 1},
                                 HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Dach” is now at won." in html and "Dach" in _column(html, "won")
    deal.refresh_from_db()
    assert deal.is_won and deal.closed_at is not None and deal.record.version == 2


def test_moving_without_htmx_goes_back_to_the_board_with_its_filters(alice, make_deal):
    deal = make_deal("Dach", stage="50")
    response = alice.client.post(f"/deals/{deal.pk}/move/?q=dach&tag=Messe", {"stage": "75", "version": 1})
    assert response.status_code == 302 and response["Location"] == "/deals/board/?q=dach&tag=Messe"
    assert Deal.objects.get().probability == 75


def test_a_card_moved_after_a_colleagues_change_is_refused(alice, bob, make_deal):
    deal = make_deal("Dach", stage="50")
    actions.update_deal(Deal.objects.get(), bob.membership, {"value": Decimal("200")})
    response = alice.client.post(f"/deals/{deal.pk}/move/", {"stage": "won", "version": 1}, HTTP_HX_REQUEST="true")
    assert "Someone else changed “Dach” in the meantime." in response.content.decode()
    deal.refresh_from_db()
    assert deal.probability == 50 and deal.is_open


@pytest.mark.parametrize("data", [{"stage": "90", "version": 1}, {"stage": "won"}, {"stage": "won", "version": "x"},
                                  {}, {"stage": ["won", "lost"], "version": "-1"}])
def test_bad_input_for_a_move_changes_nothing_and_is_no_error_page(alice, make_deal, data):
    deal = make_deal("Dach", stage="50")
    response = alice.client.post(f"/deals/{deal.pk}/move/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'class="message message-error"' in response.content.decode()
    deal.refresh_from_db()
    assert deal.probability == 50 and deal.is_open and deal.record.version == 1


def test_a_member_may_move_a_card(alice, carol, make_deal):
    deal = make_deal("Dach", stage="50")
    carol.client.post(f"/deals/{deal.pk}/move/", {"stage": "lost", "version": 1})
    assert Deal.objects.get().is_lost


def test_an_outsider_cannot_see_or_move_anothers_deals(alice, oscar, make_deal):
    deal = make_deal("Dach", stage="50")
    assert "Dach" not in _board(oscar)
    assert oscar.client.post(f"/deals/{deal.pk}/move/", {"stage": "won", "version": 1}).status_code == 404
    assert Deal.objects.get().probability == 50


def test_the_overview_and_the_board_switch_to_each_other_keeping_the_filters(alice):
    assert 'href="/deals/board/?q=dach"' in alice.client.get("/deals/", {"q": "dach"}).content.decode()
    assert 'href="/deals/?q=dach"' in _board(alice, q="dach")


def _cards(html: str) -> list[str]:
    """The board's cards, their whitespace between tags taken out and their CSRF tokens left out."""
    cards = re.findall(r'<li class="board-card".*?</li>', html, re.S)
    cards = [re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", card) for card in cards]
    return [re.sub(r">\s+<", "><", re.sub(r"\s+", " ", card)) for card in cards]


def test_a_card_shows_name_company_amount_date_responsible_and_its_move_form(alice, bob, make_deal):
    firm = contact_actions.create_company(alice.membership, {"name": "Nordlicht & Co"})
    deal = make_deal("Dach <neu>", "1000.00", stage="50", target=dt.date(2027, 3, 15))
    actions.update_deal(deal, alice.membership, {}, company=firm, responsible=bob.user)
    deal.refresh_from_db()
    (card,) = _cards(_board(alice, q="Dach", company_name="Nordlicht & Co"))
    query = "q=Dach&amp;company_name=Nordlicht+%26+Co"
    options = "".join(f'<option value="{value}"{" selected" if value == "50" else ""}>{label}</option>'
                      for value, label in (("0", "0 %"), ("25", "25 %"), ("50", "50 %"), ("75", "75 %"),
                                           ("won", "won"), ("lost", "lost")))
    assert card == (
        f'<li class="board-card" draggable="true" data-deal="{deal.pk}" data-testid="board-card">'
        f'<a class="name" href="/deals/{deal.pk}/" draggable="false">Dach &lt;neu&gt;</a>'
        '<div class="small muted">Nordlicht &amp; Co</div><div class="board-card-figures small">'
        '<strong>€1,000.00</strong><span>target 03/15/2027</span></div>'
        '<div class="small muted board-card-responsible">Bob Berger</div>'
        f'<form class="board-move" method="post" action="/deals/{deal.pk}/move/?{query}" '
        f'hx-post="/deals/{deal.pk}/move/?{query}" hx-target="#board" hx-swap="outerHTML" '
        'hx-disabled-elt="find button"><input type="hidden" csrf>'
        f'<input type="hidden" name="version" value="{deal.record.version}">'
        f'<label class="visually-hidden" for="move-{deal.pk}">New state of “Dach &lt;neu&gt;”</label>'
        f'<select id="move-{deal.pk}" name="stage" data-board-stage>{options}</select>'
        '<button type="submit" class="button button-secondary button-small">Move</button></form></li>')


def _deal_id(card: str) -> str:
    found = re.search(r'data-deal="(\d+)"', card)
    assert found, card
    return found.group(1)


def test_the_card_just_moved_is_marked_and_keeps_the_boards_query(alice, make_deal):
    moved, other = make_deal("Dach", stage="25"), make_deal("Fenster", stage="25")
    response = alice.client.post(f"/deals/{moved.pk}/move/?state=open", {"stage": "75", "version": "1"},
                                 HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")
    cards = {_deal_id(card): card for card in _cards(response.content.decode())}
    assert 'data-testid="board-card" data-moved>' in cards[str(moved.pk)]
    assert "data-moved" not in cards[str(other.pk)]
    assert f'action="/deals/{other.pk}/move/?state=open"' in cards[str(other.pk)]


def test_a_card_names_its_company_while_it_is_not_in_the_trash_and_its_responsible(alice, bob, make_deal):
    nordlicht = contact_actions.create_company(alice.membership, {"name": "Nordlicht <GmbH>"})
    sturm = contact_actions.create_company(alice.membership, {"name": "Sturm AG"})
    actions.update_deal(make_deal("Leuchtturm", stage="50"), alice.membership, {}, company=nordlicht)
    actions.update_deal(make_deal("Windpark", stage="50"), alice.membership, {}, company=sturm, responsible=bob.user)
    make_deal("Ohne Firma", stage="50")
    trash_record(sturm.record, alice.membership)
    column = _column(_board(alice), "50")
    cards = {name: card for card in column.split('data-testid="board-card"')[1:]
             for name in ("Leuchtturm", "Windpark", "Ohne Firma") if name in card}
    assert "Nordlicht &lt;GmbH&gt;" in cards["Leuchtturm"] and "Alice Adler" in cards["Leuchtturm"]
    assert "Sturm AG" not in cards["Windpark"] and "Bob" in cards["Windpark"]
    assert 'class="small muted">' not in cards["Ohne Firma"].split("board-card-responsible")[0]
