"""emit(): every action tells the subscribed webhooks, and only them. No query when nobody
listens; one import.finished per import, not an event per row; another account hears nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.files import actions as file_actions
from kontor.history import actions as history_actions
from kontor.mail import inbox as mail_inbox
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions
from kontor.tasks import actions as task_actions
from kontor.transfer import actions as import_actions
from kontor.webforms import actions as webform_actions
from kontor.webhooks import actions
from kontor.webhooks import delivery as webhook_delivery
from kontor.webhooks.models import Delivery
from tests.mail.arrivals import arrive
from tests.webforms.conftest import enquiry, make_form
from tests.webhooks.conftest import subscribe


def events() -> list[str]:
    return list(Delivery.objects.order_by("pk").values_list("event", flat=True))


def test_the_record_actions_emit_created_updated_won_lost_and_deleted(alice, receiver):
    subscribe(alice, receiver.url, ["*"])
    by = alice.membership

    person = contact_actions.create_person(by, {"last_name": "Adler"})
    contact_actions.update_person(person, by, {"first_name": "Anna"})
    company = contact_actions.create_company(by, {"name": "Adler GmbH"})
    contact_actions.update_company(company, by, {"name": "Adler AG"})
    deal = deal_actions.create_deal(by, {"name": "Relaunch"})
    deal_actions.win_deal(deal, by)
    lost = deal_actions.create_deal(by, {"name": "Wartung"})
    deal_actions.lose_deal(lost, by)
    project = project_actions.create_project(by, {"name": "Umzug"})
    project_actions.update_project(project, by, {"description": "nach Berlin"})
    record_actions.trash_record(company.record, by)

    found = events()
    assert found[:4] == ["person.created", "person.updated", "company.created", "company.updated"]
    assert found.count("deal.won") == 1 and found.count("deal.lost") == 1
    assert found.count("deal.updated") == 2 and found.count("deal.created") == 2
    assert {"project.created", "project.updated", "company.deleted"} <= set(found)
    won = Delivery.objects.get(event="deal.won")
    assert won.data["id"] == deal.pk and won.data["state"] == "won"
    assert Delivery.objects.get(event="person.updated").data["first_name"] == "Anna"


def test_tasks_notes_comments_and_files_emit_their_events(alice, receiver):
    subscribe(alice, receiver.url, ["*"])
    by = alice.membership
    person = contact_actions.create_person(by, {"last_name": "Adler"})
    Delivery.objects.all().delete()

    task = task_actions.create_task(by, {"title": "Anrufen"}, record=person.record)
    task_actions.update_task(task, by, {"title": "Zurückrufen"})
    task_actions.complete_task(task, by)
    task_actions.delete_task(task, by)
    note = history_actions.add_note(by, [person.record], "Erstes Gespräch")
    history_actions.update_note(note, by, "Erstes Gespräch, gut")
    comment = history_actions.add_comment(by, "Sehr gut", entry=note)
    history_actions.delete_comment(comment, by)
    upload = file_actions.upload_file(by, SimpleUploadedFile("a.txt", b"hallo"), record=person.record)
    file_actions.delete_file(upload, by)
    history_actions.delete_note(note, by)

    found = events()
    # Completing writes a note into the record's history: its note.created follows the task's update.
    assert found[:5] == ["task.created", "task.updated", "task.updated", "note.created", "task.deleted"]
    assert found[5:] == ["note.created", "note.updated", "comment.created", "comment.deleted", "file.created",
                         "file.deleted", "note.deleted"]
    deleted_task = Delivery.objects.get(event="task.deleted")
    assert deleted_task.data["title"] == "Zurückrufen" and deleted_task.data["done_at"] is not None
    assert Delivery.objects.get(event="file.created").data["name"] == "a.txt"


def test_filing_an_email_emits_email_created(alice, receiver):
    person = contact_actions.create_person(alice.membership, {"last_name": "Berger"})
    subscribe(alice, receiver.url, ["email.created"])
    waiting = arrive(alice, subject="Angebot")

    entry = mail_inbox.file_from_inbox(waiting, [person.record], alice.membership)

    delivery = Delivery.objects.get()
    assert delivery.event == "email.created"
    assert delivery.data["id"] == entry.pk and delivery.data["subject"] == "Angebot"
    assert delivery.data["from"]["email"] == "anna.berger@kunde.example"


def test_an_import_emits_one_import_finished_and_no_event_per_row(alice, receiver,
                                                                   django_capture_on_commit_callbacks):
    subscribe(alice, receiver.url, ["*"])
    rows = "\n".join(f"Vorname{n};Nachname{n}" for n in range(50))
    imported = import_actions.upload_import(alice.membership, ("Vorname;Nachname\n" + rows).encode(), "k.csv")

    with django_capture_on_commit_callbacks(execute=True):
        import_actions.start_import(imported, alice.membership)

    [delivery] = Delivery.objects.all()
    assert delivery.event == "import.finished"
    assert delivery.data["id"] == imported.pk and delivery.data["state"] == "done" and delivery.data["created"] == 50
    assert receiver.requests[0].json["event"] == "import.finished"


def test_a_web_form_enquiry_emits_webform_submitted(alice, receiver):
    form = make_form(alice)
    subscribe(alice, receiver.url, ["webform.submitted"])

    submission = webform_actions.submit(form, enquiry(form), webform_actions.Client("203.0.113.9"))

    [delivery] = Delivery.objects.all()
    assert delivery.data["id"] == submission.pk and delivery.data["form_name"] == "Kontakt"
    assert delivery.data["person"]["last_name"] == "Weber"


def test_only_the_chosen_events_of_active_webhooks_of_the_own_account_are_recorded(alice, oscar, receiver):
    wanted, _secret = subscribe(alice, receiver.url, ["deal.won"])
    subscribe(oscar, receiver.url, ["*"])
    off, _secret = subscribe(alice, receiver.url, ["*"])
    actions.update_subscription(off, alice.membership, {"is_active": False})

    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"})
    deal_actions.win_deal(deal, alice.membership)

    assert [(d.subscription_id, d.event, d.account_id) for d in Delivery.objects.all()] == [
        (wanted.pk, "deal.won", alice.account.pk)]


def test_without_a_listening_webhook_emit_costs_no_query_and_writes_nothing(alice, receiver,
                                                                           django_assert_num_queries):
    person = contact_actions.create_person(alice.membership, {"last_name": "Adler"})
    subscribe(alice, receiver.url, ["deal.won"])

    with django_assert_num_queries(0):
        assert actions.emit(alice.account, "person.updated", person) == []
    with django_assert_num_queries(1):  # given only the account's id, it asks the database
        assert actions.emit(alice.account.pk, "person.updated", person) == []
    assert not Delivery.objects.exists()


def test_the_account_knows_what_its_webhooks_listen_to_through_every_change(alice, receiver):
    from kontor.accounts.models import Account

    def stored() -> list[str]:
        return Account.objects.get(pk=alice.account.pk).webhook_events

    assert stored() == []
    first, _secret = subscribe(alice, receiver.url, ["person.created", "deal.won"])
    second, _secret = subscribe(alice, receiver.url, ["task.created"])
    assert stored() == alice.account.webhook_events == ["deal.won", "person.created", "task.created"]
    actions.update_subscription(first, alice.membership, {"events": ["*"]})
    assert stored() == ["*"]
    actions.update_subscription(first, alice.membership, {"is_active": False})
    assert stored() == ["task.created"]
    webhook_delivery.switch_off(second, second.created_at)
    assert stored() == []
    actions.update_subscription(second, alice.membership, {"is_active": True})
    assert stored() == ["task.created"]
    actions.delete_subscription(second, alice.membership)
    assert stored() == []


def test_a_webhook_made_in_another_process_is_heard_by_the_next_request(alice, receiver):
    # The account a request or job loads carries what listens; a subscription made elsewhere (here:
    # on another copy of the account) is seen by every account loaded after it.
    from kontor.accounts.models import Membership

    elsewhere = Membership.objects.select_related("account", "user").get(pk=alice.membership.pk)
    actions.create_subscription(elsewhere, receiver.url, ["person.created"])
    assert alice.account.webhook_events == []  # this copy was loaded before
    fresh = Membership.objects.select_related("account", "user").get(pk=alice.membership.pk)
    contact_actions.create_person(fresh, {"last_name": "Adler"})
    assert events() == ["person.created"]


def test_the_log_keeps_the_last_hundred_deliveries(alice, receiver):
    subscription, _secret = subscribe(alice, receiver.url, ["person.created"])
    for number in range(105):
        contact_actions.create_person(alice.membership, {"last_name": f"P{number}"})

    assert webhook_delivery.deliver_due() == 105

    kept = subscription.deliveries.order_by("pk")
    assert kept.count() == 100 and len(receiver.requests) == 105
    assert kept.first().data["last_name"] == "P5" and kept.last().data["last_name"] == "P104"
