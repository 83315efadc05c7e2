"""German ships complete: every string of the source is in the German catalogue and translated, the
translations keep their placeholders and markup, and pages, dates and numbers follow the user's
language."""

from __future__ import annotations

import ast
import datetime as dt
import html
import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse

import kontor
from kontor.accounts import actions as account_actions
from kontor.contacts import actions as contact_actions
from kontor.history import actions as history_actions
from kontor.lib.translations import compile_translations
from tests.contacts.forms_data import person_data

SOURCE_DIR = Path(kontor.__file__).resolve().parent
PO_PATH = SOURCE_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po"

# What must survive translation unchanged: printf placeholders (%(name)s, %d, %%), str.format
# placeholders ({name}) and HTML tags with their attributes.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[A-Za-z_]\w*\}")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(PO_PATH)) if not entry.obsolete]


def _label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(English, German) for each form of an entry; plural forms compare with the English plural."""
    if entry.msgid_plural:
        return [(entry.msgid if index == 0 else entry.msgid_plural, text)
                for index, text in sorted(entry.msgstr_plural.items())]
    return [(entry.msgid, entry.msgstr)]


def _markers(text: str, python_format: bool) -> Counter[str]:
    found = HTML_TAG.findall(text) + re.findall(r"\{[A-Za-z_]\w*\}", text)
    if python_format:
        found += PLACEHOLDER.findall(text)
    return Counter(found)


@pytest.fixture
def german_catalogue(settings) -> None:
    """The compiled catalogue is current, and Django reads it afresh: assigning LOCALE_PATHS makes
    Django drop the catalogues it has cached in this process."""
    compile_translations()
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


def _speaking(persona, language: str):  # noqa: ANN001, ANN202 - a conftest Persona
    user = persona.user
    account_actions.update_profile(user, user.name, user.email, language, user.time_zone)
    return persona


def test_german_catalogue_exists_with_a_header_for_two_plural_forms() -> None:
    catalogue = polib.pofile(str(PO_PATH))
    assert catalogue.metadata["Language"] == "de"
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=2;")
    assert not catalogue.metadata_is_fuzzy


def test_every_german_string_is_translated_and_checked() -> None:
    missing = [_label(entry) for entry in _entries()
               if "fuzzy" in entry.flags or not all(text.strip() for _, text in _pairs(entry))]
    assert missing == [], (
        f"{len(missing)} strings have no German translation or are marked fuzzy in {PO_PATH}")


def test_translations_keep_the_placeholders_and_markup_of_the_english_source() -> None:
    broken = []
    for entry in _entries():
        python_format = "python-format" in entry.flags
        for english, german in _pairs(entry):
            if german and _markers(english, python_format) != _markers(german, python_format):
                broken.append(f"{english!r} -> {german!r}")
    assert broken == []


def test_translations_of_plural_forms_fill_both_german_forms() -> None:
    for entry in _entries():
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="collecting strings needs GNU gettext")
def test_catalogue_holds_every_translatable_string_of_the_source(tmp_path, settings, monkeypatch) -> None:
    """Collects the strings from a copy of the source, as `makemessages` would, and compares: a
    string marked for translation but missing here means makemessages was not run after adding it."""
    copy = tmp_path / "kontor"
    shutil.copytree(SOURCE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "data", "static"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["de"], no_obsolete=True, verbosity=0)
    collected = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(copy / PO_PATH.relative_to(SOURCE_DIR)))
                 if not entry.obsolete}
    shipped = {(entry.msgctxt, entry.msgid) for entry in _entries()}
    missing = sorted(f"{context}|{msgid}" if context else msgid for context, msgid in collected - shipped)
    assert missing == [], (
        "Strings missing from the German catalogue: run `makemessages -l de` in kontor/ and translate them")


def test_people_list_speaks_german_to_a_german_user(alice, german_catalogue) -> None:
    _speaking(alice, "de")
    page = alice.client.get(reverse("people:list")).content.decode()
    assert '<html lang="de">' in page
    for text in ("Personen", "Firmen", "Angebote", "Aufgaben", "Papierkorb", "Abmelden", "Noch keine Personen"):
        assert text in page, text
    for text in ("Companies", "Log out", "No people yet"):
        assert text not in page, text


def test_people_list_speaks_english_to_an_english_user(alice, german_catalogue) -> None:
    page = alice.client.get(reverse("people:list")).content.decode()
    assert '<html lang="en">' in page
    for text in ("People", "Companies", "Deals", "Tasks", "Trash", "Log out", "No people yet"):
        assert text in page, text
    for text in ("Personen", "Firmen", "Abmelden"):
        assert text not in page, text


def test_start_page_greets_in_the_users_language(alice, bob, german_catalogue) -> None:
    _speaking(bob, "de")
    assert "Hallo, Bob" in bob.client.get(reverse("start")).content.decode()
    assert "Hello, Alice" in alice.client.get(reverse("start")).content.decode()


def test_form_errors_come_in_the_users_language(alice, german_catalogue) -> None:
    _speaking(alice, "de")
    response = alice.client.post(reverse("people:new"), person_data({"last_name": ""}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Es wurde noch nichts gespeichert." in page
    assert "Nothing has been saved yet." not in page
    assert "This field is required." not in page


def test_person_page_shows_dates_in_the_users_language(alice, bob, german_catalogue) -> None:
    person = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Schmidt",
                                                              "birthday": dt.date(1980, 5, 17)})
    _speaking(bob, "de")
    german = bob.client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "17. Mai 1980" in german
    assert "Geburtstag" in german
    english = alice.client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "May 17, 1980" in english
    assert "Birthday" in english


def test_no_string_is_translated_once_at_import_time() -> None:
    """gettext() outside a function runs when the module is imported and freezes whatever language
    was active then; module and class level strings must use gettext_lazy."""
    eager = {"gettext", "ngettext", "pgettext", "npgettext"}
    frozen = []
    for path in sorted(SOURCE_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {alias.asname or alias.name for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
                   for alias in node.names if alias.name in eager}
        calls = _calls_outside_functions(tree, aliases)
        frozen += [f"{path.relative_to(SOURCE_DIR)}:{call.lineno}" for call in calls]
    assert frozen == []


def _calls_outside_functions(node: ast.AST, names: set[str]) -> list[ast.Call]:
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in names:
            found.append(child)
        found += _calls_outside_functions(child, names)
    return found


def _visible_text(page: str) -> str:
    """The text a reader sees or hears: the content without tags, plus titles, labels and placeholders."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]*)"', page)
    return html.unescape(" ".join([re.sub(r"<[^>]+>", " ", page), *attributes]))


