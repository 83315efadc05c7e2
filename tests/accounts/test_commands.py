import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kontor.accounts import actions
from kontor.accounts.models import Account, ApiKey, Membership, User
from kontor.accounts.roles import Role
from tests.conftest import PASSWORD


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_createaccount_prints_the_new_accounts_id_alone(db):
    output = run("createaccount", "--name", "Brauerei Hopf KG", "--email", "Hanna@Example.com",
                 "--password", PASSWORD, "--owner-name", "Hanna Hopf", "--language", "en")
    account = Account.objects.get()
    assert output == f"{account.pk}\n"
    membership = Membership.objects.select_related("user").get(account=account)
    assert membership.role == Role.OWNER
    assert (membership.user.email, membership.user.name, membership.user.language) == (
        "hanna@example.com", "Hanna Hopf", "en")
    assert membership.user.check_password(PASSWORD)


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--email", "not-an-address", "--email: Please enter a valid e-mail address."),
    ("--password", "short", "--password:"),
    ("--name", "   ", "--name: Please enter the company name."),
    ("--time-zone", "Mars/Olympus", "--time-zone: Please choose a time zone from the list."),
])
def test_createaccount_refuses_bad_input_and_writes_nothing(db, option, value, message):
    options = {"--name": "Hopf KG", "--email": "hanna@example.com", "--password": PASSWORD, option: value}
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        run("createaccount", *[part for pair in options.items() for part in pair])
    assert message in str(error.value)
    assert not Account.objects.exists()
    assert not User.objects.exists()


def test_createaccount_refuses_an_unknown_language(db):
    with pytest.raises(CommandError, match="argument --language: invalid choice: 'fr'"):
        run("createaccount", "--name", "Hopf KG", "--email", "h@example.com", "--password", PASSWORD,
            "--language", "fr")
    assert not Account.objects.exists()


def test_createuser_adds_a_colleague_with_a_role(alice):
    output = run("createuser", "--account", str(alice.account.pk), "--email", "erik@example.com",
                 "--password", PASSWORD, "--role", "power", "--name", "Erik Engel")
    user = User.objects.get(email="erik@example.com")
    assert output == f"{user.pk}\n"
    assert Membership.objects.get(user=user).role == Role.POWER
    assert user.check_password(PASSWORD)


def test_createuser_refuses_a_second_owner(alice):
    with pytest.raises(CommandError, match="An account has exactly one owner") as error:
        run("createuser", "--account", str(alice.account.pk), "--email", "erik@example.com",
            "--password", PASSWORD, "--role", "owner")
    assert "exactly one owner" in str(error.value)
    assert not User.objects.filter(email="erik@example.com").exists()


def test_createuser_refuses_an_unknown_account_or_role_and_someone_already_in_the_team(alice, bob):
    base = ["--email", "erik@example.com", "--password", PASSWORD]
    with pytest.raises(CommandError, match="no account with the id"):
        run("createuser", "--account", "999", *base, "--role", "member")
    with pytest.raises(CommandError, match="argument --role: invalid choice: 'king'"):
        run("createuser", "--account", str(alice.account.pk), *base, "--role", "king")
    with pytest.raises(CommandError, match="already part of this team"):
        run("createuser", "--account", str(alice.account.pk), "--email", "bob@example.com",
            "--password", PASSWORD, "--role", "member")
    assert not User.objects.filter(email="erik@example.com").exists()
    assert Membership.objects.filter(account=alice.account).count() == 2


def test_apitoken_prints_a_working_key_alone_on_one_line(alice):
    output = run("apitoken", "ALICE@example.com", "--name", "backup script")
    secret = output.strip()
    assert output == secret + "\n"
    assert actions.membership_for_api_key(secret) == alice.membership
    assert ApiKey.objects.get().name == "backup script"


def test_apitoken_needs_the_account_when_the_user_is_in_several(alice, oscar):
    actions.add_user(oscar.account, "alice@example.com", None, "", Role.MEMBER)
    with pytest.raises(CommandError, match="several accounts"):
        run("apitoken", "alice@example.com")
    assert not ApiKey.objects.exists()
    secret = run("apitoken", "alice@example.com", "--account", str(oscar.account.pk)).strip()
    membership = actions.membership_for_api_key(secret)
    assert membership is not None
    assert membership.account == oscar.account


def test_apitoken_refuses_an_unknown_or_deactivated_user(alice, carol):
    with pytest.raises(CommandError, match="no active user"):
        run("apitoken", "nobody@example.com")
    actions.deactivate_membership(carol.membership, alice.membership)
    with pytest.raises(CommandError, match="no active user"):
        run("apitoken", "carol@example.com")
    with pytest.raises(CommandError, match="not an active member"):
        run("apitoken", "alice@example.com", "--account", "999")
    assert not ApiKey.objects.exists()
