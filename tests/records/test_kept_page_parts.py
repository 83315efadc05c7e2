"""The parts of pages rendered once per process ({% kept %}: the top bar, a list's toolbar, bulk bar
and side column) show each user their own page, and a change at once."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kontor.accounts import actions as account_actions
from kontor.contacts import actions
from kontor.records.models import CustomField


@pytest.fixture(autouse=True)
def _as_kontor_runs(settings):
    """Kept blocks as in production: kept, not rendered again for the comparison the suite makes."""
    settings.DEBUG = False
    settings.KEPT_CHECK = False


def _select(html: str, select_id: str) -> str:
    match = re.search(rf'<select id="{select_id}".*?</select>', html, re.S)
    assert match, select_id
    return match.group(0)


@pytest.fixture
def someone(alice):
    """A list with a row: an empty list shows its welcome instead of the toolbar."""
    return actions.create_person(alice.membership, {"last_name": "Adler"})


def test_a_renamed_colleague_shows_at_once_in_the_lists_menus(alice, bob, someone):
    assert "Bob Berger" in _select(alice.client.get("/people/").content.decode(), "list-responsible")
    account_actions.update_profile(bob.user, "Robert Berger", bob.user.email, "en", "Europe/Berlin")
    page = alice.client.get("/people/").content.decode()
    assert "Robert Berger" in _select(page, "list-responsible")
    assert "Robert Berger" in _select(page, "bulk-user")
    assert "Bob Berger" not in page


def test_each_user_sees_their_own_menu_and_name_typed(alice, bob, someone):
    alice_page = alice.client.get("/people/?q=Schmidt").content.decode()
    bob_page = bob.client.get("/people/?q=Meier").content.decode()
    assert '<p class="usermenu-who"><strong>Alice Adler</strong>' in alice_page
    assert '<p class="usermenu-who"><strong>Bob Berger</strong>' in bob_page
    assert 'id="list-q" name="q" value="Schmidt"' in alice_page
    assert 'id="list-q" name="q" value="Meier"' in bob_page
    # The bulk bar returns to the page it was used on.
    assert 'name="next" value="/people/?q=Meier"' in bob_page


def test_the_page_s_csrf_token_is_its_own_and_logs_out(alice, someone):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.user)
    page = client.get("/people/").content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) >= 1
    other = Client(enforce_csrf_checks=True)
    other.force_login(alice.user)
    assert tokens.isdisjoint(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                                        other.get("/people/").content.decode()))
    answer = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens.pop()})
    assert answer.status_code == 302
    assert client.get("/people/").status_code == 302  # logged out: sent to the login page


def test_a_custom_field_renamed_or_given_an_option_shows_at_once_in_the_side_column(alice, someone):
    field = CustomField.objects.create(account=alice.account, kind="person", key="stufe", name="Stufe",
                                       type="select", options=["A", "B"])
    assert 'value="B"' in alice.client.get("/people/").content.decode()
    field.name, field.options = "Kundenstufe", ["A", "B", "C"]
    field.save()
    page = alice.client.get("/people/").content.decode()
    assert "<summary>Kundenstufe</summary>" in page
    assert 'name="custom.stufe" value="C"' in page


def test_a_role_s_bulk_actions_are_its_own(alice, carol, someone):
    alice_bar = alice.client.get("/people/").content.decode()
    carol_bar = carol.client.get("/people/").content.decode()
    assert '<option value="delete">' in alice_bar
    assert '<option value="delete">' not in carol_bar


def test_the_task_filters_show_each_user_their_choice_and_a_renamed_colleague(alice, bob):
    assert 'value="all" selected' in alice.client.get("/tasks/?user=all").content.decode()
    page = alice.client.get(f"/tasks/?user={bob.user.pk}&state=overdue").content.decode()
    assert f'<option value="{bob.user.pk}" selected>Bob Berger</option>' in _select(page, "task-filter-user")
    assert 'value="overdue" selected' in _select(page, "task-filter-state")
    account_actions.update_profile(bob.user, "Robert Berger", bob.user.email, "en", "Europe/Berlin")
    page = alice.client.get(f"/tasks/?user={bob.user.pk}&state=overdue").content.decode()
    assert f'<option value="{bob.user.pk}" selected>Robert Berger</option>' in _select(page, "task-filter-user")
    bob_page = bob.client.get("/tasks/").content.decode()
    assert f'<option value="{bob.user.pk}" selected>My tasks</option>' in _select(bob_page, "task-filter-user")
