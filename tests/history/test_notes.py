"""Writing, editing and deleting notes from a record's page, with htmx and without."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.history import queries as history_queries
from kontor.history.models import Entry
from kontor.records import actions as record_actions

HTMX = {"HX-Request": "true"}


@pytest.fixture
def person(alice):
    return contact_actions.create_person(alice.membership, {"first_name": "Hans", "last_name": "Meier"})


@pytest.fixture
def company(alice):
    return contact_actions.create_company(alice.membership, {"name": "Meier Holzbau GmbH"})


def create_url(record_id: int) -> str:
    return reverse("history:create", args=[record_id])


def edit_url(record_id: int, entry_id: int) -> str:
    return reverse("history:edit", args=[record_id, entry_id])


def delete_url(record_id: int, entry_id: int) -> str:
    return reverse("history:delete", args=[record_id, entry_id])


# Writing


def test_note_written_with_htmx_comes_back_as_the_new_timeline_entry(alice, person):
    body = "Called about the offer.\nWants it by Friday."
    response = alice.client.post(create_url(person.pk), {"body": body}, headers=HTMX)
    assert response.status_code == 200
    entry = Entry.objects.get()
    assert entry.author == alice.user
    assert list(entry.records.all()) == [person.record]
    assert entry.body == "Called about the offer.\nWants it by Friday."
    html = response.content.decode()
    assert f'id="entry-{entry.pk}"' in html
    assert "Called about the offer." in html
    assert "Alice Adler" in html
    assert f'id="notebox-{person.pk}" hx-swap-oob="true"' in html  # a fresh, empty note field


def test_note_written_without_javascript_redirects_back_to_the_record(alice, person):
    response = alice.client.post(create_url(person.pk), {"body": "Met at the trade fair."})
    assert response.status_code == 302
    assert response["Location"] == f"{person.get_absolute_url()}#timeline-{person.pk}"
    assert Entry.objects.get().body == "Met at the trade fair."


def test_empty_note_is_refused_next_to_the_field_with_htmx(alice, person):
    response = alice.client.post(create_url(person.pk), {"body": "   \n "}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#notebox-{person.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert "Please write something first." in response.content.decode()
    assert not Entry.objects.exists()


def test_empty_note_is_refused_next_to_the_field_without_javascript(alice, person):
    response = alice.client.post(create_url(person.pk), {"body": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please write something first." in html
    assert 'class="card notebox"' in html
    assert not Entry.objects.exists()


def test_note_text_is_escaped_and_links_are_clickable(alice, person):
    response = alice.client.post(create_url(person.pk), {"body": "<script>x()</script> see https://example.com/a"},
                                 headers=HTMX)
    html = response.content.decode()
    assert "<script>x()" not in html
    assert "&lt;script&gt;" in html
    assert 'href="https://example.com/a"' in html


def test_power_user_writes_a_confidential_note(bob, person):
    data = {"body": "Salary expectations: high.", "confidential": "on"}
    response = bob.client.post(create_url(person.pk), data, headers=HTMX)
    assert response.status_code == 200
    assert Entry.objects.get().confidential is True
    assert "confidential" in response.content.decode()


def test_member_cannot_write_a_confidential_note(carol, person):
    data = {"body": "Secret", "confidential": "on"}
    response = carol.client.post(create_url(person.pk), data, headers=HTMX)
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_member_gets_no_confidential_checkbox(carol, bob, person):
    member_form = carol.client.post(create_url(person.pk), {"body": ""}).content.decode()
    power_form = bob.client.post(create_url(person.pk), {"body": ""}).content.decode()
    assert 'name="confidential"' not in member_form
    assert 'name="confidential"' in power_form


def test_note_on_a_record_in_the_trash_is_refused(alice, person):
    record_actions.trash_record(person.record, alice.membership)
    response = alice.client.post(create_url(person.pk), {"body": "Too late"})
    assert response.status_code == 404
    assert not Entry.objects.exists()


# Reading


def test_member_never_sees_a_confidential_note(alice, bob, carol, person):
    secret = history_actions.add_note(bob.membership, [person.record], "Confidential: merger talks",
                                      confidential=True)
    history_actions.add_note(bob.membership, [person.record], "Public: sent brochure")
    timeline = carol.client.get(reverse("history:older", args=[person.pk])).content.decode()
    assert "Public: sent brochure" in timeline
    assert "merger talks" not in timeline
    page = carol.client.get(person.get_absolute_url()).content.decode()
    assert "Public: sent brochure" in page
    assert "merger talks" not in page
    entry_url = reverse("history:entry", args=[person.pk, secret.pk])
    assert carol.client.get(entry_url, headers=HTMX).status_code == 404
    assert carol.client.get(delete_url(person.pk, secret.pk)).status_code == 404
    assert "merger talks" in alice.client.get(reverse("history:older", args=[person.pk])).content.decode()


def test_entry_on_several_records_links_to_the_others(alice, person, company):
    history_actions.add_note(alice.membership, [person.record, company.record], "Joint meeting")
    html = alice.client.get(reverse("history:older", args=[person.pk])).content.decode()
    assert "Also on:" in html
    assert f'href="{company.get_absolute_url()}"' in html


def test_empty_timeline_says_so(alice, person):
    html = alice.client.get(reverse("history:older", args=[person.pk])).content.decode()
    assert "There are no older entries." in html


def test_older_entries_load_a_page_at_a_time(alice, person):
    size = history_queries.TIMELINE_PAGE_SIZE
    start = timezone.now() - dt.timedelta(days=100)
    for day in range(size + 5):
        history_actions.add_note(alice.membership, [person.record], f"Note number {day}",
                                 happened_at=start + dt.timedelta(days=day))
    first = alice.client.get(reverse("history:older", args=[person.pk]), headers=HTMX).content.decode()
    assert f"Note number {size + 4}<" in first and "Note number 5<" in first
    assert "Note number 4<" not in first
    assert "Show older entries" in first
    oldest_shown = history_queries.timeline(person.record, alice.membership)[-1]
    cursor = {"before": oldest_shown.happened_at.isoformat(), "before_id": oldest_shown.pk}
    older_url = reverse("history:older", args=[person.pk])
    second = alice.client.get(older_url, cursor, headers=HTMX).content.decode()
    assert [f"Note number {n}<" in second for n in range(5)] == [True] * 5
    assert "Note number 5<" not in second
    assert "Show older entries" not in second


def test_timeline_needs_the_same_queries_for_many_entries(alice, person, company,
                                                          django_assert_max_num_queries):
    for number in range(60):
        history_actions.add_note(alice.membership, [person.record, company.record], f"Note {number}")
    with django_assert_max_num_queries(9):  # 2 of them for the comments and the activity lines, 1 for files
        response = alice.client.get(reverse("history:older", args=[person.pk]), headers=HTMX)
    assert response.content.decode().count('class="entry ') == history_queries.TIMELINE_PAGE_SIZE


# Editing


def test_author_edits_own_note_inline_with_htmx(alice, person):
    entry = history_actions.add_note(alice.membership, [person.record], "First draft")
    form = alice.client.get(edit_url(person.pk, entry.pk), headers=HTMX)
    assert form.status_code == 200
    assert "First draft" in form.content.decode()
    assert 'name="version" value="1"' in form.content.decode()
    response = alice.client.post(edit_url(person.pk, entry.pk), {"body": "Final text", "version": "1"},
                                 headers=HTMX)
    assert response.status_code == 200
    assert "Final text" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.body, entry.version) == ("Final text", 2)


def test_author_edits_own_note_without_javascript(alice, person):
    entry = history_actions.add_note(alice.membership, [person.record], "First draft")
    page = alice.client.get(edit_url(person.pk, entry.pk))
    assert page.status_code == 200
    assert "Edit note" in page.content.decode()
    response = alice.client.post(edit_url(person.pk, entry.pk), {"body": "Final text", "version": "1"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.body == "Final text"


def test_stale_edit_is_refused_and_shows_the_current_text(alice, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Original")
    history_actions.update_note(entry, alice.membership, "Changed in another tab", version=1)
    response = alice.client.post(edit_url(person.pk, entry.pk), {"body": "My late edit", "version": "1"},
                                 headers=HTMX)
    html = response.content.decode()
    assert "Someone else changed this note in the meantime." in html
    assert "Changed in another tab" in html
    assert "My late edit" in html
    assert 'name="version" value="2"' in html
    entry.refresh_from_db()
    assert (entry.body, entry.version) == ("Changed in another tab", 2)


def test_edit_to_an_empty_note_is_refused(alice, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Keep me")
    response = alice.client.post(edit_url(person.pk, entry.pk), {"body": "", "version": "1"}, headers=HTMX)
    assert "Please write something first." in response.content.decode()
    entry.refresh_from_db()
    assert entry.body == "Keep me"


def test_nobody_edits_someone_elses_note(alice, carol, dave, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Alice's words")
    for colleague in (carol, dave):
        assert colleague.client.get(edit_url(person.pk, entry.pk)).status_code == 403
        response = colleague.client.post(edit_url(person.pk, entry.pk), {"body": "Hijacked", "version": "1"})
        assert response.status_code == 403
        assert "You can only edit your own notes." in response.content.decode()
    entry.refresh_from_db()
    assert (entry.body, entry.version) == ("Alice's words", 1)


def test_edit_form_offers_no_edit_for_other_peoples_notes(alice, carol, person):
    history_actions.add_note(alice.membership, [person.record], "Alice's words")
    html = carol.client.get(reverse("history:older", args=[person.pk])).content.decode()
    assert "/edit/" not in html
    assert "/delete/" not in html


def test_member_editing_own_note_cannot_make_it_confidential(carol, person):
    entry = history_actions.add_note(carol.membership, [person.record], "Mine")
    data = {"body": "Mine, edited", "confidential": "on", "version": "1"}
    carol.client.post(edit_url(person.pk, entry.pk), data)
    entry.refresh_from_db()
    assert (entry.body, entry.confidential) == ("Mine, edited", False)


def test_cancelling_an_inline_edit_shows_the_entry_again(alice, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Unchanged")
    response = alice.client.get(reverse("history:entry", args=[person.pk, entry.pk]), headers=HTMX)
    assert f'id="entry-{entry.pk}"' in response.content.decode()
    assert "<textarea" not in response.content.decode()


# Deleting


def test_author_deletes_own_note_with_htmx(alice, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Oops")
    response = alice.client.post(delete_url(person.pk, entry.pk), headers=HTMX)
    assert response.status_code == 200
    assert response.content == b""
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_deleting_without_javascript_asks_first(alice, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Oops")
    page = alice.client.get(delete_url(person.pk, entry.pk))
    assert "Delete this note?" in page.content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()
    response = alice.client.post(delete_url(person.pk, entry.pk))
    assert response.status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_admin_may_delete_any_note(alice, dave, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Outdated")
    assert dave.client.post(delete_url(person.pk, entry.pk)).status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_member_and_power_user_cannot_delete_someone_elses_note(alice, bob, carol, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Keep")
    for colleague in (bob, carol):
        response = colleague.client.post(delete_url(person.pk, entry.pk), headers=HTMX)
        assert response.status_code == 403
    assert Entry.objects.filter(pk=entry.pk).exists()


# Other accounts and wrong addresses


def test_entry_under_a_record_it_does_not_belong_to_is_not_found(alice, person, company):
    entry = history_actions.add_note(alice.membership, [person.record], "On the person only")
    assert alice.client.get(edit_url(company.pk, entry.pk)).status_code == 404
    assert alice.client.post(delete_url(company.pk, entry.pk)).status_code == 404
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_outsider_gets_not_found_everywhere(alice, oscar, person):
    entry = history_actions.add_note(alice.membership, [person.record], "Internal")
    assert oscar.client.post(create_url(person.pk), {"body": "Intruder"}).status_code == 404
    assert oscar.client.get(reverse("history:older", args=[person.pk])).status_code == 404
    entry_url = reverse("history:entry", args=[person.pk, entry.pk])
    assert oscar.client.get(entry_url, headers=HTMX).status_code == 404
    assert oscar.client.get(edit_url(person.pk, entry.pk)).status_code == 404
    assert oscar.client.post(edit_url(person.pk, entry.pk), {"body": "x", "version": "1"}).status_code == 404
    assert oscar.client.post(delete_url(person.pk, entry.pk)).status_code == 404
    assert list(Entry.objects.values_list("body", flat=True)) == ["Internal"]


def test_an_entrys_line_shows_kind_author_edits_and_confidentiality_and_only_live_other_records(alice, person,
                                                                                                 company):
    trashed = contact_actions.create_company(alice.membership, {"name": "Gone GmbH"})
    entry = history_actions.add_note(alice.membership, [person.record, company.record, trashed.record],
                                     "Called about the offer <b>now</b>", confidential=True, kind="call",
                                     subject="Offer")
    history_actions.update_note(entry, alice.membership, "Called about the offer <b>again</b>")
    record_actions.trash_record(trashed.record, alice.membership)

    html = alice.client.get(person.get_absolute_url()).content.decode()

    start = html.index(f'id="entry-{entry.pk}"')
    row = html[start:html.index("</li>", start)]
    assert 'class="entry entry-call entry-confidential"' in html
    assert '<span class="entry-kind" data-kind="call">Call</span>' in row
    assert f"<strong>{alice.membership.user.name}</strong>" in row
    assert "<span>edited</span>" in row and '<span class="badge">confidential</span>' in row
    assert '<p class="entry-subject">Offer</p>' in row
    assert "Called about the offer &lt;b&gt;again&lt;/b&gt;" in row
    assert f'Also on:\n    <a href="{company.get_absolute_url()}">{company.name}</a>\n' in row
    assert "Gone GmbH" not in row
