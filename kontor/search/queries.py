"""Reading the search index: the quick search's suggestions and the full results, both scoped to
the membership's account and to what its role may read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kontor.accounts import roles
from kontor.accounts.models import Membership
from kontor.search.backends import matching, name_prefix, newest_texts
from kontor.search.folding import Query, fold, fold_with_offsets
from kontor.search.models import RECORD_KINDS, Document, DocumentKind

SUGGESTIONS = 8
PER_PAGE = 20
MAX_PAGE = 100
SNIPPET_CONTEXT = 70
KIND_ORDER = [kind.value for kind in DocumentKind]


def _visible(membership: Membership) -> QuerySet[Document]:
    return Document.objects.visible_to(membership.account, roles.can_read_confidential(membership.role))


def suggest(membership: Membership, text: str, limit: int = SUGGESTIONS) -> list[Document]:
    """The best matches among people, companies, deals and projects for the quick search: names
    that start with the query first, then other names containing it, then records found by their
    other text (job titles and departments, background, assistants, phone numbers, e-mail
    addresses), each of these with the piece of text that matched."""
    query = Query(text)
    if not query:
        return []
    records = _visible(membership).filter(kind__in=RECORD_KINDS).select_related("record")
    if query.prefix:
        return list(records.filter(name_prefix(query.prefix)).order_by("folded_title", "id")[:limit])
    first_word = sorted(query.clauses[0][0])[0]
    starts_first = Case(When(folded_title__startswith=first_word, then=Value(0)), default=Value(1),
                        output_field=IntegerField())
    by_name = list(records.filter(matching(query, RECORD_KINDS, title_only=True))
                   .order_by(starts_first, "folded_title", "id")[:limit])
    if len(by_name) < limit:
        others = list(records.filter(matching(query, RECORD_KINDS)).exclude(pk__in=[d.pk for d in by_name])
                      .order_by("folded_title", "id")[:limit - len(by_name)])
        for document in others:  # found by a job title, a phone number…: show where
            document.snippet = matching_line(document.text, query)
        by_name.extend(others)
    return by_name


@dataclass
class ResultPage:
    documents: list[Document]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def search(membership: Membership, text: str, kinds: Sequence[str] = (), page: int = 1,
           per_page: int = PER_PAGE) -> ResultPage:
    """Everything that matches, one page of it, learning whether a next page exists by fetching one
    row more (no count over all matches).

    The records (people, companies, deals, projects) come first, by kind and newest first; then
    tasks, notes and e-mails, newest first, read from the full-text index in date order so that a
    common word is as quick as a rare one. Each page shows its hits grouped by kind."""
    query = Query(text)
    page = max(page, 1)
    kinds = [kind for kind in kinds if kind in KIND_ORDER] or KIND_ORDER
    if not query or page > MAX_PAGE:
        return ResultPage([], page, False)
    visible = _visible(membership)
    start, wanted = (page - 1) * per_page, per_page + 1
    record_kinds = [kind for kind in kinds if kind in RECORD_KINDS]
    text_kinds = [] if query.prefix else [kind for kind in kinds if kind not in RECORD_KINDS]
    rows: list[Document] = []
    records_before = 0  # record hits on earlier pages, when this page starts past them
    if record_kinds:
        match = name_prefix(query.prefix) if query.prefix else matching(query, record_kinds)
        records = visible.filter(match, kind__in=record_kinds).select_related("record").order_by(
            Case(*[When(kind=kind, then=Value(i)) for i, kind in enumerate(KIND_ORDER)],
                 output_field=IntegerField()), "-sort_at", "-id")
        rows = list(records[start:start + wanted])
        if not rows and start and text_kinds:
            records_before = records.count()
    if text_kinds and len(rows) < wanted:
        offset = 0 if rows else start - records_before
        ids = newest_texts(query, visible.filter(kind__in=text_kinds), offset, wanted - len(rows))
        found = Document.objects.select_related("record").in_bulk(ids)
        rows += [found[pk] for pk in ids if pk in found]
    has_next = len(rows) > per_page
    shown = rows[:per_page]
    # Group the page's tasks, notes and e-mails by kind; the sort is stable, so newest first stays.
    shown = [d for d in shown if d.is_record] + sorted((d for d in shown if not d.is_record),
                                                      key=lambda document: KIND_ORDER.index(document.kind))
    for document in shown:
        document.snippet = snippet(document.text, query)
    return ResultPage(shown, page, has_next)


def _spans(folded: str, spellings: set[str]) -> list[tuple[int, int]]:
    """Where the spellings occur in the folded text, as non-overlapping (start, end) pairs."""
    spans = []
    for spelling in spellings:
        start = folded.find(spelling)
        while start != -1:
            spans.append((start, start + len(spelling)))
            start = folded.find(spelling, start + 1)
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _digit_spans(text: str, digits: str) -> list[tuple[int, int]]:
    """Where a phone number's digits occur in the text, whatever stands between them: "0171 234"
    marks "171 234" in "+49 171 2345678" (the national 0 is not written after +49)."""
    if not digits:
        return []
    positions = [i for i, char in enumerate(text) if char.isdigit()]
    only_digits = "".join(text[i] for i in positions)
    found = []
    for wanted in dict.fromkeys([digits, digits.lstrip("0")]):
        start = only_digits.find(wanted) if len(wanted) >= 3 else -1
        while start != -1:
            found.append((positions[start], positions[start + len(wanted) - 1] + 1))
            start = only_digits.find(wanted, start + 1)
        if found:
            break
    return found


def matching_line(text: str, query: Query) -> SafeString:
    """The first line of the text that matches (a job, an e-mail address, a phone number), marked
    like a snippet: short enough to stand beside a name in the quick search."""
    for line in text.splitlines():
        if _spans(fold(line), query.spellings) or _digit_spans(line, query.digits):
            return snippet(line, query, context=30)
    return snippet(text, query, context=30)


def snippet(text: str, query: Query, context: int = SNIPPET_CONTEXT) -> SafeString:
    """A short piece of the text around the first match, HTML-escaped, with every match in it
    wrapped in <mark>. Matching runs on the folded text and maps back to the original characters,
    so "strasse" marks "Straße" and "muller" marks "Müller"."""
    if not text:
        return mark_safe("")
    folded, offsets = fold_with_offsets(text)
    spans = [(offsets[start], offsets[end - 1] + 1) for start, end in _spans(folded, query.spellings)]
    spans = _merge(spans + _digit_spans(text, query.digits))
    first = spans[0][0] if spans else 0
    begin = max(0, first - context)
    if begin:
        space = text.find(" ", begin, first)
        begin = space + 1 if space != -1 else begin
    end = min(len(text), (spans[0][1] if spans else 0) + 2 * context)
    if end < len(text):
        space = text.rfind(" ", (spans[0][1] if spans else 0), end)
        end = space if space > 0 else end
    parts = ["…" if begin else ""]
    position = begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:stop])}</mark>")
        position = stop
    parts.append(escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe(" ".join("".join(parts).split()))
