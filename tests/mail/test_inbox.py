"""The inbox's actions: what waits for whom, filing by hand, a person from the sender, discarding
and bringing back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone

from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import DetailData, Details
from kontor.contacts.models import Person
from kontor.deals import actions as deal_actions
from kontor.history.models import Entry, EntryKind
from kontor.mail import filing, inbox, intake
from kontor.mail.models import InboundMail, InboundState
from kontor.mail.names import PersonName
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions

from .arrivals import arrive


@pytest.fixture
def firm(alice):
    return contact_actions.create_company(alice.membership, {"name": "Kunde GmbH"})


def test_a_message_that_matches_nobody_waits_in_its_users_inbox(alice, bob):
    waiting = arrive(alice)
    assert waiting.state == InboundState.INBOX
    assert "anna.berger@kunde.example" in waiting.why
    assert list(inbox.inbox_for(alice.membership)) == [waiting]
    assert inbox.inbox_count(alice.membership) == 1
    assert list(inbox.inbox_for(bob.membership)) == []
    assert inbox.inbox_count(bob.membership) == 0


def test_the_inbox_lists_the_newest_first(alice):
    first = arrive(alice, subject="Erste")
    second = arrive(alice, subject="Zweite")
    assert list(inbox.inbox_for(alice.membership)) == [second, first]


def test_the_preview_shows_the_first_lines_and_the_attachments(alice):
    waiting = arrive(alice, attachments=(("Angebot.pdf", b"%PDF-1.4 test"), ("Plan.xlsx", b"PK...")))
    preview = inbox.preview(waiting)
    assert preview.text.startswith("Guten Tag, wir hätten gern ein Angebot")
    assert (preview.attachments, preview.is_partial) == (2, False)


def test_filing_a_waiting_message_makes_one_email_entry_on_the_chosen_records(alice, firm):
    anna = contact_actions.create_person(alice.membership, {"last_name": "Berger"})
    waiting = arrive(alice)
    entry = inbox.file_from_inbox(waiting, [anna.record, firm.record], alice.membership)
    assert (entry.kind, entry.subject) == (EntryKind.EMAIL, "Anfrage Relaunch")
    assert set(entry.records.all()) == {anna.record, firm.record}
    waiting.refresh_from_db()
    assert (waiting.state, waiting.entry, waiting.handled_by) == (InboundState.FILED, entry, alice.user)
    assert inbox.inbox_count(alice.membership) == 0


def test_a_message_can_go_onto_deals_and_projects_too(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    project = project_actions.create_project(alice.membership, {"name": "Website"})
    entry = inbox.file_from_inbox(arrive(alice), [deal.record, project.record], alice.membership)
    assert set(entry.records.all()) == {deal.record, project.record}


def test_filing_twice_is_refused_and_writes_nothing_more(alice, firm):
    waiting = arrive(alice)
    inbox.file_from_inbox(waiting, [firm.record], alice.membership)
    with pytest.raises(ValidationError, match="filed already"):
        inbox.file_from_inbox(waiting, [firm.record], alice.membership)
    assert Entry.objects.count() == 1


def test_filing_needs_a_record(alice):
    waiting = arrive(alice)
    with pytest.raises(ValidationError, match="Pick at least one person, company, deal or project"):
        inbox.file_from_inbox(waiting, [], alice.membership)
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX and not Entry.objects.exists()


def test_filing_on_a_record_in_the_trash_is_refused(alice, firm):
    record_actions.trash_record(firm.record, alice.membership)
    firm.record.refresh_from_db()
    waiting = arrive(alice)
    with pytest.raises(ValidationError, match="A record in the trash cannot receive e-mails"):
        inbox.file_from_inbox(waiting, [firm.record], alice.membership)
    assert not Entry.objects.exists()


def test_nobody_files_a_colleagues_message(alice, bob, dave, firm):
    waiting = arrive(alice)
    for colleague in (bob, dave):
        # A 404 says nothing: another's message looks exactly like a missing one.
        with pytest.raises(Http404, match=r"^$"):
            inbox.access_inbound(colleague.membership, waiting.pk)
        with pytest.raises(PermissionDenied, match="This message is in a colleague's inbox"):
            inbox.file_from_inbox(waiting, [firm.record], colleague.membership)
        with pytest.raises(PermissionDenied, match="This message is in a colleague's inbox"):
            inbox.discard(waiting, colleague.membership)
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX and not Entry.objects.exists()


def test_an_outsider_cannot_reach_the_message_or_file_it_on_their_records(alice, oscar):
    waiting = arrive(alice)
    theirs = contact_actions.create_company(oscar.membership, {"name": "Outsider"})
    with pytest.raises(Http404, match=r"^$"):
        inbox.access_inbound(oscar.membership, waiting.pk)
    with pytest.raises(PermissionDenied, match=r"^$"):
        inbox.file_from_inbox(waiting, [theirs.record], alice.membership)
    waiting.refresh_from_db()
    assert waiting.state == InboundState.INBOX and not Entry.objects.exists()


def test_mail_to_a_project_address_that_could_not_be_filed_waits_for_the_administrators(alice, bob, dave):
    project = project_actions.create_project(alice.membership, {"name": "Relaunch"})
    [inbound] = intake.receive(b"\x00\xff not a message", [project.email_address], "smtp")
    filing.file_inbound(inbound)
    inbound.refresh_from_db()
    assert inbound.state == InboundState.INBOX  # unreadable: not even the project can take it
    assert inbox.inbox_count(dave.membership) == 1
    assert inbox.inbox_count(alice.membership) == 1
    assert inbox.inbox_count(bob.membership) == 0
    with pytest.raises(Http404, match=r"^$"):
        inbox.access_inbound(bob.membership, inbound.pk)


def test_the_waiting_mail_of_a_colleague_who_left_passes_to_the_administrators(alice, bob, carol, dave):
    waiting = arrive(carol)
    assert inbox.inbox_count(dave.membership) == 0
    account_actions.deactivate_membership(carol.membership, alice.membership)
    assert [item.pk for item in inbox.inbox_for(dave.membership)] == [waiting.pk]
    assert inbox.inbox_count(alice.membership) == 1
    assert inbox.inbox_count(bob.membership) == 0
    with pytest.raises(Http404, match=r"^$"):
        inbox.access_inbound(bob.membership, waiting.pk)
    person = contact_actions.create_person(dave.membership, {"last_name": "Berger"})
    inbox.file_from_inbox(inbox.access_inbound(dave.membership, waiting.pk), [person.record], dave.membership)
    assert inbox.inbox_count(dave.membership) == 0


def test_an_active_colleagues_waiting_mail_stays_theirs_alone(alice, carol, dave):
    waiting = arrive(carol)
    with pytest.raises(Http404, match=r"^$"):
        inbox.access_inbound(dave.membership, waiting.pk)
    with pytest.raises(PermissionDenied, match="This message is in a colleague's inbox"):
        inbox.discard(waiting, dave.membership)


def test_a_person_is_made_from_the_sender_and_the_message_filed_there(alice):
    waiting = arrive(alice, sender='"Berger, Dr. Anna" <Anna.Berger@kunde.example>')
    person = inbox.create_person_from_sender(waiting, alice.membership)
    assert (person.title, person.first_name, person.last_name) == ("Dr.", "Anna", "Berger")
    assert [d.value for d in person.record.contact_details.all()] == ["Anna.Berger@kunde.example"]
    waiting.refresh_from_db()
    assert waiting.state == InboundState.FILED
    assert waiting.entry is not None
    assert list(waiting.entry.records.all()) == [person.record]


def test_the_user_may_correct_the_name_before_the_person_is_made(alice):
    waiting = arrive(alice, sender="info@kunde.example")
    person = inbox.create_person_from_sender(waiting, alice.membership, PersonName("Karl", "Kunde"))
    assert person.full_name == "Karl Kunde"


def test_the_next_mail_from_a_created_person_is_filed_by_itself(alice):
    inbox.create_person_from_sender(arrive(alice), alice.membership)
    later = arrive(alice, subject="Nachtrag")
    assert later.state == InboundState.FILED


def test_no_person_without_a_last_name_or_without_an_address(alice):
    waiting = arrive(alice)
    with pytest.raises(ValidationError, match="Please enter a last name"):
        inbox.create_person_from_sender(waiting, alice.membership, PersonName("Anna", "  "))
    nameless = arrive(alice, sender="undisclosed-recipients:;")
    nameless.sender_email = ""
    with pytest.raises(ValidationError, match="address could not be read, so no person can be made from it"):
        inbox.create_person_from_sender(nameless, alice.membership)
    assert not Person.objects.exists() and not Entry.objects.exists()


FORWARD = """Bitte ablegen.

