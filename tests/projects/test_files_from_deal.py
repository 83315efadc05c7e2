"""A won deal's files move on to the project made from it: the project's page and the API's file
list show them, and nothing is lost or duplicated."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from kontor.accounts import actions as account_actions
from kontor.deals import actions as deal_actions
from kontor.files import actions as file_actions
from kontor.files.models import Attachment
from kontor.history import actions as history_actions
from kontor.projects import actions
from tests.api.conftest import ApiClient


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _won_deal_with_files(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Hallendach"}, stage="75")
    offer = file_actions.upload_file(alice.membership, _pdf("Angebot.pdf"), record=deal.record)
    entry = history_actions.add_note(alice.membership, [deal.record], "Zeichnung vom Architekten")
    drawing = file_actions.upload_file(alice.membership, _pdf("Zeichnung.pdf"), record=deal.record, entry=entry)
    deal_actions.win_deal(deal, alice.membership)
    return deal, offer, drawing


def test_the_project_of_a_won_deal_takes_over_its_files(alice):
    deal, offer, drawing = _won_deal_with_files(alice)
    project = actions.create_project_from_deal(deal, alice.membership)
    assert set(Attachment.objects.filter(record=project.record)) == {offer, drawing}
    assert Attachment.objects.count() == 2
    html = alice.client.get(f"/projects/{project.pk}/").content.decode()
    assert "Angebot.pdf" in html and "Zeichnung.pdf" in html
    assert drawing.entry_id is not None and Attachment.objects.get(pk=drawing.pk).entry_id == drawing.entry_id


def test_the_apis_file_list_of_the_project_includes_the_deals_files(alice):
    deal, offer, drawing = _won_deal_with_files(alice)
    response = alice.client.post(f"/projects/from-deal/{deal.pk}/")
    project = actions.project_of(deal)
    assert response.status_code == 302 and project is not None
    _key, secret = account_actions.create_api_key(alice.membership, "tests")
    items = ApiClient({"Authorization": f"Bearer {secret}"}).get("/files", {"record_id": project.pk}).json()["items"]
    assert sorted(item["name"] for item in items) == ["Angebot.pdf", "Zeichnung.pdf"]


def test_asking_for_the_project_again_moves_nothing_more(alice):
    deal, offer, drawing = _won_deal_with_files(alice)
    project = actions.create_project_from_deal(deal, alice.membership)
    later = file_actions.upload_file(alice.membership, _pdf("Nachtrag.pdf"), record=deal.record)
    assert actions.create_project_from_deal(deal, alice.membership) == project
    assert Attachment.objects.get(pk=later.pk).record_id == deal.pk


def test_another_accounts_files_never_move(alice, oscar):
    deal, offer, drawing = _won_deal_with_files(alice)
    stranger = deal_actions.create_deal(oscar.membership, {"name": "Fremd"}, stage="won")
    theirs = file_actions.upload_file(oscar.membership, _pdf("Fremd.pdf"), record=stranger.record)
    actions.create_project_from_deal(deal, alice.membership)
    assert Attachment.objects.get(pk=theirs.pk).record_id == stranger.pk


def test_the_deal_page_says_where_its_files_went_with_a_link_to_the_project(alice):
    deal, offer, drawing = _won_deal_with_files(alice)
    before = alice.client.get(f"/deals/{deal.pk}/").content.decode()
    project = actions.create_project_from_deal(deal, alice.membership)

    after = alice.client.get(f"/deals/{deal.pk}/").content.decode()

    assert 'data-testid="files-moved"' not in before
    assert (f'moved on to the project <a href="/projects/{project.pk}/">Hallendach</a>.' in after)


def test_the_line_names_the_project_escaped(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "<b>Dach</b>"}, stage="won")
    actions.create_project_from_deal(deal, alice.membership)

    html = alice.client.get(f"/deals/{deal.pk}/").content.decode()

    assert '">&lt;b&gt;Dach&lt;/b&gt;</a>.' in html
