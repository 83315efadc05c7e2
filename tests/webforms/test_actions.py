"""What an enquiry through a web form does, called as the public pages call it: the person, the
company, the tags, the note, the follower, the notifications and their mail; and what it refuses."""

from __future__ import annotations

import re
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.contacts import actions as contact_actions
from kontor.contacts.models import Company, ContactDetail, Person, Position
from kontor.history.models import Entry
from kontor.notifications.models import Notification, NotificationType
from kontor.records.models import Watch
from kontor.webforms import actions
from kontor.webforms.models import Submission, WebForm
from tests.notifications.conftest import smtp, text_of  # noqa: F401 - the loopback SMTP server fixture
from tests.webforms.conftest import enquiry, make_form

VISITOR = actions.Client(address="203.0.113.7")


def _people() -> int:
    return Person.objects.count()


def test_a_new_visitor_becomes_a_person_with_company_tags_and_the_message_as_a_note(webform, alice, bob):
    submission = actions.submit(webform, enquiry(webform, phone="+49 171 2345678", company="Weber Bau GmbH"),
                                VISITOR)
    person = submission.person
    assert person is not None
    assert (person.first_name, person.last_name) == ("Jonas", "Weber")
    assert sorted(d.value for d in person.record.contact_details.all()) == ["+49 171 2345678",
                                                                            "jonas@weber.example"]
    assert Position.objects.get(person=person).company.name == "Weber Bau GmbH"
    assert [t.name for t in person.record.tags.all()] == ["Website"]
    assert person.record.responsible == bob.user
    entry = Entry.objects.get(links__record=person.record)
    assert entry.author == bob.user
    assert entry.subject == "Enquiry via web form “Kontakt”"
    assert entry.body.startswith("Bitte schicken Sie mir ein Angebot.")
    assert "Sent by a visitor of the website through the web form “Kontakt”; filed in the name of Bob Berger." \
        in entry.body
    assert Watch.objects.filter(record=person.record, user=bob.user).exists()
    assert (submission.state, submission.name, submission.email) == ("ok", "Jonas Weber", "jonas@weber.example")
    webform.refresh_from_db()
    assert (webform.submission_count, webform.spam_count) == (1, 0)


def test_a_known_e_mail_address_finds_the_person_instead_of_making_a_second(webform, alice):
    known = contact_actions.create_person(alice.membership, {"last_name": "Weber"}, contact_actions.Details(
        contact=[contact_actions.DetailData("email", "Jonas@Weber.example")]))
    submission = actions.submit(webform, enquiry(webform, email="JONAS@weber.example"), VISITOR)
    assert submission.person == known
    assert _people() == 1
    assert Entry.objects.filter(links__record=known.record).count() == 1


def test_a_person_in_the_trash_is_not_found_again(webform, alice):
    old = contact_actions.create_person(alice.membership, {"last_name": "Weber"}, contact_actions.Details(
        contact=[contact_actions.DetailData("email", "jonas@weber.example")]))
    from kontor.records import actions as record_actions
    record_actions.trash_record(old.record, alice.membership)
    assert actions.submit(webform, enquiry(webform), VISITOR).person != old


def test_another_accounts_person_with_the_same_address_is_not_touched(webform, oscar):
    theirs = contact_actions.create_person(oscar.membership, {"last_name": "Weber"}, contact_actions.Details(
        contact=[contact_actions.DetailData("email", "jonas@weber.example")]))
    submission = actions.submit(webform, enquiry(webform), VISITOR)
    assert submission.person is not None
    assert submission.person != theirs
    assert submission.person.account == webform.account


def test_the_company_is_found_by_its_name_whatever_the_case(webform, alice):
    company = contact_actions.create_company(alice.membership, {"name": "Müller Bau"})
    actions.submit(webform, enquiry(webform, company="MÜLLER BAU"), VISITOR)
    assert Company.objects.count() == 1
    assert Position.objects.get().company == company


