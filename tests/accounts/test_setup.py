from django.urls import reverse

from kontor.accounts.models import Account, Membership, User
from kontor.accounts.roles import Role
from tests.conftest import PASSWORD

SETUP = {"company": "Brauerei Hopf KG", "name": "Hanna Hopf", "email": "Hanna@Example.com",
         "password1": PASSWORD, "password2": PASSWORD, "language": "de", "time_zone": "Europe/Vienna"}


def test_a_fresh_install_sends_visitors_to_the_setup_page(client, db):
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("setup")


def test_setup_page_defaults_to_the_browsers_language_and_berlin_time(client, db):
    response = client.get(reverse("setup"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["language"].value() == "en"
    assert form["time_zone"].value() == "Europe/Berlin"
    assert 'class="page-narrow"' in response.content.decode()


def test_setup_page_defaults_to_german_for_a_german_browser(client, db):
    response = client.get(reverse("setup"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response.context["form"]["language"].value() == "de"


def test_setup_creates_the_account_and_its_owner_and_logs_the_owner_in(client, db):
    response = client.post(reverse("setup"), SETUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    membership = Membership.objects.select_related("account", "user").get()
    assert membership.account.name == "Brauerei Hopf KG"
    assert membership.role == Role.OWNER
    user = membership.user
    assert (user.email, user.name, user.language, user.time_zone) == (
        "hanna@example.com", "Hanna Hopf", "de", "Europe/Vienna")
    assert user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_setup_with_differing_passwords_is_refused_and_creates_nothing(client, db):
    response = client.post(reverse("setup"), {**SETUP, "password2": "something else entirely"})
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not Account.objects.exists()
    assert not User.objects.exists()


def test_setup_with_a_weak_password_or_missing_company_is_refused(client, db):
    weak = {"company": " ", "password1": "abc", "password2": "abc"}
    response = client.post(reverse("setup"), {**SETUP, **weak})
    errors = response.context["form"].errors
    assert "company" in errors
    assert "password2" in errors
    assert not Account.objects.exists()


def test_setup_is_closed_once_an_account_exists(client, alice):
    assert client.get(reverse("setup")).status_code == 302
    response = client.post(reverse("setup"), {**SETUP, "email": "intruder@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert Account.objects.count() == 1
    assert not User.objects.filter(email="intruder@example.com").exists()


def test_anonymous_visitors_go_to_login_once_an_account_exists(client, alice):
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
