"""What a search finds: umlauts and ß both ways, parts of words, phone numbers however they are
written, e-mail addresses, short queries, and never anything of another account."""

from __future__ import annotations

import pytest

from kontor.search import queries
from kontor.search.folding import Query, fold, word_variants

HANS = "Hans Müller"
JOERG = "Jörg Mueller"
NOTE = "Vertragsverlängerung besprochen, Angebot folgt."

# query, titles that must be among the results, titles that must not be
CASES = [
    # umlauts, both spellings, and ß
    ("müller", [HANS, JOERG], []),
    ("mueller", [HANS, JOERG], []),
    ("muller", [HANS], []),
    ("MÜLLER", [HANS, JOERG], []),
    ("Schroeder", ["Schröder Elektro GmbH"], []),
    ("schroder", ["Schröder Elektro GmbH"], []),
    ("lindenstrasse", [HANS], []),
    ("Lindenstraße", [HANS], []),
    ("grosshandler", ["Schröder Elektro GmbH"], []),
    ("buroetage", ["Umbau Büroetage"], []),
    # parts of words, any case
    ("verläng", [NOTE], []),
    ("verlaeng", [NOTE], []),
    ("LÄNGERUNG", [NOTE], []),
    ("kabeltromm", ["Rahmenvertrag Kabeltrommeln"], []),
    ("dachsan", ["Dachsanierung nachfassen"], []),
    ("fabrik", ["Gemeinsamer Termin in der Fabrik."], []),
    ("zweiter stock", ["Umbau Büroetage"], []),
    ("hans müller", [HANS], [JOERG]),
    # phone numbers: digits match whatever the spaces, dashes, brackets or +49/0 prefix
    ("0171 234", [HANS], []),
    ("+49 171 2345678", [HANS], []),
    ("0049 171 2345678", [HANS], []),
    ("(0171) 234-5678", [HANS], []),
    ("1712345", [HANS], []),
    ("040 12345678", ["Schröder Elektro GmbH"], []),
    ("030 9876", [HANS], []),  # the assistant's number
    # e-mail addresses and assistants
    ("hans.mueller@holzbau.example", [HANS], []),
    ("holzbau.exa", [HANS], []),
    ("Paulsen", [HANS], []),
    # short queries: names starting with them
    ("mü", [HANS], []),
    ("MU", [HANS, JOERG], []),
    ("sc", ["Schröder Elektro GmbH"], []),
    ("ve", [], [NOTE]),
    # nothing
    ("zander", [], [HANS]),
    ("", [], [HANS]),
]


@pytest.mark.parametrize(("text", "found", "not_found"), CASES)
def test_search_finds_what_it_should(alice, book, text, found, not_found):
    titles = [document.title for document in queries.search(alice.membership, text).documents]
    for title in found:
        assert title in titles, f"{text!r} did not find {title!r}: {titles}"
    for title in not_found:
        assert title not in titles, f"{text!r} found {title!r}"


def test_the_outsider_finds_nothing_of_alices_account(oscar, book):
    for text in ("müller", "verläng", "0171 234", "Schröder", "mü", "Büroetage"):
        titles = [d.title for d in queries.search(oscar.membership, text).documents]
        assert HANS not in titles and NOTE not in titles and "Umbau Büroetage" not in titles
    outsider_titles = [d.title for d in queries.search(oscar.membership, "müller").documents]
    assert outsider_titles == ["Hanna Müller"]


def test_alice_does_not_find_the_outsiders_things(alice, book):
    titles = [d.title for d in queries.search(alice.membership, "verläng").documents]
    assert titles == [NOTE]


def test_confidential_notes_are_found_by_power_users_only(book, alice, bob, carol, dave):
    for persona in (alice, bob, dave):
        assert [d.object_id for d in queries.search(persona.membership, "übernahme").documents] == [book.secret.pk]
    assert queries.search(carol.membership, "übernahme").documents == []
    assert queries.search(carol.membership, "uebernahmegespraeche").documents == []


def test_quick_search_suggests_records_only_names_first(alice, book):
    suggested = [d.title for d in queries.suggest(alice.membership, "müller")]
    assert suggested[:2] == [JOERG, HANS] or suggested[:2] == [HANS, JOERG]
    assert NOTE not in [d.title for d in queries.suggest(alice.membership, "verläng")]
    assert [d.title for d in queries.suggest(alice.membership, "0171 234")] == [HANS]
    assert [d.title for d in queries.suggest(alice.membership, "mü")] == [JOERG, HANS]  # mueller < muller