-----Ursprüngliche Nachricht-----
Von: Jürgen Weiß <j.weiss@neukunde.example>
Gesendet: Donnerstag, 3. Dezember 2026 14:05
An: Alice Adler <alice@example.com>
Betreff: Anfrage Büroreinigung

Guten Tag, wir suchen ab Januar eine Reinigung.
"""


def test_a_person_from_the_users_own_forward_is_the_one_who_wrote_the_original(alice):
    waiting = arrive(alice, sender="Alice Adler <alice@example.com>", subject="WG: Anfrage Büroreinigung",
                     text=FORWARD)
    assert waiting.state == InboundState.INBOX
    assert inbox.sender_name(waiting) == PersonName("Jürgen", "Weiß")
    person = inbox.create_person_from_sender(waiting, alice.membership)
    assert person.full_name == "Jürgen Weiß"
    assert [d.value for d in person.record.contact_details.all()] == ["j.weiss@neukunde.example"]


def test_a_person_from_the_users_own_mail_is_its_first_recipient_outside_the_team(alice, bob):
    waiting = arrive(alice, sender="Alice Adler <alice@example.com>",
                     to=f"Bob <{bob.membership.user.email}>, Frau Dr. Petra Lang <p.lang@neukunde.example>")
    assert waiting.state == InboundState.INBOX
    page = alice.client.get(f"/inbox/{waiting.pk}/person/").content.decode()
    assert "<strong>p.lang@neukunde.example</strong>" in page and 'value="Petra"' in page
    person = inbox.create_person_from_sender(waiting, alice.membership)
    assert (person.title, person.first_name, person.last_name) == ("Dr.", "Petra", "Lang")
    assert [d.value for d in person.record.contact_details.all()] == ["p.lang@neukunde.example"]


def test_a_customers_mail_gives_its_sender_without_reading_the_message_again(alice, django_assert_num_queries):
    waiting = arrive(alice)
    waiting = inbox.inbox_for(alice.membership).get(pk=waiting.pk)
    with django_assert_num_queries(0):
        assert inbox.contact_of(waiting).email == "anna.berger@kunde.example"


def test_people_who_have_the_address_by_now_are_offered(alice):
    waiting = arrive(alice)
    anna = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Berger"},
                                         Details(contact=[DetailData("email", "ANNA.berger@kunde.example")]))
    assert inbox.people_with_sender_address(alice.membership, waiting) == [anna]


def test_a_discarded_message_leaves_the_inbox_and_comes_back(alice):
    waiting = arrive(alice)
    inbox.discard(waiting, alice.membership)
    assert inbox.inbox_count(alice.membership) == 0
    assert list(inbox.discarded_for(alice.membership)) == [waiting]
    with pytest.raises(Http404, match=r"^$"):
        inbox.access_inbound(alice.membership, waiting.pk)
    inbox.bring_back(inbox.access_inbound(alice.membership, waiting.pk, discarded=True), alice.membership)
    assert list(inbox.inbox_for(alice.membership)) == [waiting]


def test_a_message_discarded_long_ago_cannot_be_brought_back_and_is_purged(alice,
                                                                          django_capture_on_commit_callbacks):
    waiting = arrive(alice)
    inbox.discard(waiting, alice.membership)
    long_ago = timezone.now() - dt.timedelta(days=inbox.DISCARD_KEPT_DAYS + 1)
    InboundMail.objects.filter(pk=waiting.pk).update(handled_at=long_ago)
    assert list(inbox.discarded_for(alice.membership)) == []
    too_late = f"discarded more than {inbox.DISCARD_KEPT_DAYS} days ago and cannot be brought back"
    with pytest.raises(ValidationError, match=too_late):
        inbox.bring_back(waiting, alice.membership)
    kept = arrive(alice)
    inbox.discard(kept, alice.membership)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox.purge_discarded() == 1
    assert not InboundMail.objects.filter(pk=waiting.pk).exists()
    assert waiting.raw.name is not None
    assert not default_storage.exists(waiting.raw.name)
    assert InboundMail.objects.filter(pk=kept.pk).exists()
    assert inbox.purge_discarded() == 0
