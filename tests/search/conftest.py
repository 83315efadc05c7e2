"""A small address book in Alice's account (and a little in the outsider's), written through the
real actions, so that the index is fed the way the pages and the API feed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from kontor.contacts import actions as contact_actions
from kontor.contacts.actions import AssistantData, DetailData, Details
from kontor.deals import actions as deal_actions
from kontor.history import actions as history_actions
from kontor.projects import actions as project_actions
from kontor.tasks import actions as task_actions


@dataclass
class Book:
    hans: Any
    joerg: Any
    company: Any
    note: Any
    shared_note: Any
    secret: Any
    task: Any
    deal: Any
    project: Any


@pytest.fixture
def book(alice, bob, oscar) -> Book:
    by = alice.membership
    company = contact_actions.create_company(by, {"name": "Schröder Elektro GmbH", "background": "Großhändler"},
                                             details=Details(contact=[DetailData("phone", "040 / 123 456 78")]))
    hans = contact_actions.create_person(
        by, {"first_name": "Hans", "last_name": "Müller", "background": "Wohnt in der Lindenstraße 4."},
        details=Details(contact=[DetailData("mobile", "+49 171 2345678"),
                                 DetailData("email", "hans.mueller@holzbau.example")],
                        assistants=[AssistantData("Petra Paulsen", "petra@holzbau.example", "030 9876 543")]))
    joerg = contact_actions.create_person(by, {"first_name": "Jörg", "last_name": "Mueller"})
    note = history_actions.add_note(by, [hans.record], "Vertragsverlängerung besprochen, Angebot folgt.")
    shared_note = history_actions.add_note(by, [hans.record, company.record], "Gemeinsamer Termin in der Fabrik.")
    secret = history_actions.add_note(bob.membership, [hans.record], "Übernahmegespräche laufen.",
                                      confidential=True)
    task = task_actions.create_task(by, {"title": "Dachsanierung nachfassen"}, record=hans.record)
    deal = deal_actions.create_deal(by, {"name": "Rahmenvertrag Kabeltrommeln", "description": "Fünf Jahre"},
                                    company=company)
    project = project_actions.create_project(by, {"name": "Umbau Büroetage", "description": "Zweiter Stock"})
    outsider = contact_actions.create_person(oscar.membership, {"first_name": "Hanna", "last_name": "Müller"})
    history_actions.add_note(oscar.membership, [outsider.record], "Vertragsverlängerung beim Outsider.")
    return Book(hans, joerg, company, note, shared_note, secret, task, deal, project)
