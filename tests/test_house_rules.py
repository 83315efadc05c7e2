"""House rules for the test suite itself, checked by reading the test sources.

Every `pytest.raises(...)` names the message it expects with `match=`: the right exception type
raised for the wrong reason (another validation failing first, a different refusal) must not
pass as the refusal the test is about. A refusal that carries no text on purpose (a 404 that
must not tell another account's object from a missing one, an exception whose type is the whole
reason) says so with `match=r"^$"` and checks that nothing changed.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

def _is_pytest_raises(call: ast.Call) -> bool:
    """`pytest.raises(...)`, or `raises(...)` imported from pytest."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == "raises" and isinstance(func.value, ast.Name) and func.value.id == "pytest"
    return isinstance(func, ast.Name) and func.id == "raises"


def _imports_raises_from_pytest(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "pytest"
        and any(alias.name == "raises" for alias in node.names)
        for node in ast.walk(tree)
    )


def raises_without_match(source: str, filename: str = "<test>") -> list[int]:
    """The line numbers of `pytest.raises` calls in `source` that have no `match=` keyword."""
    tree = ast.parse(source, filename=filename)
    bare_name_counts = _imports_raises_from_pytest(tree)
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not _is_pytest_raises(node):
            continue
        if isinstance(node.func, ast.Name) and not bare_name_counts:
            continue
        if not any(keyword.arg == "match" for keyword in node.keywords):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_check_finds_a_raises_without_match_and_accepts_one_with_it() -> None:
    source = (
        "import pytest\n"
        "def test_a():\n"
        "    with pytest.raises(ValueError):\n"
        "        pass\n"
        "    with pytest.raises(ValueError, match='too long'):\n"
        "        pass\n"
        "    with pytest.raises(\n"
        "        KeyError,\n"
        "    ):\n"
        "        pass\n"
    )
    assert raises_without_match(source) == [3, 7]


def test_the_check_also_sees_raises_imported_from_pytest() -> None:
    source = "from pytest import raises\ndef test_a():\n    with raises(ValueError):\n        pass\n"
    assert raises_without_match(source) == [3]


def test_every_pytest_raises_in_the_tests_says_which_message_it_expects() -> None:
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS).as_posix()
        for line in raises_without_match(path.read_text(encoding="utf-8"), filename=str(path)):
            offenders.append(f"tests/{relative}:{line}")
    assert offenders == [], "pytest.raises without match=:\n" + "\n".join(offenders)

