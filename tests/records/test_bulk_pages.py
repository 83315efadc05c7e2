"""The lists' bulk bar: the pages' door onto kontor/records/bulk.py."""

from __future__ import annotations

from kontor.contacts import actions as contact_actions
from kontor.records import queries as record_queries
from kontor.records.models import Record


def _people(persona, count: int, **extra):
    return [contact_actions.create_person(persona.membership, {"last_name": f"Person {n}"}, **extra)
            for n in range(count)]


def _counts(persona) -> dict[str, int]:
    return {tag.name: tag.count for tag in record_queries.tag_counts(persona.account, "person")}  # type: ignore[attr-defined]


def test_the_people_list_offers_a_checkbox_per_row_and_the_bar(alice):
    _people(alice, 2)
    page = alice.client.get("/people/").content.decode()
    assert page.count('name="ids"') == 2
    assert 'id="bulk-form"' in page and "data-bulk-bar" in page


def test_ticked_rows_are_tagged_and_the_list_comes_back(carol, alice):
    people = _people(alice, 3)
    response = carol.client.post("/records/bulk/people/", {
        "ids": [p.pk for p in people[:2]], "action": "add_tags", "tags": "Messe, Kunde", "next": "/people/?q=Person"})
    assert response.status_code == 302 and response["Location"] == "/people/?q=Person"
    assert _counts(alice) == {"Kunde": 2, "Messe": 2}


def test_every_row_the_filter_selects_asks_first(alice):
    _people(alice, 2, tags=["Kunde"])
    _people(alice, 1)
    body = {"scope": "filter", "query": "tag=Kunde", "action": "add_tags", "tags": "Messe"}
    page = alice.client.post("/records/bulk/people/", body)
    assert page.status_code == 200 and "2 people" in page.content.decode()
    assert _counts(alice) == {"Kunde": 2}
    alice.client.post("/records/bulk/people/", {**body, "confirmed": "1"})
    assert _counts(alice) == {"Kunde": 2, "Messe": 2}


def test_a_power_user_deleting_eleven_is_told_no_and_nothing_changes(alice, bob):
    people = _people(alice, 11)
    response = bob.client.post("/records/bulk/people/", {"ids": [p.pk for p in people], "action": "delete",
                                                         "confirmed": "1"}, follow=True)
    assert "at most 10" in response.content.decode()
    assert not Record.objects.in_trash().exists()


def test_nothing_ticked_and_bad_input_send_back_with_a_message(alice):
    person = _people(alice, 1)[0]
    for body in [{"action": "add_tags", "tags": "x"}, {"ids": ["abc"], "action": "follow"},
                 {"ids": [person.pk], "action": "explode"}, {"ids": [person.pk], "action": "add_tags", "tags": ""},
                 {"ids": [person.pk], "action": "set_responsible", "user_id": "x"},
                 {"ids": [person.pk], "action": "add_tags", "tags": "x", "next": "https://evil.example/"}]:
        response = alice.client.post("/records/bulk/people/", body)
        assert response.status_code == 302
        assert not response["Location"].startswith("https://evil")


def test_the_selection_is_exported_for_power_users_only(alice, bob, carol):
    people = _people(alice, 3)
    response = bob.client.post("/records/bulk/people/", {"ids": [people[0].pk], "action": "export", "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Person 0" in body and "Person 1" not in body
    assert carol.client.post("/records/bulk/people/", {"ids": [people[0].pk], "action": "export"}).status_code == 302


def test_a_bulk_job_shows_its_progress_to_its_author_only(alice, bob, monkeypatch, django_capture_on_commit_callbacks):
    from kontor.records import bulk

    monkeypatch.setattr(bulk, "INLINE_LIMIT", 1)
    people = _people(alice, 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.client.post("/records/bulk/people/", {"ids": [p.pk for p in people], "action": "follow"})
    assert response.status_code == 302 and "/records/bulk/jobs/" in response["Location"]
    page = alice.client.get(response["Location"])
    assert "done for 2 people" in page.content.decode()
    assert bob.client.get(response["Location"]).status_code == 404


def test_the_projects_list_offers_the_bar(alice):
    from kontor.projects import actions as project_actions

    project_actions.create_project(alice.membership, {"name": "Relaunch"})
    page = alice.client.get("/projects/").content.decode()
    assert page.count('name="ids"') == 1 and 'id="bulk-form"' in page


def test_the_task_list_offers_the_bar_and_marks_ticked_tasks_done(alice):
    from kontor.tasks import actions as task_actions
    from kontor.tasks.models import Task

    tasks = [task_actions.create_task(alice.membership, {"title": f"Call {n}"}) for n in range(2)]
    page = alice.client.get("/tasks/").content.decode()
    assert page.count('name="ids"') == 2 and 'id="bulk-form"' in page
    alice.client.post("/records/bulk/tasks/", {"ids": [tasks[0].pk], "action": "done"})
    assert list(Task.objects.filter(done_at__isnull=False)) == [tasks[0]]


def test_the_deals_list_offers_the_bar_saved_views_and_filtered_tag_counts(alice):
    from kontor.deals import actions as deal_actions
    from kontor.records import saved_views

    deal_actions.create_deal(alice.membership, {"name": "Relaunch"}, tags=["Web"])
    deal_actions.create_deal(alice.membership, {"name": "Wartung"}, tags=["Service"])
    saved_views.save_view(alice.membership, "deal", "Web-Deals", "tag=Web", make_default=True)
    assert alice.client.get("/deals/")["Location"] == "/deals/?tag=Web"
    page = alice.client.get("/deals/", {"q": "wartung"}).content.decode()
    assert page.count('name="ids"') == 1 and 'id="bulk-form"' in page and "Web-Deals" in page
    assert 'is-zero" id="tagcount-' in page


def test_every_row_of_a_filter_is_exported_without_asking(alice):
    _people(alice, 2, tags=["Kunde"])
    _people(alice, 1)
    response = alice.client.post("/records/bulk/people/", {"scope": "filter", "query": "tag=Kunde",
                                                           "action": "export", "format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert body.count("Person") == 2
