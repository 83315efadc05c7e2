"""Sentences of the import pages that need numbers in the user's language and plural forms."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.transfer.actions import Preview, grouped, summary_text
from kontor.transfer.models import Import, ImportKind, ImportState

register = template.Library()


@register.simple_tag
def import_counts(preview: Preview) -> str:
    """"1,180 new, 42 duplicates, 12 with errors"."""
    return _("%(new)s new, %(duplicates)s duplicates, %(errors)s with errors") % {
        "new": grouped(preview.new), "duplicates": grouped(preview.duplicates), "errors": grouped(preview.errors)}


@register.simple_tag
def import_button(preview: Preview) -> str:
    """"Import 1,222 people"."""
    count = preview.to_import
    if preview.imp.kind == ImportKind.COMPANIES:
        text = ngettext("Import %(count)s company", "Import %(count)s companies", count)
    else:
        text = ngettext("Import %(count)s person", "Import %(count)s people", count)
    return text % {"count": grouped(count)}


@register.simple_tag
def import_summary(imp: Import) -> str:
    return summary_text(imp)


STATE_BADGES = {ImportState.DONE: "badge-primary", ImportState.FAILED: "", ImportState.UNDONE: "badge-muted"}


@register.simple_tag
def import_state(imp: Import) -> str:
    """The state as a badge; a running import shows its progress."""
    state = ImportState(imp.shown_state)
    label = str(state.label)
    if state in (ImportState.RUNNING, ImportState.PENDING):
        label = f"{label} ({imp.progress} %)"
    return format_html('<span class="badge {}">{}</span>', STATE_BADGES.get(state, "badge-muted"), label)