def test_the_chosen_colleagues_are_notified_in_the_app_and_by_mail(webform, carol, smtp,  # noqa: F811
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = actions.submit(webform, enquiry(webform), VISITOR)
    assert submission.person is not None
    notification = Notification.objects.get(recipient=carol.user)
    assert notification.type == NotificationType.WEBFORM
    assert notification.actor is None
    assert notification.record == submission.person.record
    assert notification.headline() == "New enquiry from the website: Jonas Weber (Kontakt)"
    [message] = smtp.messages
    assert smtp.envelopes == [[carol.user.email]]
    assert message["Subject"] == "New enquiry from the website: Jonas Weber (Kontakt)"
    assert "Bitte schicken Sie mir ein Angebot." in text_of(message)
    assert submission.person.get_absolute_url() in text_of(message)


def test_a_visitor_cannot_ping_colleagues_with_an_at_mention(webform, dave, smtp,  # noqa: F811
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(webform, enquiry(webform, message="@Dave please call me"), VISITOR)
    assert not Notification.objects.filter(recipient=dave.user).exists()
    assert smtp.envelopes == [[webform.notify.get().email]]


def test_without_a_responsible_user_the_note_is_filed_in_the_owners_name(alice, carol):
    webform = make_form(alice, notify_ids=[carol.user.pk])
    submission = actions.submit(webform, enquiry(webform), VISITOR)
    assert Entry.objects.get().author == alice.user
    assert submission.person is not None
    assert submission.person.record.responsible == alice.user


def test_a_filled_honeypot_is_counted_as_spam_and_stores_nothing(webform):
    submission = actions.submit(webform, enquiry(webform, homepage="http://spam.example"), VISITOR)
    assert submission.state == "spam"
    assert (_people(), Entry.objects.count(), Notification.objects.count()) == (0, 0, 0)
    assert (submission.name, submission.email, submission.person) == ("", "", None)
    webform.refresh_from_db()
    assert (webform.submission_count, webform.spam_count) == (0, 1)


def test_a_form_sent_faster_than_a_person_can_type_is_spam(webform):
    submission = actions.submit(webform, enquiry(webform, started=actions.started_token(webform)), VISITOR)
    assert submission.state == "spam"
    assert _people() == 0


def test_an_incomplete_form_sent_at_once_shows_what_is_missing_rather_than_counting_as_spam(webform):
    with pytest.raises(actions.InvalidEnquiry, match="This field is required") as refused:
        actions.submit(webform, {"started": actions.started_token(webform), "homepage": ""}, VISITOR)
    assert "last_name" in refused.value.form.errors
    assert Submission.objects.count() == 0


def test_an_enquiry_whose_form_was_deleted_on_the_way_is_refused_without_a_trace(webform, alice):
    stale_copy = WebForm.objects.get(pk=webform.pk)
    actions.delete_webform(webform, alice.membership)
    # The refusals a visitor may see are told apart by their type; the public page words each one.
    with pytest.raises(actions.FormGone, match=r"^$"):
        actions.submit(stale_copy, enquiry(stale_copy), VISITOR)
    assert (_people(), Entry.objects.count(), Submission.objects.count()) == (0, 0, 0)


def test_the_rate_limit_is_counted_after_the_forms_row_is_locked(webform):
    with CaptureQueriesContext(connection) as queries:
        actions.submit(webform, enquiry(webform, homepage="x"), VISITOR)
    statements = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, sql in enumerate(statements) if 'FROM "webforms_webform"' in sql)
    count = next(i for i, sql in enumerate(statements) if "COUNT(" in sql and "webforms_submission" in sql)
    assert lock < count


def test_a_form_left_open_for_more_than_a_day_must_be_sent_again(webform):
    stale = actions.started_token(webform, at=time.time() - 25 * 60 * 60)
    with pytest.raises(actions.SendAgain, match=r"^$"):
        actions.submit(webform, enquiry(webform, started=stale), VISITOR)
    assert _people() == 0


@pytest.mark.parametrize("started", ["", "nonsense", "s:1abc:forged"])
def test_a_missing_or_forged_time_token_asks_to_send_again(webform, started):
    with pytest.raises(actions.SendAgain, match=r"^$"):
        actions.submit(webform, enquiry(webform, started=started), VISITOR)
    assert (_people(), Submission.objects.count()) == (0, 0)


def test_the_time_token_of_another_form_is_not_accepted(webform, alice):
    other = make_form(alice, name="Newsletter")
    with pytest.raises(actions.SendAgain, match=r"^$"):
        actions.submit(webform, enquiry(webform, started=actions.started_token(other, at=time.time() - 10)),
                       VISITOR)
    assert (_people(), Submission.objects.count()) == (0, 0)


def test_bad_input_creates_nothing_and_names_the_fields(webform):
    not_an_address = re.escape("“jonas(at)weber” is not a valid e-mail address")
    with pytest.raises(actions.InvalidEnquiry, match=not_an_address) as refused:
        actions.submit(webform, enquiry(webform, last_name="", email="jonas(at)weber"), VISITOR)
    assert set(refused.value.form.errors) == {"last_name", "email"}
    assert (_people(), Entry.objects.count(), Submission.objects.count()) == (0, 0, 0)


def test_fields_longer_than_their_limits_are_refused(webform):
    with pytest.raises(actions.InvalidEnquiry, match="Ensure this value has at most 5000 characters") as refused:
        actions.submit(webform, enquiry(webform, message="x" * 5001, first_name="J" * 101), VISITOR)
    assert set(refused.value.form.errors) == {"message", "first_name"}


def test_fields_the_form_does_not_show_are_ignored(alice):
    webform = make_form(alice, fields=[{"key": "last_name", "required": True}])
    submission = actions.submit(webform, enquiry(webform, company="Sneaky AG", phone="123"), VISITOR)
    assert Company.objects.count() == 0
    assert submission.person is not None
    assert not ContactDetail.objects.filter(record=submission.person.record).exists()


def test_the_sixth_enquiry_from_one_address_within_ten_minutes_is_refused(webform):
    for _ in range(5):
        actions.submit(webform, enquiry(webform, homepage="x"), VISITOR)
    with pytest.raises(actions.RateLimited, match=r"^$"):
        actions.submit(webform, enquiry(webform), VISITOR)
    actions.submit(webform, enquiry(webform), actions.Client(address="198.51.100.1"))  # others still may
    assert _people() == 1


def test_the_address_is_kept_hashed_and_only_for_the_rate_limit_window(webform):
    submission = actions.submit(webform, enquiry(webform), VISITOR)
    assert submission.client_hash and "203.0.113.7" not in submission.client_hash
    assert actions.forget_client_addresses(now=time.time() + 5 * 60) == 0
    assert actions.forget_client_addresses(now=time.time() + 11 * 60) == 1
    submission.refresh_from_db()
    assert submission.client_hash == ""


def test_spam_leaves_no_row_behind_once_the_window_is_over_but_stays_counted(webform):
    actions.submit(webform, enquiry(webform, homepage="x"), VISITOR)
    actions.submit(webform, enquiry(webform), VISITOR)
    assert actions.forget_client_addresses(now=time.time() + 11 * 60) == 2
    assert list(Submission.objects.values_list("state", flat=True)) == ["ok"]
    webform.refresh_from_db()
    assert (webform.submission_count, webform.spam_count) == (1, 1)
    assert actions.forget_client_addresses(now=time.time() + 11 * 60) == 0


def test_an_allow_list_refuses_other_websites_and_accepts_its_own(alice):
    webform = make_form(alice, allowed_origins=["https://www.weber.example/"])
    assert webform.allowed_origins == ["https://www.weber.example"]
    for origin in ("", "https://evil.example", "http://www.weber.example"):
        with pytest.raises(actions.OriginRefused, match=r"^$"):
            actions.submit(webform, enquiry(webform), actions.Client(address="1.2.3.4", origin=origin))
    assert (_people(), Submission.objects.count()) == (0, 0)
    actions.submit(webform, enquiry(webform), actions.Client(address="1.2.3.4", origin="https://www.weber.example"))
    actions.submit(webform, enquiry(webform, email="b@weber.example"), actions.Client(
        address="1.2.3.4", origin="http://testserver", own_origin="http://testserver"))
    assert _people() == 2


def test_a_website_with_umlauts_is_stored_as_the_browser_names_it(alice):
    webform = make_form(alice, allowed_origins=["https://www.Müller-Bau.de/"])
    assert webform.allowed_origins == ["https://www.xn--mller-bau-q9a.de"]
    actions.submit(webform, enquiry(webform), actions.Client(address="1.2.3.4",
                                                             origin="https://www.xn--mller-bau-q9a.de"))
    assert _people() == 1


@pytest.mark.parametrize("origin", ["https://a b.example", "https://a.example;script-src *", "https://-a.example",
                                    "https://a..example", "https://" + "a" * 300 + ".example"])
def test_an_allowed_website_is_a_host_name_and_nothing_else(alice, origin):
    no_website = re.escape(f"“{origin}” is no website address like https://www.example.com")
    with pytest.raises(ValidationError, match=no_website) as refused:
        make_form(alice, allowed_origins=[origin])
    assert set(refused.value.message_dict) == {"allowed_origins"}


def test_only_owners_and_admins_set_up_forms(alice, bob, dave):
    make_form(dave)
    with pytest.raises(PermissionDenied, match="Only owners and administrators set up web forms"):
        make_form(bob)
    assert WebForm.objects.count() == 1


def test_form_settings_are_checked_field_by_field(alice, oscar):
    with pytest.raises(ValidationError, match="Please give the form a name") as refused:
        make_form(alice, name=" ", fields=[{"key": "email"}], responsible_id=oscar.user.pk,
                  notify_ids=[oscar.user.pk], redirect_url="javascript:alert(1)", language="fr",
                  allowed_origins=["http://www.example.com", "https://x.example/path"], tags=["x" * 61])
    assert set(refused.value.message_dict) == {"name", "fields", "responsible_id", "notify_ids", "redirect_url",
                                               "language", "allowed_origins", "tags"}
    assert WebForm.objects.count() == 0


def test_the_last_name_is_always_required(alice):
    webform = make_form(alice, fields=[{"key": "last_name", "required": False}, {"key": "email"}])
    assert webform.fields == [{"key": "last_name", "required": True}, {"key": "email", "required": False}]
