"""Logins made without a name (kontor createuser, kontor createaccount) are named after their
address, as a person would write the name: ben.mueller@… is "Ben Mueller", not "ben"."""

from io import StringIO

import pytest
from django.core.management import call_command

from kontor.accounts.models import User
from kontor.lib.names import name_from_email
from tests.conftest import PASSWORD


@pytest.mark.parametrize(("email", "name"), [
    ("ben.mueller@example.com", "Ben Mueller"),
    ("ben@example.com", "Ben"),
    ("ANNA-LENA_SCHMIDT@example.com", "Anna-Lena Schmidt"),
    ("j.doe+crm@example.com", "J. Doe"),
    ("office2@example.com", "Office2"),
    ("4711@example.com", "4711"),
])
def test_a_name_is_read_from_the_address(email: str, name: str) -> None:
    assert name_from_email(email) == name


def test_createuser_without_a_name_names_the_colleague_after_the_address(alice):
    call_command("createuser", "--account", str(alice.account.pk), "--email", "ben.mueller@example.com",
                 "--password", PASSWORD, "--role", "member", stdout=StringIO(), stderr=StringIO())

    assert User.objects.get(email="ben.mueller@example.com").name == "Ben Mueller"


def test_createuser_keeps_a_name_that_is_given(alice):
    call_command("createuser", "--account", str(alice.account.pk), "--email", "ben.mueller@example.com",
                 "--password", PASSWORD, "--role", "member", "--name", "Benedikt Müller",
                 stdout=StringIO(), stderr=StringIO())

    assert User.objects.get(email="ben.mueller@example.com").name == "Benedikt Müller"


def test_createaccount_without_an_owner_name_names_the_owner_after_the_address(db):
    call_command("createaccount", "--name", "Hopf KG", "--email", "hanna.hopf@example.com", "--password", PASSWORD,
                 stdout=StringIO(), stderr=StringIO())

    assert User.objects.get(email="hanna.hopf@example.com").name == "Hanna Hopf"
