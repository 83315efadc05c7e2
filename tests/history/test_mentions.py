"""@mention suggestions: typing "@" in a note or comment lists the account's colleagues, and the
text put into the field is read back as a mention of exactly that colleague."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kontor.accounts import actions as account_actions
from kontor.accounts.roles import Role
from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.notifications import actions as notification_actions
from kontor.notifications.models import Notification, NotificationType
from tests.conftest import PASSWORD

HTMX = {"HX-Request": "true"}


def _suggest(persona, query: str) -> str:
    response = persona.client.get(reverse("history:mentions"), {"q": query}, headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def _inserted(html: str) -> list[str]:
    return re.findall(r'data-mention="([^"]+)"', html)


def test_typing_after_at_suggests_the_colleagues_whose_name_starts_so(alice, bob, carol, dave):
    html = _suggest(alice, "b")
    assert "Bob Berger" in html
    assert "Carol Clausen" not in html
    assert _inserted(html) == ["@Bob Berger"]
    assert _inserted(_suggest(alice, "Berg")) == ["@Bob Berger"]  # the last name too
    assert _inserted(_suggest(alice, "car")) == ["@Carol Clausen"]


def test_a_bare_at_lists_the_team_without_the_writer(alice, bob, carol, dave):
    html = _suggest(alice, "")
    assert _inserted(html) == ["@Bob Berger", "@Carol Clausen", "@Dave Dietrich"]
    assert "Alice Adler" not in html
    assert 'role="option"' in html and 'aria-selected="true"' in html


def test_umlauts_and_case_do_not_matter(alice):
    account_actions.add_user(alice.account, "juergen@example.com", PASSWORD, "Jürgen Öztürk", Role.MEMBER)
    assert _inserted(_suggest(alice, "jur")) == ["@Jürgen Öztürk"]
    assert _inserted(_suggest(alice, "ÖZT")) == ["@Jürgen Öztürk"]


def test_the_outsider_is_offered_only_colleagues_of_their_own_account(alice, bob, carol, oscar):
    html = _suggest(oscar, "")
    assert "Bob" not in html and "Carol" not in html and "Alice" not in html
    assert "No colleague by that name." in html


def test_deactivated_colleagues_are_not_suggested(alice, bob, carol):
    account_actions.deactivate_membership(bob.membership, alice.membership)
    assert _inserted(_suggest(alice, "")) == ["@Carol Clausen"]


def test_a_shared_first_name_is_mentioned_by_address_so_only_one_is_told(alice, bob):
    account_actions.add_user(alice.account, "bob.brandt@example.com", PASSWORD, "Bob Brandt", Role.MEMBER)
    inserted = _inserted(_suggest(alice, "bob"))
    # Bob Berger's address is "bob", his first name too: a mention is read by its first word
    # (notifications.actions.mentioned), so nothing names him alone and he keeps his full name.
    assert inserted == ["@Bob Berger", "@bob.brandt"]
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier"})
    history_actions.add_note(alice.membership, [person.record], f"{inserted[1]} please call back.", notify=[])
    told = Notification.objects.filter(type=NotificationType.MENTION)
    assert [n.recipient.name for n in told] == ["Bob Brandt"]


@pytest.mark.parametrize("name", ["Bob Berger", "Ann", "Marie-Luise Grünewald", "Anna Maria Schmidt"])
def test_the_inserted_text_is_read_back_as_a_mention_of_that_colleague(alice, name):
    account_actions.add_user(alice.account, "someone@example.com", PASSWORD, name, Role.MEMBER)
    [text] = _inserted(_suggest(alice, name.split()[0]))
    found = notification_actions.mentioned(alice.membership, f"Hallo {text} bitte zurückrufen.")
    assert [m.user.name for m in found] == [name]


@pytest.mark.parametrize("query", ["x" * 5000, "@@@", "%", "\x00", "' OR 1=1 --", "🙂", "a\nb"])
def test_odd_queries_get_an_empty_list_not_an_error(alice, bob, query):
    assert "errorlist" not in _suggest(alice, query)


def test_suggesting_costs_a_fixed_number_of_queries(alice, bob, carol, dave, django_assert_max_num_queries):
    for number in range(10):
        account_actions.add_user(alice.account, f"c{number}@example.com", PASSWORD, f"Colleague {number}",
                                 Role.MEMBER)
    with django_assert_max_num_queries(6):
        _suggest(alice, "")


def test_the_note_and_comment_fields_ask_for_suggestions(alice, bob):
    person = contact_actions.create_person(alice.membership, {"last_name": "Meier"})
    history_actions.add_note(alice.membership, [person.record], "Erstes Gespräch")
    html = alice.client.get(person.get_absolute_url()).content.decode()
    assert html.count(f'data-mentions="{reverse("history:mentions")}"') >= 1
    assert 'src="/static/kontor/notes.js"' in html


def test_an_anonymous_visitor_is_sent_to_the_login(alice, client):
    response = client.get(reverse("history:mentions"), {"q": "b"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