def test_quick_search_puts_names_before_other_text(alice, book):
    from kontor.contacts import actions as contact_actions

    contact_actions.create_person(alice.membership, {"last_name": "Lindner", "background": "Kennt Hans Müller"})
    suggested = [d.title for d in queries.suggest(alice.membership, "müller")]
    assert suggested[-1] == "Lindner"


def test_results_come_grouped_by_kind_and_newest_first(alice, book):
    from kontor.history import actions as history_actions

    newer = history_actions.add_note(alice.membership, [book.hans.record], "Noch ein Vertragsverlängerung-Termin")
    kinds = [(d.kind, d.object_id) for d in queries.search(alice.membership, "vertrag").documents]
    assert kinds == [("deal", book.deal.pk), ("note", newer.pk), ("note", book.note.pk)]


def test_a_kind_filter_narrows_the_results(alice, book):
    documents = queries.search(alice.membership, "müller", kinds=["note"]).documents
    assert documents == []
    assert {d.kind for d in queries.search(alice.membership, "müller", kinds=["person"]).documents} == {"person"}


def test_folding_handles_case_umlauts_sharp_s_and_accents():
    assert fold("Müller STRAẞE Straße Café Señor") == "muller strasse strasse cafe senor"
    assert word_variants("Müller") == {"muller", "mueller"}
    assert word_variants("Mueller") == {"mueller", "muller"}
    assert word_variants("neue") == {"neue"}  # no umlaut written as "ue" after a vowel
    assert word_variants("Bauer") == {"bauer"}


def test_a_query_of_short_words_becomes_a_name_prefix():
    assert Query("mü").prefix == "mu"
    assert Query("mü").clauses == []
    assert Query("a b").prefix == "a b"
    assert not Query("   ")


def test_snippets_highlight_the_match_in_the_original_spelling_and_escape_html(alice, book):
    from kontor.history import actions as history_actions

    history_actions.add_note(alice.membership, [book.hans.record], "<script>alert(1)</script> an der Straße & so")
    document = queries.search(alice.membership, "strasse", kinds=["note"]).documents[0]
    assert document.snippet == "&lt;script&gt;alert(1)&lt;/script&gt; an der <mark>Straße</mark> &amp; so"


def test_long_texts_are_cut_around_the_match(alice, book):
    from kontor.history import actions as history_actions

    history_actions.add_note(alice.membership, [book.hans.record], "Anfang " + "bla " * 200 + "Zielwort " + "x " * 200)
    snippet = queries.search(alice.membership, "zielwort").documents[0].snippet
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>Zielwort</mark>" in snippet
    assert len(snippet) < 300


def test_a_phone_number_is_marked_whatever_its_spacing(alice, book):
    document = queries.search(alice.membership, "0171 234", kinds=["person"]).documents[0]
    assert "+49 <mark>171 234</mark>5678" in document.snippet


def test_newest_first_follows_when_things_happened_not_when_they_were_written(alice, book):
    import datetime as dt

    from django.utils import timezone

    from kontor.history import actions as history_actions

    old = history_actions.add_note(alice.membership, [book.hans.record], "Vertragsverlängerung von damals",
                                   happened_at=timezone.now() - dt.timedelta(days=400))
    ids = [d.object_id for d in queries.search(alice.membership, "verläng", kinds=["note"]).documents]
    assert ids == [book.note.pk, old.pk]


@pytest.mark.parametrize("probe_limit", [0, 5000])
def test_a_kind_rare_among_many_matches_is_still_found(alice, book, monkeypatch, probe_limit):
    from kontor.history import actions as history_actions
    from kontor.search import backends
    from kontor.tasks import actions as task_actions

    task = task_actions.create_task(alice.membership, {"title": "Fensterbau prüfen"}, record=book.hans.record)
    for number in range(5):
        history_actions.add_note(alice.membership, [book.hans.record], f"Fensterbau Nummer {number}")
    monkeypatch.setattr(backends, "NEWEST_WINDOW", 2)
    monkeypatch.setattr(backends, "PROBE_LIMIT", probe_limit)
    assert [d.object_id for d in queries.search(alice.membership, "fensterbau", kinds=["task"]).documents] == [task.pk]
    assert len(queries.search(alice.membership, "fensterbau").documents) == 6
