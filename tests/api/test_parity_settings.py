"""/api/v1/settings/profile, /calendar and /dropbox, and POST /api/v1/files/{id}/restore."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from kontor.contacts import actions as contact_actions
from kontor.files import actions as file_actions
from kontor.files.models import Attachment
from kontor.mail.dropbox import dropbox_for
from kontor.tasks import actions as task_actions


def test_change_name_language_and_time_zone(api, carol):
    client = api(carol)
    response = client.patch("/settings/profile", {"name": "Carol Cramer", "language": "de",
                                                  "time_zone": "America/New_York"})
    assert response.status_code == 200
    assert response.json() == {"name": "Carol Cramer", "email": carol.user.email, "language": "de",
                               "time_zone": "America/New_York"}
    carol.user.refresh_from_db()
    assert (carol.user.name, carol.user.language) == ("Carol Cramer", "de")
    assert client.patch("/settings/profile", {}).json()["name"] == "Carol Cramer"  # left out, kept


def test_a_bad_profile_is_refused_and_nothing_changes(api, carol):
    client = api(carol)
    zone = client.patch("/settings/profile", {"name": "Neu", "time_zone": "Mars/Olympus"})
    assert zone.status_code == 422
    assert zone.json()["detail"][0]["loc"] == ["body", "time_zone"]
    assert client.patch("/settings/profile", {"language": "fr"}).status_code == 422
    assert client.patch("/settings/profile", {"name": " "}).status_code == 422
    assert client.patch("/settings/profile", {"email": "x@example.com"}).json()["email"] == carol.user.email
    carol.user.refresh_from_db()
    assert (carol.user.name, carol.user.time_zone) == ("Carol Clausen", "Europe/Berlin")


def test_the_calendar_feed_scope_and_a_new_address(api, carol):
    client = api(carol)
    before = client.get("/settings/calendar").json()
    assert before["include_team"] is False
    assert client.patch("/settings/calendar", {"include_team": True}).json()["include_team"] is True
    assert task_actions.calendar_feed_for(carol.membership).include_team is True
    renewed = client.post("/settings/calendar/new-address").json()
    assert renewed["calendar_url"] != before["calendar_url"]
    assert client.get("/users/me").json()["calendar_url"] == renewed["calendar_url"]
    assert client.patch("/settings/calendar", {"include_team": "sometimes"}).status_code == 422


def test_a_new_dropbox_address_replaces_the_old(api, alice, carol):
    old = dropbox_for(carol.membership).address
    response = api(carol).post("/settings/dropbox/new-address")
    assert response.status_code == 200
    assert response.json()["dropbox_email"] not in (old, dropbox_for(alice.membership).address)
    assert api(carol).get("/users/me").json()["dropbox_email"] == response.json()["dropbox_email"]


def _deleted_file(persona):
    person = contact_actions.create_person(persona.membership, {"last_name": "Adler"})
    attachment = file_actions.upload_file(persona.membership, SimpleUploadedFile("Angebot.pdf", b"%PDF-1.4\n"),
                                          record=person.record)
    file_actions.delete_file(attachment, persona.membership)
    return attachment


def test_restore_a_deleted_file(api, carol):
    attachment = _deleted_file(carol)
    response = api(carol).post(f"/files/{attachment.pk}/restore")
    assert response.status_code == 200
    assert response.json()["name"] == "Angebot.pdf"
    assert Attachment.objects.get(pk=attachment.pk).deleted_at is None
    assert api(carol).post(f"/files/{attachment.pk}/restore").status_code == 404  # not deleted now


def test_only_who_may_delete_a_file_restores_it(api, bob, carol, oscar):
    attachment = _deleted_file(bob)
    assert api(carol).post(f"/files/{attachment.pk}/restore").status_code == 403
    assert api(oscar).post(f"/files/{attachment.pk}/restore").status_code == 404
    assert Attachment.objects.get(pk=attachment.pk).deleted_at is not None
