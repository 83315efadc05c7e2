"""Background jobs for imports: thin wrappers around transfer.actions."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from kontor.transfer import actions


@db_task()
def run_import(import_id: int) -> None:
    """Runs a started import. Enqueued on commit by actions.start_import; running it twice does
    nothing the second time (only a pending import is claimed), so it has no retries: a failure
    ends the import as failed with a message, and the user starts it again."""
    actions.run_import(import_id)
