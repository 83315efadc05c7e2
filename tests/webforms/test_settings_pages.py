"""The settings pages of web forms: owners and administrators create, change and delete forms, see
the snippets to embed and the latest enquiries; everyone else is turned away."""

from __future__ import annotations

import html
import time

import pytest

from kontor.webforms import actions
from kontor.webforms.models import WebForm
from tests.webforms.conftest import enquiry, make_form


def _settings(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"name": "Rückruf", "language": "de", "show_first_name": "on", "show_email": "on",
                               "required_email": "on", "show_phone": "on", "tags": "Website, Rückruf",
                               "responsible": "", "thank_you_text": "", "redirect_url": "", "allowed_origins": ""}
    data.update(overrides)
    return data


def test_the_menu_links_to_web_forms_for_owners_and_admins_only(alice, carol, dave):
    assert "/webforms/" in alice.client.get("/").content.decode()
    assert "/webforms/" in dave.client.get("/").content.decode()
    assert "/webforms/" not in carol.client.get("/").content.decode()


def test_an_admin_creates_a_form_with_its_fields_tags_and_colleagues(dave, bob):
    response = dave.client.post("/webforms/new/", _settings(responsible=str(bob.user.pk), notify=[str(bob.user.pk)],
                                                            allowed_origins="https://www.example.com/\n"))
    webform = WebForm.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/webforms/{webform.pk}/"
    assert webform.fields == [{"key": "first_name", "required": False}, {"key": "last_name", "required": True},
                              {"key": "email", "required": True}, {"key": "phone", "required": False}]
    assert sorted(t.name for t in webform.tags.all()) == ["Rückruf", "Website"]
    assert webform.responsible == bob.user and list(webform.notify.all()) == [bob.user]
    assert webform.allowed_origins == ["https://www.example.com"]
    assert webform.language == "de"


def test_the_new_form_page_starts_with_sensible_defaults(alice):
    page = alice.client.get("/webforms/new/").content.decode()
    assert '<input type="checkbox" name="show_last_name" disabled id="id_show_last_name" checked>' in page
    assert '<input type="checkbox" name="required_email" id="id_required_email" checked>' in page
    assert '<input type="checkbox" name="show_phone" id="id_show_phone">' in page
    assert f'<option value="{alice.user.pk}" selected>Alice Adler</option>' in page


def test_bad_settings_are_shown_at_their_fields_and_nothing_is_saved(alice):
    assert "This field is required." in alice.client.post("/webforms/new/", _settings(name="")).content.decode()
    response = alice.client.post("/webforms/new/", _settings(redirect_url="ftp://example.com",
                                                             allowed_origins="http://insecure.example"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Rückruf"' in page
    assert "Enter a full web address starting with https://." in page
    assert html.escape("“http://insecure.example” is no website address like https://www.example.com.") in page
    assert not WebForm.objects.exists()


def test_members_and_power_users_are_turned_away(webform, bob, carol):
    for persona in (bob, carol):
        assert persona.client.get("/webforms/").status_code == 403
        assert persona.client.get("/webforms/new/").status_code == 403
        assert persona.client.post("/webforms/new/", _settings()).status_code == 403
        assert persona.client.get(f"/webforms/{webform.pk}/").status_code == 403
        assert persona.client.post(f"/webforms/{webform.pk}/delete/").status_code == 403
    assert WebForm.objects.count() == 1


def test_another_accounts_form_is_not_found(webform, oscar):
    for url in (f"/webforms/{webform.pk}/", f"/webforms/{webform.pk}/edit/", f"/webforms/{webform.pk}/delete/"):
        assert oscar.client.get(url).status_code == 404
    assert oscar.client.post(f"/webforms/{webform.pk}/delete/").status_code == 404
    assert WebForm.objects.filter(pk=webform.pk).exists()


def test_editing_keeps_what_is_not_changed(webform, alice, bob, carol):
    page = alice.client.get(f"/webforms/{webform.pk}/edit/").content.decode()
    assert 'value="Kontakt"' in page and "Website" in page
    alice.client.post(f"/webforms/{webform.pk}/edit/", _settings(
        name="Kontakt 2", responsible=str(bob.user.pk), notify=[str(carol.user.pk)], show_message="on"))
    webform.refresh_from_db()
    assert webform.name == "Kontakt 2"
    assert [f["key"] for f in webform.fields] == ["first_name", "last_name", "email", "phone", "message"]


def test_the_forms_page_shows_snippets_counts_and_the_latest_enquiries(webform, alice):
    submission = actions.submit(webform, enquiry(webform), actions.Client(address="203.0.113.7"))
    actions.submit(webform, enquiry(webform, homepage="spam"), actions.Client(address="203.0.113.8"))
    page = alice.client.get(f"/webforms/{webform.pk}/").content.decode()
    assert html.escape(f'<iframe src="http://127.0.0.1:8000/f/{webform.token}/embed/"') in page
    assert html.escape(f'<form action="http://127.0.0.1:8000/f/{webform.token}/" method="post"') in page
    assert html.escape('name="homepage" type="text" tabindex="-1" autocomplete="off"') in page
    assert html.escape(f'<script src="http://127.0.0.1:8000/f/{webform.token}/started.js" async>') in page
    assert 'data-copy="snippet-plain"' in page
    assert '<strong data-testid="submission-count">1</strong>' in page
    assert '<strong data-testid="spam-count">1</strong>' in page
    assert submission.person is not None
    assert f'<a href="/people/{submission.person.pk}/">Jonas Weber</a>' in page
    assert "jonas@weber.example" in page


def test_the_forms_page_lists_the_latest_fifty_enquiries_in_few_queries(webform, alice, settings,
                                                                        django_assert_max_num_queries):
    settings.WEBFORM_RATE_LIMIT = 100
    for number in range(52):
        actions.submit(webform, enquiry(webform, email=f"p{number}@example.com", last_name=f"Person {number}",
                                        started=actions.started_token(webform, at=time.time() - 10)),
                       actions.Client(address="203.0.113.7"))
    with django_assert_max_num_queries(12):
        page = alice.client.get(f"/webforms/{webform.pk}/").content.decode()
    assert "Person 51" in page and "Person 2<" in page and "Person 1<" not in page


def test_the_list_shows_every_form_with_its_counts(webform, alice):
    make_form(alice, name="Newsletter")
    page = alice.client.get("/webforms/").content.decode()
    assert "Kontakt" in page and "Newsletter" in page
    assert "0 enquiries" in page


def test_deleting_asks_first_and_then_removes_the_form(webform, alice):
    assert "Delete the web form “Kontakt”?" in alice.client.get(f"/webforms/{webform.pk}/delete/").content.decode()
    response = alice.client.post(f"/webforms/{webform.pk}/delete/")
    assert response["Location"] == "/webforms/"
    assert not WebForm.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_the_login(webform, client, method):
    response = getattr(client, method)(f"/webforms/{webform.pk}/edit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
