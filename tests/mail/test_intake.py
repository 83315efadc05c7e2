"""Taking mail in: which addresses are known, how the raw bytes are kept, what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from kontor.accounts import actions as account_actions
from kontor.mail import intake
from kontor.mail.dropbox import dropbox_for, renew_dropbox
from kontor.mail.intake import Refused
from kontor.mail.models import InboundMail, InboundState
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions

from .letters import letter


@pytest.fixture
def project(alice):
    return project_actions.create_project(alice.membership, {"name": "Relaunch"})


def test_a_dropbox_address_resolves_to_its_membership(alice):
    address = dropbox_for(alice.membership).address
    assert intake.resolve(address) == (alice.membership, None)
    assert intake.accepts(address)


def test_case_a_plus_tag_and_a_display_name_do_not_matter(alice, settings):
    dropbox = dropbox_for(alice.membership)
    local, _at, domain = dropbox.address.partition("@")
    assert intake.resolve(f"{local.upper()}+crm@{domain.upper()}") == (alice.membership, None)
    assert intake.resolve(f"Alice's Kontor <{dropbox.address}>") == (alice.membership, None)


def test_the_same_token_at_another_domain_is_unknown(alice):
    local = dropbox_for(alice.membership).address.partition("@")[0]
    assert intake.resolve(f"{local}@example.com") is None


def test_unknown_and_malformed_addresses_resolve_to_nothing(alice, settings):
    for address in ["bcc-000000000000@" + settings.MAIL_DOMAIN, "project-nope@" + settings.MAIL_DOMAIN,
                    "alice@" + settings.MAIL_DOMAIN, "bcc-@" + settings.MAIL_DOMAIN, "", "<>", "no address",
                    "@" + settings.MAIL_DOMAIN]:
        assert intake.resolve(address) is None, address
        assert not intake.accepts(address)


def test_a_project_address_resolves_to_its_project(project):
    assert intake.resolve(project.email_address) == (None, project)


def test_a_project_in_the_trash_takes_no_mail(alice, project):
    record_actions.trash_record(project.record, alice.membership)
    assert intake.resolve(project.email_address) is None


def test_a_deactivated_colleagues_dropbox_takes_no_mail(alice, carol):
    address = dropbox_for(carol.membership).address
    account_actions.deactivate_membership(carol.membership, alice.membership)
    assert intake.resolve(address) is None


def test_a_renewed_dropbox_refuses_the_old_address_at_once(alice):
    old = dropbox_for(alice.membership).address
    new = renew_dropbox(alice.membership).address
    assert new != old
    assert intake.resolve(old) is None
    assert intake.resolve(new) == (alice.membership, None)


def test_receiving_stores_the_raw_bytes_and_one_waiting_row(alice):
    raw = letter(to="kunde@example.org")
    [inbound] = intake.receive(raw, [dropbox_for(alice.membership).address], "smtp")
    assert inbound.account == alice.account
    assert inbound.membership == alice.membership
    assert inbound.project is None
    assert inbound.state == InboundState.PENDING
    assert inbound.size == len(raw)
    assert inbound.source == "smtp"
    with inbound.raw.open("rb") as stored:
        assert stored.read() == raw
    assert str(inbound.raw.name).startswith(f"mail/{alice.account.pk}/")


def test_the_filing_job_is_enqueued_only_after_the_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        intake.receive(letter(), [dropbox_for(alice.membership).address], "imap")
    assert len(callbacks) == 1


def test_recipients_of_one_account_make_one_row(alice, bob, project):
    alices, bobs = dropbox_for(alice.membership).address, dropbox_for(bob.membership).address
    [inbound] = intake.receive(letter(), ["stranger@example.com", project.email_address, alices, bobs], "smtp")
    assert inbound.membership == alice.membership  # the first dropbox decides the inbox
    assert inbound.project == project
    assert inbound.recipient == project.email_address
    assert InboundMail.objects.count() == 1


def test_a_message_to_two_accounts_is_kept_once_for_each(alice, oscar):
    stored = intake.receive(letter(), [dropbox_for(alice.membership).address,
                                       dropbox_for(oscar.membership).address], "pipe")
    assert {inbound.account for inbound in stored} == {alice.account, oscar.account}
    assert stored[0].raw.name != stored[1].raw.name


def test_a_message_for_nobody_known_is_refused_with_550(alice, settings):
    with pytest.raises(Refused, match="^550 No such recipient here") as refused:
        intake.receive(letter(), ["someone@example.com", f"bcc-ffffffffffff@{settings.MAIL_DOMAIN}"], "smtp")
    assert refused.value.code == 550
    assert InboundMail.objects.count() == 0


def test_a_message_above_the_limit_is_refused_with_552_and_nothing_stored(alice, settings):
    settings.MAIL_MAX_BYTES = 512 * 1024
    with pytest.raises(Refused, match=r"^552 Message too large: at most 0\.5 MB$") as refused:
        intake.receive(b"x" * (512 * 1024 + 1), [dropbox_for(alice.membership).address], "smtp")
    assert refused.value.code == 552
    assert InboundMail.objects.count() == 0


def test_a_storage_failure_is_a_temporary_refusal_and_leaves_nothing(alice, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage wants a folder")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": blocked}}}
    with pytest.raises(Refused, match="^451 Could not store the message, please try again later") as refused:
        intake.receive(letter(), [dropbox_for(alice.membership).address], "smtp")
    assert refused.value.code == 451
    assert InboundMail.objects.count() == 0


@pytest.fixture
def synced(monkeypatch) -> list[str]:  # noqa: ANN001
    """The paths intake forces to disk, in order (each still really synced)."""
    paths: list[str] = []
    real_sync = intake._sync

    def sync(path: str) -> None:
        paths.append(path)
        real_sync(path)

    monkeypatch.setattr(intake, "_sync", sync)
    return paths


def test_the_first_message_of_a_month_syncs_the_file_and_the_folders_it_made(alice, synced, tmp_path):
    [inbound] = intake.receive(letter(), [dropbox_for(alice.membership).address], "smtp")
    file_path = Path(default_storage.path(str(inbound.raw.name)))
    # Every folder from the month's up to the storage's own was new; tmp_path existed already.
    made = list(file_path.parents)[:list(file_path.parents).index(tmp_path)]
    assert [Path(path) for path in synced] == [file_path, *made, tmp_path]


def test_a_further_message_in_the_same_folder_syncs_only_its_file(alice, synced):
    address = dropbox_for(alice.membership).address
    intake.receive(letter(), [address], "smtp")
    synced.clear()
    raw = letter(subject="Der zweite")
    [inbound] = intake.receive(raw, [address], "smtp")
    assert synced == [default_storage.path(str(inbound.raw.name))]
    with inbound.raw.open("rb") as stored:
        assert stored.read() == raw
