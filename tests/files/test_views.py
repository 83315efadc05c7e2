"""The Files card, the paperclip on entries, the Files area, downloads and deletes, as pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.deals import actions as deal_actions
from kontor.files import actions
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from kontor.projects import actions as project_actions
from kontor.records import actions as record_actions

from .conftest import PDF, png_bytes, put_file, upload

HTMX = {"HTTP_HX_REQUEST": "true"}


def _upload_url(record) -> str:  # noqa: ANN001
    return reverse("files:upload", args=[record.pk])


def test_uploading_onto_a_person_page_without_javascript(alice, anna):
    response = alice.client.post(_upload_url(anna.record), {"file": upload("Angebot.pdf")})
    assert response.status_code == 302
    assert response["Location"] == f"{anna.record.get_absolute_url()}#files-{anna.record.pk}"
    page = alice.client.get(response["Location"]).content.decode()
    assert "The file has been uploaded." in page
    assert "Angebot.pdf" in page
    assert Attachment.objects.get().record == anna.record


def test_uploading_several_files_with_htmx_returns_the_card(alice, anna):
    response = alice.client.post(_upload_url(anna.record), {"file": [upload("a.pdf"), upload("b.pdf")]}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="files-{anna.record.pk}"' in body and "a.pdf" in body and "b.pdf" in body
    assert Attachment.objects.count() == 2


def test_a_too_large_file_gets_a_clear_message_and_nothing_is_stored(alice, anna, settings):
    settings.KONTOR_MAX_UPLOAD_BYTES = 10
    response = alice.client.post(_upload_url(anna.record), {"file": upload("big.pdf")}, **HTMX)
    assert "too large" in response.content.decode() and "big.pdf" in response.content.decode()
    response = alice.client.post(_upload_url(anna.record), {"file": upload("big.pdf")}, follow=True)
    assert "too large" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_gets_a_message(alice, anna):
    response = alice.client.post(_upload_url(anna.record), {}, follow=True)
    assert "Please choose a file to upload." in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_outsider_cannot_upload_onto_another_accounts_record(oscar, anna):
    response = oscar.client.post(_upload_url(anna.record), {"file": upload()})
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_every_record_page_has_a_files_card(alice, anna):
    company = contact_actions.create_company(alice.membership, {"name": "Müller GmbH"})
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch"}, stage="won", people=[anna])
    project = project_actions.create_project_from_deal(deal, alice.membership)
    for record in (anna.record, company.record, deal.record, project.record):
        put_file(alice, record, name=f"{record.kind}.pdf")
        page = alice.client.get(record.get_absolute_url()).content.decode()
        assert 'data-testid="record-files"' in page and f"{record.kind}.pdf" in page, record.kind


def test_attaching_a_file_to_a_history_entry(alice, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Angebot besprochen")
    url = reverse("files:upload_entry", args=[anna.record.pk, entry.pk])
    response = alice.client.post(url, {"file": upload("Protokoll.pdf")}, **HTMX)
    assert f'id="entry-files-{entry.pk}"' in response.content.decode()
    assert "Protokoll.pdf" in response.content.decode()
    response = alice.client.post(url, {"file": upload("Zweites.pdf")})
    assert response["Location"].endswith(f"#entry-{entry.pk}")
    page = alice.client.get(anna.record.get_absolute_url()).content.decode()
    assert "Protokoll.pdf" in page and "Zweites.pdf" in page
    assert set(Attachment.objects.values_list("entry_id", flat=True)) == {entry.pk}


def test_the_record_page_with_many_files_on_entries_has_a_fixed_query_count(alice, anna,
                                                                            django_assert_max_num_queries):
    for number in range(3):
        entry = history_actions.add_note(alice.membership, [anna.record], f"Notiz {number}")
        put_file(alice, anna.record, name=f"{number}.pdf", entry=entry)
    alice.client.get(anna.record.get_absolute_url())
    with django_assert_max_num_queries(40) as few:
        alice.client.get(anna.record.get_absolute_url())
    for number in range(3, 15):
        entry = history_actions.add_note(alice.membership, [anna.record], f"Notiz {number}")
        put_file(alice, anna.record, name=f"{number}.png", content=png_bytes((20, 20)), entry=entry)
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice.client.get(anna.record.get_absolute_url())


def test_a_pdf_opens_in_the_browser_with_safe_headers(alice, anna):
    attachment = put_file(alice, anna.record, name="Angebot März.pdf")
    response = alice.client.get(reverse("files:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "Angebot%20M%C3%A4rz.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_asking_for_a_download_gives_an_attachment(alice, anna):
    attachment = put_file(alice, anna.record)
    response = alice.client.get(reverse("files:download", args=[attachment.pk]) + "?download=1")
    assert response["Content-Disposition"].startswith("attachment;")


def test_html_is_never_served_as_html(alice, anna):
    attachment = actions.upload_file(alice.membership, upload("x.html", b"<html><script>1</script>", "text/html"),
                                     record=anna.record)
    response = alice.client.get(reverse("files:download", args=[attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith('attachment; filename="x.html"')
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_images_thumbnail_is_served_to_members_only(alice, oscar, anna):
    attachment = put_file(alice, anna.record, name="logo.png", content=png_bytes())
    url = reverse("files:thumbnail", args=[attachment.pk])
    response = alice.client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert oscar.client.get(url).status_code == 404
    pdf = put_file(alice, anna.record)
    assert alice.client.get(reverse("files:thumbnail", args=[pdf.pk])).status_code == 404


def test_another_accounts_file_is_a_404_like_a_missing_one(alice, oscar, anna, client):
    attachment = put_file(alice, anna.record)
    url = reverse("files:download", args=[attachment.pk])
    response = oscar.client.get(url)
    missing = oscar.client.get(reverse("files:download", args=[attachment.pk + 1000]))
    assert response.status_code == missing.status_code == 404
    assert "This page does not exist, or it is not yours to see." in response.content.decode()
    assert "This page does not exist, or it is not yours to see." in missing.content.decode()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_a_file_on_a_trashed_record_cannot_be_downloaded_until_restored(alice, anna):
    attachment = put_file(alice, anna.record)
    url = reverse("files:download", args=[attachment.pk])
    record_actions.trash_record(anna.record, alice.membership)
    assert alice.client.get(url).status_code == 404
    assert "offer.pdf" not in alice.client.get(reverse("files:list")).content.decode()
    record_actions.restore_record(anna.record, alice.membership)
    assert alice.client.get(url).status_code == 200


def test_deleting_with_htmx_offers_an_undo(alice, anna):
    attachment = put_file(alice, anna.record)
    response = alice.client.post(reverse("files:delete", args=[attachment.pk]), **HTMX)
    assert "has been deleted" in response.content.decode()
    assert alice.client.get(reverse("files:download", args=[attachment.pk])).status_code == 404
    response = alice.client.post(reverse("files:restore", args=[attachment.pk]), **HTMX)
    assert "offer.pdf" in response.content.decode()
    assert alice.client.get(reverse("files:download", args=[attachment.pk])).status_code == 200


def test_deleting_without_javascript_asks_first(alice, anna):
    attachment = put_file(alice, anna.record)
    url = reverse("files:delete", args=[attachment.pk])
    assert "Delete this file?" in alice.client.get(url).content.decode()
    response = alice.client.post(url, {"next": anna.record.get_absolute_url()})
    assert response["Location"] == anna.record.get_absolute_url()
    assert Attachment.objects.get().deleted_at is not None


def test_a_deletes_next_address_must_be_on_this_site(alice, anna):
    attachment = put_file(alice, anna.record)
    response = alice.client.post(reverse("files:delete", args=[attachment.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == anna.record.get_absolute_url()


def test_member_cannot_delete_a_colleagues_file_but_power_can(alice, bob, carol, anna):
    attachment = put_file(alice, anna.record)
    url = reverse("files:delete", args=[attachment.pk])
    assert carol.client.post(url).status_code == 403
    assert Attachment.objects.get().deleted_at is None
    assert "files:delete" not in carol.client.get(anna.record.get_absolute_url()).content.decode()
    assert bob.client.post(url).status_code == 302
    assert Attachment.objects.get().deleted_at is not None


def test_the_outsider_cannot_delete(alice, oscar, anna):
    attachment = put_file(alice, anna.record)
    assert oscar.client.post(reverse("files:delete", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.get().deleted_at is None


class TestTheFilesArea:
    @pytest.fixture
    def files(self, alice, bob, anna):
        company = contact_actions.create_company(alice.membership, {"name": "Berger KG"})
        return {
            "offer": put_file(alice, anna.record, name="Angebot 2025.pdf"),
            "photo": put_file(bob, company.record, name="Messe.png", content=png_bytes()),
            "sheet": put_file(bob, anna.record, name="Preise.csv", content=b"a;b\n1;2\n"),
            "company": company,
        }

    def _names(self, persona, **params) -> set[str]:  # noqa: ANN001
        page = persona.client.get(reverse("files:list"), params).content.decode()
        return {name for name in ("Angebot 2025.pdf", "Messe.png", "Preise.csv") if name in page}

    def test_lists_every_file_of_the_account(self, alice, files):
        assert self._names(alice) == {"Angebot 2025.pdf", "Messe.png", "Preise.csv"}

    def test_filters_by_record_uploader_type_and_name(self, alice, bob, anna, files):
        assert self._names(alice, record=anna.record.pk) == {"Angebot 2025.pdf", "Preise.csv"}
        assert self._names(alice, uploader=bob.user.pk) == {"Messe.png", "Preise.csv"}
        assert self._names(alice, type="image") == {"Messe.png"}
        assert self._names(alice, type="pdf") == {"Angebot 2025.pdf"}
        assert self._names(alice, type="office") == {"Preise.csv"}
        assert self._names(alice, q="angebot") == {"Angebot 2025.pdf"}
        assert self._names(alice, on="berger") == {"Messe.png"}
        assert self._names(alice, on="müller anna") == {"Angebot 2025.pdf", "Preise.csv"}

    def test_filters_by_date(self, alice, files):
        Attachment.objects.filter(pk=files["offer"].pk).update(created_at=timezone.now() - dt.timedelta(days=40))
        last_week = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
        assert self._names(alice, date_from=last_week) == {"Messe.png", "Preise.csv"}
        assert self._names(alice, date_to=last_week) == {"Angebot 2025.pdf"}

    def test_bad_filter_values_are_ignored(self, alice, files):
        assert self._names(alice, type="exe", date_from="gestern", page="x", uploader="abc") == {
            "Angebot 2025.pdf", "Messe.png", "Preise.csv"}

    def test_htmx_gets_only_the_results(self, alice, files):
        response = alice.client.get(reverse("files:list"), {"q": "Messe"}, **HTMX)
        body = response.content.decode()
        assert 'id="results"' in body and "<html" not in body and "Messe.png" in body

    def test_shows_nothing_of_another_account(self, oscar, files):
        assert self._names(oscar) == set()
        assert self._names(oscar, record=files["company"].record.pk) == set()

    def test_has_a_fixed_query_count(self, alice, bob, anna, files, django_assert_max_num_queries):
        alice.client.get(reverse("files:list"))
        with django_assert_max_num_queries(12) as few:
            alice.client.get(reverse("files:list"))
        for number in range(20):
            put_file(bob if number % 2 else alice, anna.record, name=f"{number}.png", content=png_bytes((10, 10)))
        with django_assert_max_num_queries(len(few.captured_queries)):
            alice.client.get(reverse("files:list"))

    def test_pages_are_bounded(self, alice, anna, files, monkeypatch):
        from kontor.files import views
        monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
        first = alice.client.get(reverse("files:list")).content.decode()
        assert 'rel="next"' in first
        second = alice.client.get(reverse("files:list"), {"page": 2}).content.decode()
        assert 'rel="next"' not in second and 'rel="prev"' in second
        assert alice.client.get(reverse("files:list"), {"page": 10_000}).status_code == 200

    def test_an_empty_account_explains_the_area(self, oscar):
        assert "No files yet" in oscar.client.get(reverse("files:list")).content.decode()


def test_a_refused_upload_onto_an_entry_says_why(alice, anna, settings):
    settings.KONTOR_MAX_UPLOAD_BYTES = 10
    entry = history_actions.add_note(alice.membership, [anna.record], "Angebot besprochen")
    url = reverse("files:upload_entry", args=[anna.record.pk, entry.pk])
    response = alice.client.post(url, {"file": upload("big.pdf")}, **HTMX)
    assert "too large" in response.content.decode() and 'role="alert"' in response.content.decode()
    response = alice.client.post(url, {"file": upload("big.pdf")}, follow=True)
    assert "too large" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_entry_of_another_record_cannot_take_files_from_this_one(alice, anna):
    other = contact_actions.create_person(alice.membership, {"last_name": "Other"})
    entry = history_actions.add_note(alice.membership, [other.record], "Anderswo")
    url = reverse("files:upload_entry", args=[anna.record.pk, entry.pk])
    response = alice.client.post(url, {"file": upload()}, follow=True)
    assert "does not belong to that record" in response.content.decode()
    assert not Attachment.objects.exists()


def test_files_on_a_confidential_note_are_not_shown_to_members(alice, carol, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Vertraulich", confidential=True)
    put_file(alice, anna.record, name="Gehaltsliste.pdf", entry=entry)
    assert "Gehaltsliste.pdf" in alice.client.get(anna.record.get_absolute_url()).content.decode()
    assert "Gehaltsliste.pdf" not in carol.client.get(anna.record.get_absolute_url()).content.decode()
    assert "Gehaltsliste.pdf" not in carol.client.get(reverse("files:list")).content.decode()


def test_more_than_twenty_files_at_once_are_refused(alice, anna):
    files = [upload(f"{number}.pdf") for number in range(21)]
    response = alice.client.post(_upload_url(anna.record), {"file": files}, follow=True)
    assert "at most 20 files at once" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_whose_bytes_are_gone_is_a_404(alice, anna):
    from django.core.files.storage import default_storage
    attachment = put_file(alice, anna.record)
    default_storage.delete(attachment.file.name)
    assert alice.client.get(reverse("files:download", args=[attachment.pk])).status_code == 404


def test_several_files_without_javascript_are_counted_in_the_message(alice, anna):
    response = alice.client.post(_upload_url(anna.record), {"file": [upload("a.pdf"), upload("b.pdf")]}, follow=True)
    assert "2 files have been uploaded." in response.content.decode()


def test_the_detail_page_tells_what_a_file_is_and_where_it_belongs(alice, carol, oscar, anna,
                                                                   django_assert_max_num_queries):
    entry = history_actions.add_note(alice.membership, [anna.record], "Fotos vom Termin")
    attachment = put_file(alice, anna.record, name="Termin.png", content=png_bytes(), entry=entry)
    url = reverse("files:detail", args=[attachment.pk])
    with django_assert_max_num_queries(8):
        page = alice.client.get(url).content.decode()
    assert "Termin.png" in page and "Anna Müller" in page and "Fotos vom Termin" in page
    assert reverse("files:thumbnail", args=[attachment.pk]) in page
    assert reverse("files:delete", args=[attachment.pk]) in page
    assert reverse("files:delete", args=[attachment.pk]) not in carol.client.get(url).content.decode()
    assert oscar.client.get(url).status_code == 404


def test_the_detail_page_hides_a_confidential_entry_from_members(alice, carol, anna):
    entry = history_actions.add_note(alice.membership, [anna.record], "Vertraulich", confidential=True)
    attachment = put_file(alice, anna.record, entry=entry)
    assert carol.client.get(reverse("files:detail", args=[attachment.pk])).status_code == 404
    assert "Vertraulich" in alice.client.get(reverse("files:detail", args=[attachment.pk])).content.decode()


def test_every_entry_s_paperclip_uploads_onto_that_entry(alice, anna):
    entries = [history_actions.add_note(alice.membership, [anna.record], f"Notiz {n}") for n in range(3)]
    page = alice.client.get(anna.record.get_absolute_url()).content.decode()
    for entry in entries:
        action = reverse("files:upload_entry", args=[anna.record.pk, entry.pk])
        assert f'action="{action}"' in page and f'hx-post="{action}"' in page
        assert f'hx-target="#entry-files-{entry.pk}"' in page
    assert page.count('<details class="entry-attach">') == 3 and "987654321" not in page
    response = alice.client.post(reverse("files:upload_entry", args=[anna.record.pk, entries[1].pk]),
                                 {"file": upload("Protokoll.pdf")}, **HTMX)
    answer = response.content.decode()
    assert f'hx-target="#entry-files-{entries[1].pk}"' in answer and "Protokoll.pdf" in answer
