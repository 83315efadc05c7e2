"""Template source checks that rendering tests would only catch page by page."""

from __future__ import annotations

from pathlib import Path

import kontor

TEMPLATES = Path(kontor.__file__).parent / "templates"


def test_no_template_comment_spans_lines() -> None:
    """Django's {# … #} ends on its own line; one that goes on is shown to the user as text.
    Longer comments belong in {% comment %}."""
    broken = [f"{path.relative_to(TEMPLATES)}:{number}"
              for path in sorted(TEMPLATES.rglob("*.html"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if line.count("{#") > line.count("#}")]
    assert broken == []
