"""The pages of two-factor login: one's own settings and set-up, the recovery codes, the team's
overview, resets and the owner's rule, and the set-up a team's rule sends people to."""

from __future__ import annotations

import re

import pytest

from kontor.twofactor import actions
from kontor.twofactor.models import TwoFactor, TwoFactorRule
from kontor.twofactor.second_step import SETUP_REQUIRED_KEY
from tests.conftest import PASSWORD
from tests.twofactor.helpers import app_code, switch_on


def test_settings_page_offers_the_set_up(alice):
    response = alice.client.get("/two-factor/")
    assert response.status_code == 200
    assert "Two-factor login is off" in response.content.decode()


def test_the_users_settings_page_links_to_two_factor_login(alice):
    assert 'href="/two-factor/"' in alice.client.get("/accounts/settings/").content.decode()


def test_setting_up_shows_a_qr_code_and_the_key_then_the_recovery_codes_once(alice):
    response = alice.client.post("/two-factor/start/")
    assert response.status_code == 302 and response["Location"] == "/two-factor/setup/"
    page = alice.client.get("/two-factor/setup/")
    html = page.content.decode()
    assert "<svg" in html and "<path" in html
    secret = TwoFactor.objects.get(user=alice.user).secret
    assert " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in html
    assert page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]

    done = alice.client.post("/two-factor/setup/", {"code": app_code(alice.user)})
    assert done.status_code == 200
    shown = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.content.decode())
    assert len(shown) == 10
    assert "no-store" in done["Cache-Control"]
    assert actions.confirmed_two_factor(alice.user) is not None
    # Shown once: the settings page and a new visit to the set-up show none of them.
    again = alice.client.get("/two-factor/").content.decode() + alice.client.get("/two-factor/setup/",
                                                                                 follow=True).content.decode()
    assert not any(code in again for code in shown)


def test_a_wrong_code_at_the_set_up_is_shown_next_to_the_field(alice):
    alice.client.post("/two-factor/start/")
    wrong = "000000" if app_code(alice.user) != "000000" else "111111"
    response = alice.client.post("/two-factor/setup/", {"code": wrong})
    assert response.status_code == 200
    assert "This code does not match" in response.content.decode()
    assert actions.confirmed_two_factor(alice.user) is None


@pytest.mark.parametrize("typed", ["", "x" * 500, "12\x0034"])
def test_odd_codes_at_the_set_up_get_a_clear_error(alice, typed):
    alice.client.post("/two-factor/start/")
    response = alice.client.post("/two-factor/setup/", {"code": typed})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert actions.confirmed_two_factor(alice.user) is None


def test_renewing_the_recovery_codes_shows_new_ones(alice):
    old = switch_on(alice.user)
    response = alice.client.post("/two-factor/recovery-codes/")
    shown = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(shown) == 10 and not set(shown) & set(old)


def test_switching_off_with_a_wrong_password_changes_nothing(alice):
    switch_on(alice.user)
    response = alice.client.post("/two-factor/disable/", {"password": "nope"})
    assert response.status_code == 200 and "This is not your current password" in response.content.decode()
    assert actions.confirmed_two_factor(alice.user) is not None
    alice.client.post("/two-factor/disable/", {"password": PASSWORD})
    assert actions.confirmed_two_factor(alice.user) is None


def test_the_team_page_shows_who_uses_it_with_few_queries(alice, bob, carol, dave,
                                                           django_assert_max_num_queries):
    switch_on(bob.user)
    with django_assert_max_num_queries(10):
        response = dave.client.get("/two-factor/team/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="/two-factor/team/members/{bob.membership.pk}/reset/"' in html
    assert f"/two-factor/team/members/{alice.membership.pk}/reset/" not in html  # not the owner's


def test_a_member_cannot_open_the_team_page(alice, carol):
    assert carol.client.get("/two-factor/team/").status_code == 403


def test_an_administrator_resets_a_colleague_from_the_team_page(alice, bob, dave):
    switch_on(bob.user)
    response = dave.client.post(f"/two-factor/team/members/{bob.membership.pk}/reset/", follow=True)
    assert "is reset" in response.content.decode()
    assert actions.confirmed_two_factor(bob.user) is None
    assert "reset the two-factor login of" in dave.client.get("/two-factor/team/").content.decode()


def test_a_member_cannot_reset_a_colleague(alice, bob, carol):
    switch_on(bob.user)
    assert carol.client.post(f"/two-factor/team/members/{bob.membership.pk}/reset/").status_code == 403
    assert actions.confirmed_two_factor(bob.user) is not None


def test_resetting_a_colleague_of_another_account_is_a_404(alice, bob, oscar):
    switch_on(bob.user)
    assert oscar.client.post(f"/two-factor/team/members/{bob.membership.pk}/reset/").status_code == 404
    assert actions.confirmed_two_factor(bob.user) is not None


def test_the_owner_requires_two_factor_login_from_the_team_page(alice, carol):
    switch_on(alice.user)
    response = alice.client.post("/two-factor/team/requirement/", {"required": "on"}, follow=True)
    assert "1 colleague without it was logged out" in response.content.decode()
    assert TwoFactorRule.objects.get(account=alice.account).required
    alice.client.post("/two-factor/team/requirement/", {})
    assert not TwoFactorRule.objects.get(account=alice.account).required


def test_an_administrator_cannot_require_it(alice, dave):
    switch_on(dave.user)
    assert dave.client.post("/two-factor/team/requirement/", {"required": "on"}).status_code == 403
    assert not TwoFactorRule.objects.exists()


def _sent_to_the_set_up(alice, carol) -> None:  # noqa: ANN001 - personas
    """Alice requires two-factor login (which logs Carol out); Carol logs in again and is sent to the set-up."""
    switch_on(alice.user)
    actions.set_requirement(alice.membership, True)
    carol.client.force_login(carol.user)
    session = carol.client.session
    session[SETUP_REQUIRED_KEY] = True
    session.save()


def test_a_user_sent_to_the_set_up_can_open_nothing_else_until_it_is_done(alice, carol):
    _sent_to_the_set_up(alice, carol)
    for url in ("/", "/people/", "/accounts/settings/", "/two-factor/team/"):
        response = carol.client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/two-factor/"), url
    htmx = carol.client.get("/people/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/two-factor/"
    assert "Your team requires two-factor login" in carol.client.get("/two-factor/").content.decode()
    carol.client.post("/two-factor/start/")
    carol.client.post("/two-factor/setup/", {"code": app_code(carol.user)})
    assert carol.client.get("/people/").status_code == 200


def test_api_keys_keep_working_for_a_user_sent_to_the_set_up(alice, carol, client):
    from kontor.accounts import actions as account_actions

    switch_on(alice.user)
    actions.set_requirement(alice.membership, True)
    _key, secret = account_actions.create_api_key(carol.membership, "script")
    response = client.get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_a_user_sent_to_the_set_up_is_let_go_once_the_owner_makes_it_optional(alice, carol):
    _sent_to_the_set_up(alice, carol)
    assert carol.client.get("/people/")["Location"] == "/two-factor/"
    actions.set_requirement(alice.membership, False)
    carol.client.get("/two-factor/")
    assert carol.client.get("/people/").status_code == 200
