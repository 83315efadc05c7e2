from django.urls import reverse

from kontor.accounts import actions
from kontor.accounts.middleware import SESSION_ACCOUNT_KEY
from kontor.accounts.roles import Role
from tests.conftest import PASSWORD

SETTINGS = reverse("accounts:settings")


def profile(**changes):
    return {"name": "Alice Adler", "email": "alice@example.com", "language": "en",
            "time_zone": "Europe/Berlin", **changes}


def test_settings_page_shows_the_users_profile(alice):
    response = alice.client.get(SETTINGS)
    assert response.status_code == 200
    assert response.context["form"]["email"].value() == "alice@example.com"
    assert reverse("accounts:password_change") in response.content.decode()


def test_changing_the_language_to_german_takes_effect_on_the_next_page(alice):
    assert alice.client.get(SETTINGS)["Content-Language"] == "en"
    response = alice.client.post(SETTINGS, profile(language="de", time_zone="America/New_York"))
    assert response.status_code == 302
    alice.user.refresh_from_db()
    assert (alice.user.language, alice.user.time_zone) == ("de", "America/New_York")
    response = alice.client.get(SETTINGS)
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()


def test_name_and_email_can_be_changed_and_the_new_email_logs_in(alice, client):
    alice.client.post(SETTINGS, profile(name="Alice Adler-Berg", email="Alice.Berg@Example.com",
                                        current_password=PASSWORD))
    alice.user.refresh_from_db()
    assert (alice.user.name, alice.user.email) == ("Alice Adler-Berg", "alice.berg@example.com")
    response = client.post(reverse("accounts:login"), {"username": "alice.berg@example.com",
                                                       "password": "correct horse battery staple"})
    assert response.status_code == 302


def test_an_email_another_login_uses_is_refused_and_nothing_changes(alice, bob):
    response = alice.client.post(SETTINGS, profile(name="Changed", email="BOB@example.com",
                                                   current_password=PASSWORD))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    alice.user.refresh_from_db()
    assert (alice.user.name, alice.user.email) == ("Alice Adler", "alice@example.com")


def test_an_unknown_language_or_time_zone_is_refused(alice):
    response = alice.client.post(SETTINGS, profile(language="fr", time_zone="Mars/Olympus"))
    assert set(response.context["form"].errors) == {"language", "time_zone"}
    alice.user.refresh_from_db()
    assert alice.user.language == "en"


def test_someone_in_several_accounts_can_switch_between_them(alice, oscar):
    actions.add_user(oscar.account, "alice@example.com", None, "", Role.MEMBER)
    response = alice.client.get(SETTINGS)
    assert "Outsider AG" in response.content.decode()
    response = alice.client.post(reverse("accounts:switch_account"), {"account": oscar.account.pk})
    assert response.status_code == 302
    assert alice.client.session[SESSION_ACCOUNT_KEY] == oscar.account.pk
    assert alice.client.get(SETTINGS).context["account"] == oscar.account


def test_switching_to_an_account_one_does_not_belong_to_is_a_404(alice, oscar):
    response = alice.client.post(reverse("accounts:switch_account"), {"account": oscar.account.pk})
    assert response.status_code == 404
    assert SESSION_ACCOUNT_KEY not in alice.client.session
    assert alice.client.post(reverse("accounts:switch_account"), {"account": "x"}).status_code == 404


def test_the_switcher_is_hidden_for_someone_in_one_account(alice):
    assert reverse("accounts:switch_account") not in alice.client.get(SETTINGS).content.decode()


def test_changing_the_login_email_needs_the_current_password(alice):
    for password in ("", "wrong password"):
        response = alice.client.post(SETTINGS, profile(email="mallory@example.com", current_password=password))
        assert response.status_code == 200
        assert "please enter your current password" in str(response.context["form"].errors["current_password"])
    alice.user.refresh_from_db()
    assert alice.user.email == "alice@example.com"


def test_other_settings_are_saved_without_the_password(alice):
    response = alice.client.post(SETTINGS, profile(name="Alice A.", email="ALICE@example.com"))
    assert response.status_code == 302
    alice.user.refresh_from_db()
    assert (alice.user.name, alice.user.email) == ("Alice A.", "alice@example.com")
