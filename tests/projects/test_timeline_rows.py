"""A project's merged timeline: each entry is shown from the record it belongs to."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.projects import actions


def test_each_entry_links_to_the_record_it_belongs_to(alice):
    deal = deal_actions.create_deal(alice.membership, {"name": "Relaunch", "value": Decimal("1000")}, stage="75")
    deal_actions.win_deal(deal, alice.membership)
    project = actions.create_project_from_deal(deal, alice.membership)
    on_deal = history_actions.add_note(alice.membership, [deal.record], "Offer sent")
    on_project = history_actions.add_note(alice.membership, [project.record], "Kick-off")
    history_actions.add_comment(alice.membership, "Gut", entry=on_deal)

    html = alice.client.get(project.get_absolute_url()).content.decode()

    for entry, record in ((on_deal, deal.record), (on_project, project.record)):
        assert reverse("history:edit", args=[record.pk, entry.pk]) in html
        assert reverse("files:upload_entry", args=[record.pk, entry.pk]) in html
    assert reverse("history:edit", args=[project.record.pk, on_deal.pk]) not in html
    assert "Gut" in html and html.count('class="entry ') == 3  # and "project created"