def test_main_pages_show_no_english_to_a_german_user(alice, german_catalogue) -> None:
    """No English source sentence of the catalogue shows on the main pages of a German user: each
    would mean a string translated in the wrong place (at import time, in another language)."""
    company = contact_actions.create_company(alice.membership, {"name": "Acme GmbH"})
    person = contact_actions.create_person(alice.membership, {"first_name": "Anna", "last_name": "Schmidt",
                                                              "birthday": dt.date(1980, 5, 17)})
    history_actions.add_note(alice.membership, [person.record, company.record], "Angebot besprochen.")
    _speaking(alice, "de")
    english = {entry.msgid for entry in _entries()
               if not entry.msgid_plural and len(entry.msgid.split()) >= 3 and "%" not in entry.msgid
               and "<" not in entry.msgid and entry.msgstr != entry.msgid}
    urls = [reverse(name) for name in ("start", "people:list", "companies:list", "deals:list", "projects:list",
                                       "tasks:list", "files:list", "records:trash", "records:tags",
                                       "accounts:settings", "accounts:team", "people:new", "deals:new",
                                       "notifications:list", "notifications:following", "notifications:preferences")]
    urls += [reverse("people:detail", args=[person.pk]), reverse("companies:detail", args=[company.pk]),
             reverse("search") + "?q=Schmidt"]
    for url in urls:
        response = alice.client.get(url)
        assert response.status_code == 200, url
        text = " ".join(_visible_text(response.content.decode()).split())
        assert [sentence for sentence in english if sentence in text] == [], url
