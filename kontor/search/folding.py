"""Folding text for search, so that the way a word is typed does not decide whether it is found.

Both the indexed text and the query are folded the same way: lower case (with ß as "ss"), accents
and umlauts reduced to their base letter ("Müller" → "muller", "Straße" → "strasse", "Café" →
"cafe"). The query is then widened into variants, so that the two German spellings of an umlaut
find each other both ways:

    query "müller"  → "muller", "mueller"    finds "Müller" and "Mueller"
    query "mueller" → "mueller", "muller"    finds "Mueller" and "Müller"
    query "muller"  → "muller"               finds "Müller"

Only the query grows; the index holds one folded copy of each text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kontor.contacts.validation import normalize_phone

# The trigram indexes of both databases need three characters to look anything up.
MIN_TERM = 3
MAX_TERMS = 6
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_UMLAUT_DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# "ae", "oe", "ue" written for an umlaut; not after a vowel, so that "neue" or "Bauer" keep theirs.
_DIGRAPH = re.compile(r"(?<![aeiouy])([aou])e")
_PHONE_QUERY = re.compile(r"^\+?[0-9()\-/.\s]+$")


def fold(text: str) -> str:
    """The text as the index stores it: lower case, ß → ss, accents and umlauts removed."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return fold(char)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the position of the character of `text`
    it came from (folding changes lengths: "ß" becomes two characters, "a" + combining dot none)."""
    folded: list[str] = []
    offsets: list[int] = []
    for position, char in enumerate(text):
        part = _fold_char(char)
        folded.append(part)
        offsets.extend([position] * len(part))
    return "".join(folded), offsets


def word_variants(word: str) -> frozenset[str]:
    """The folded spellings one query word may be written as in the text (see the module doc)."""
    lowered = word.casefold()
    variants = {fold(lowered)}
    if any(umlaut in lowered for umlaut in "äöü"):
        variants.add(fold(lowered.translate(_UMLAUT_DIGRAPHS)))
    variants |= {_DIGRAPH.sub(r"\1", variant) for variant in list(variants)}
    long_enough = {variant for variant in variants if len(variant) >= MIN_TERM}
    return frozenset(long_enough or {fold(lowered)})


def phone_digits(query: str) -> str:
    """The digits a phone-number-like query stands for ("0171 234" → "0171234", "+49 171" →
    "0171"), or "" when the query is no phone number. Indexed numbers are stored the same way."""
    if not _PHONE_QUERY.match(query.strip()):
        return ""
    digits = normalize_phone(query)
    return digits if len(digits) >= MIN_TERM else ""


Clause = tuple[frozenset[str], ...]  # every term must match; a term matches when one variant does


class Query:
    """A parsed search: alternatives (OR) of clauses (AND) of terms (OR of spellings).

    "hans müller" is one clause of two terms; "0171 234" is the clause of its words or else its
    digits "0171234". A query whose words are all shorter than three characters has no clauses;
    it is looked up as a name prefix instead (`prefix`)."""

    def __init__(self, text: str) -> None:
        # NUL characters match nothing, and PostgreSQL refuses a query that has one.
        self.text = " ".join(text.replace("\x00", " ").split())[:200]
        words = [w for w in self.text.split()[:MAX_TERMS] if len(fold(w)) >= MIN_TERM]
        clauses: list[Clause] = []
        if words:
            clauses.append(tuple(word_variants(word) for word in words))
        digits = phone_digits(self.text)
        if digits and (not words or len(words) > 1 or fold(words[0]) != digits):
            clauses.append((frozenset({digits}),))
        self.digits = digits
        self.clauses = clauses
        self.prefix = fold(self.text) if self.text and not clauses else ""

    def __bool__(self) -> bool:
        return bool(self.clauses or self.prefix)

    @property
    def spellings(self) -> set[str]:
        """Every folded string that counts as a match, for highlighting."""
        found = {variant for clause in self.clauses for term in clause for variant in term}
        return found | ({self.prefix} if self.prefix else set())
