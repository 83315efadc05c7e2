"""Shared personas for every test, made through the real actions:

    alice    owner of "Müller & Söhne GmbH"
    bob      Alice's colleague with power rights
    carol    Alice's colleague, a member with normal rights
    dave     Alice's administrator
    oscar    the outsider: owner of another account, "Outsider AG"
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils.translation.reloader import translation_file_changed
from huey.contrib.djhuey import HUEY

from kontor.accounts import actions as account_actions
from kontor.accounts.models import Membership
from kontor.accounts.roles import Role
from kontor.lib.translations import compile_translations

PASSWORD = "correct horse battery staple"

# Tests must never send real mail or depend on the developer's data directory.
os.environ.setdefault("KONTOR_JOBS_IMMEDIATE", "true")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Tests see the shipped translations, freshly compiled, as every start of Kontor does; so a
    plain `pytest` and `make test` see the same German pages."""
    for mo_path in compile_translations():
        # Django read the catalogues while setting up, before this ran; on a fresh checkout it
        # would keep the empty ones for the whole session. Make it read the new files.
        translation_file_changed(None, mo_path)


@dataclass
class Persona:
    membership: Membership
    client: Client

    @property
    def user(self):  # noqa: ANN201 - the User model
        return self.membership.user

    @property
    def account(self):  # noqa: ANN201 - the Account model
        return self.membership.account


def _login(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def alice(db) -> Persona:
    membership = account_actions.create_account("Müller & Söhne GmbH", "alice@example.com", PASSWORD,
                                                 owner_name="Alice Adler", language="en")
    return Persona(membership, _login(membership))


def _colleague(alice: Persona, name: str, role: str) -> Persona:
    email = f"{name.split()[0].lower()}@example.com"
    membership = account_actions.add_user(alice.account, email, PASSWORD, name, role, language="en")
    return Persona(membership, _login(membership))


@pytest.fixture
def bob(alice: Persona) -> Persona:
    return _colleague(alice, "Bob Berger", Role.POWER)


@pytest.fixture
def carol(alice: Persona) -> Persona:
    return _colleague(alice, "Carol Clausen", Role.MEMBER)


@pytest.fixture
def dave(alice: Persona) -> Persona:
    return _colleague(alice, "Dave Dietrich", Role.ADMIN)


@pytest.fixture
def oscar(db) -> Persona:
    membership = account_actions.create_account("Outsider AG", "oscar@example.org", PASSWORD,
                                                 owner_name="Oscar Ort", language="en")
    return Persona(membership, _login(membership))


@pytest.fixture(autouse=True)
def _jobs_in_process() -> Iterator[None]:
    """Jobs a test enqueues run in the test's own process (Huey's immediate mode, in memory), never
    into the developer's queue in the data directory, where a worker would later run them against
    the real database. (KONTOR_JOBS_IMMEDIATE above comes too late: settings are loaded first.)"""
    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture(autouse=True)
def _kept_blocks_checked(settings) -> None:
    """Every kept block ({% kept %}, kontor/lib/kept_tags.py) is also rendered afresh and compared
    with the kept HTML: a key that misses a value its block shows fails the test that changes it."""
    settings.KEPT_CHECK = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Argon2 is slow on purpose (a good part of a second per hash on a busy CI machine), and every
    # test makes several users; the tests check who may log in, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path / "files"}}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The personas speak English; a visitor whose browser names no language gets English in tests
    # too, so assertions read the same everywhere. Tests of the German pages ask for German.
    settings.LANGUAGE_CODE = "en"


# A local S3 server (moto) for the tests of files on object storage: the fixtures s3_server and
# s3_storage, see tests/s3.py.
pytest_plugins = ["tests.s3"]
