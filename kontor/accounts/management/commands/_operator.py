"""What the operator commands share: turning an action's ValidationError into a CommandError and
checking the input before anything is written."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from kontor.accounts.actions import clean_email
from kontor.accounts.models import Account


def command_error(error: ValidationError) -> CommandError:
    """One line per problem, each naming the option it is about."""
    if hasattr(error, "error_dict"):
        lines = [f"--{field.replace('_', '-')}: {message}" if field != "__all__" else message
                 for field, messages in error.message_dict.items() for message in messages]
    else:
        lines = error.messages
    return CommandError("\n".join(lines))


def check_login(email: str, password: str) -> str:
    """The cleaned e-mail address; raises CommandError when it or the password is not usable."""
    try:
        email = clean_email(email)
        password_validation.validate_password(password)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise command_error(error) from None
        raise CommandError("--password: " + " ".join(error.messages)) from None
    return email


def find_account(account_id: str) -> Account:
    account = Account.objects.filter(pk=account_id).first() if str(account_id).isdigit() else None
    if account is None:
        raise CommandError(f"--account: there is no account with the id {account_id!r}.")
    return account
