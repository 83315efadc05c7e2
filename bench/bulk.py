"""Times the lists' bulk actions (kontor/records/bulk.py) at the size the issue names: tagging
5,000 people at once in under 10 s, the work the background job does in its one transaction
(selecting them by the list's filter, tagging, the counters, one activity line). Moving them to
the trash is timed beside it, as the other action that touches every record's search document.

It makes an account of its own (a fresh one each run, removed at the end)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from kontor.accounts import actions as account_actions
from kontor.contacts.actions import NewContact, create_people
from kontor.records import bulk

TARGET_SECONDS = 10.0
PEOPLE = 5_000


def measure(say: Callable[[str], None] = print, people: int = PEOPLE) -> list[dict[str, Any]]:
    """Rows of {"name", "value", "unit", "target"}: tagging `people` people, and trashing them."""
    owner = account_actions.create_account(f"Bulk Bench {secrets.token_hex(4)}",
                                           f"bulk-{secrets.token_hex(4)}@kontor-bench.example",
                                           secrets.token_urlsafe(16), owner_name="Bench Owner")
    kind = bulk.KINDS["people"]
    try:
        say(f"creating {people} people")
        for start in range(0, people, 1000):
            create_people(owner, [NewContact({"first_name": "Bulk", "last_name": f"Person {n:05}"}, tags=["Kunde"])
                                  for n in range(start, min(start + 1000, people))], log_each=False)
        started = time.perf_counter()
        ids = bulk.selected_ids(owner, kind, query={"tag": "Kunde"})
        count = bulk.run(owner, kind, "add_tags", {"tags": ["Messe 2027", "Newsletter"]}, ids)
        tag_seconds = time.perf_counter() - started
        say(f"tagging {count} people: {tag_seconds:.2f} s")
        started = time.perf_counter()
        bulk.run(owner, kind, "delete", {}, ids)
        trash_seconds = time.perf_counter() - started
        say(f"moving {count} people to the trash: {trash_seconds:.2f} s")
    finally:
        owner.account.delete()
    return [{"name": f"bulk tag {people} people (two tags)", "value": round(tag_seconds, 2), "unit": "s",
             "target": TARGET_SECONDS},
            {"name": f"bulk move {people} people to the trash", "value": round(trash_seconds, 2), "unit": "s",
             "target": None}]
