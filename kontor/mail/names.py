"""A person's name read from a mail's From header: "Berger, Anna", "Dr. Anna Berger", "Herr Max von
der Heide", or only an address like "anna.berger@example.com".

A pure function from the header's two parts to plain data, so that the inbox can show the guess
before anyone is created and the tests can try every odd spelling without a database."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Forms of address a display name may begin with, and the salutation each stands for
# (the values of contacts.models.Salutation).
SALUTATIONS = {
    "herr": "mr", "hr": "mr", "mr": "mr", "monsieur": "mr", "sir": "mr",
    "frau": "ms", "fr": "ms", "mrs": "ms", "ms": "ms", "miss": "ms", "madame": "ms", "mme": "ms",
}
# Academic and professional titles; several may follow each other ("Prof. Dr. med.").
TITLES = {"dr", "prof", "professor", "dipl", "ing", "med", "rer", "nat", "phil", "jur", "mag", "habil",
          "h.c", "dr.-ing", "dipl.-ing", "dipl.-kfm", "dipl.-kff", "mba", "msc", "bsc", "ma", "ba", "phd"}
# Titles that stand after the name ("Anna Berger, MBA") rather than before it.
TRAILING_TITLES = {"mba", "msc", "bsc", "ma", "ba", "phd", "m.sc", "b.sc", "m.a", "b.a", "ph.d", "llm", "ll.m"}
# Words that begin a family name ("Max von der Heide", "Jan van Dijk").
PARTICLES = {"von", "vom", "zu", "zum", "zur", "van", "de", "der", "den", "del", "della", "di", "da", "du",
             "le", "la", "ten", "ter", "af", "av"}
# Local parts of an address that name a function, not a person: no first name can be read from them.
ROLE_ADDRESSES = {"info", "kontakt", "contact", "office", "mail", "post", "service", "sales", "vertrieb",
                  "support", "hello", "hallo", "team", "noreply", "no-reply", "buero", "büro", "admin",
                  "webmaster", "newsletter", "anfrage", "anfragen", "billing", "rechnung", "rechnungen",
                  "invoice", "order", "orders", "bestellung", "verwaltung", "zentrale", "empfang"}
FIRST_NAME_LENGTH = 100
LAST_NAME_LENGTH = 100
TITLE_LENGTH = 60
MAX_DISPLAY_NAME = 500


@dataclass(frozen=True)
class PersonName:
    """What the From header tells about a person; `last_name` is never empty (a person needs one)."""

    first_name: str
    last_name: str
    title: str = ""
    salutation: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)


def _key(word: str) -> str:
    return word.lower().rstrip(".").strip()


def _tidy(text: str) -> str:
    """The display name without what is not part of a name: quotes, an address repeated inside it,
    a company in brackets ("Anna Berger (Müller GmbH)"), a sender's tag after a bar or dash."""
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"\S+@\S+", " ", text)
    text = re.sub(r"[(\[][^)\]]*[)\]]", " ", text)
    text = re.split(r"\s[|/–—]\s|\s-\s|\svia\s", text, maxsplit=1)[0]
    text = text.strip().strip("'\"`´‘’“”„«»").strip()
    return " ".join(text.split())


def _capitalise(word: str) -> str:
    """'anna' → 'Anna', 'müller-lüdenscheidt' → 'Müller-Lüdenscheidt'; a particle stays small."""
    if word.lower() in PARTICLES:
        return word.lower()
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def _from_address(address: str) -> PersonName:
    """A guess from the local part: "anna.berger" → Anna Berger, "a.berger" → Berger, "info" → Info."""
    local = address[:MAX_DISPLAY_NAME].split("@", 1)[0].split("+", 1)[0].strip().lower()
    parts = [part for part in re.split(r"[._]+", local) if part and not part.isdigit()]
    parts = [re.sub(r"\d+$", "", part) or part for part in parts]
    if not parts:
        return PersonName("", address.split("@", 1)[0][:LAST_NAME_LENGTH] or "?")
    if local in ROLE_ADDRESSES or len(parts) == 1:
        return PersonName("", _capitalise(parts[0])[:LAST_NAME_LENGTH])
    names = [part for part in parts if len(part) > 1] or parts
    if len(names) == 1:
        return PersonName("", _capitalise(names[0])[:LAST_NAME_LENGTH])
    first = " ".join(_capitalise(part) for part in names[:-1] if part not in PARTICLES)
    last = _capitalise(names[-1])
    return PersonName(first[:FIRST_NAME_LENGTH], last[:LAST_NAME_LENGTH])


def split_name(display_name: str, address: str = "") -> PersonName:
    """The person a From header names.

    1. Tidy the display name (quotes, brackets, a repeated address go); without one, guess from
       the address.
    2. Take a leading form of address ("Herr", "Frau", "Mr") as the salutation and leading
       titles ("Dr.", "Prof. Dr.") as the title; titles after a comma at the end ("…, MBA") too.
    3. "Berger, Anna" is last name first; otherwise the last word is the family name, together
       with the particles before it ("von der Heide").
    4. A name written all in capitals is written as a name ("ANNA BERGER" → Anna Berger)."""
    # A header's display name is short; a longer one is cut before the patterns of _tidy, whose
    # work grows with the square of the length.
    text = _tidy((display_name or "")[:MAX_DISPLAY_NAME])
    if not re.search(r"\w", text):
        return _from_address(address) if address else PersonName("", "?")
    if text.isupper() and len(text) > 3:
        text = " ".join(_capitalise(word.lower()) for word in text.split())
    # Titles after the name: "Anna Berger, MBA".
    if "," in text:
        head, _sep, tail = text.rpartition(",")
        if tail.strip() and all(_key(word) in TRAILING_TITLES for word in tail.split()):
            text = head.strip()
    salutation, titles = "", list[str]()
    words = text.replace(",", " , ").split()
    while words:
        key = _key(words[0])
        if not salutation and not titles and key in SALUTATIONS and len(words) > 1:
            salutation = SALUTATIONS[key]
        elif key in TITLES and len(words) > 1:
            titles.append(words[0])
        else:
            break
        words.pop(0)
    if "," in words:
        comma = words.index(",")
        last_words, first_words = words[:comma], [w for w in words[comma + 1:] if w != ","]
        # "Berger, Dr. Anna": titles may stand after the comma too.
        while first_words and _key(first_words[0]) in TITLES:
            titles.append(first_words.pop(0))
    else:
        start = len(words) - 1
        while start > 1 and words[start - 1].lower() in PARTICLES:
            start -= 1
        if start == 1 and words[0].lower() in PARTICLES:
            start = 0
        first_words, last_words = words[:start], words[start:]
    last = " ".join(last_words) or " ".join(first_words)
    first = " ".join(first_words) if last_words else ""
    if not last:
        return _from_address(address) if address else PersonName("", "?")
    return PersonName(first[:FIRST_NAME_LENGTH], last[:LAST_NAME_LENGTH], " ".join(titles)[:TITLE_LENGTH],
                      salutation)
