"""The messy-mail corpus (tests/mail/corpus/*.eml) for any test that needs real-looking messages:
the parser's own tests, and the listener and filing tests that feed the same bytes through SMTP,
IMAP and the filing job. README.md in the folder says what each message covers."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"


def corpus_messages() -> list[tuple[str, bytes]]:
    """Every corpus message as (file name without .eml, raw bytes), sorted by name."""
    return [(path.stem, path.read_bytes()) for path in sorted(CORPUS.glob("*.eml"))]
