"""linkify: exactly what the urlize filter makes of a note, quicker for the common note without links."""

from __future__ import annotations

import random

import pytest
from django.template import Context, Template

from kontor.lib.text import linkify

URLIZE = Template("{{ text|urlize }}")

EXAMPLES = [
    "", "Angebot besprochen. Rückruf am Montag, 10:00 Uhr.", "Siehe https://example.com/a?b=1&c=2.",
    "www.kontor.de und mail@example.org", "Kunde <b>fett</b> & \"zitiert\" 'einfach'",
    "example.com", "EXAMPLE.NET/pfad", "a.b.c: d@e", "&amp; &#46;com &lt;script&gt;", "http:", "HTTPS://X.Y",
    "Tel. 030 123-45, Str. 5a; z.B. (Büro) [Lager]", "Zeile eins\nZeile zwei\tTab", "münchen.org.",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_it_is_what_urlize_makes(text):
    assert linkify(text) == URLIZE.render(Context({"text": text}))


def test_random_text_comes_out_as_urlize_makes_it():
    pieces = ["Angebot", "Müller", ".", ",", ":", "@", "&", "<", ">", '"', "'", " ", "\n", "com", "org", "de",
              "www", "http", "://", "/", "x", "1", "(", ")", "ß", "é", ";", "amp"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert linkify(text) == URLIZE.render(Context({"text": text})), text
