"""The views are type-checked: a view reads the member through a typed request (MemberRequest,
kontor/accounts/requests.py), never through `request.membership` hidden from mypy by an ignore or
a local `_membership(request)` helper. Checked by reading the sources."""

from __future__ import annotations

import re
from pathlib import Path

KONTOR = Path(__file__).resolve().parent.parent / "kontor"

# Modules that still read the member untyped because they were being reworked when the rule came
# in; each one takes MemberRequest as soon as that work has landed, and leaves this list in the
# same commit. Do not add to it.
NOT_YET_TYPED = frozenset(
    {
        "api/auth.py",  # the API's own request (django-ninja)
    }
)

_HIDDEN = re.compile(r"\brequest\.(membership|account|htmx)\b.*# type: ignore")
_HELPER = re.compile(r"^def _membership\(request\b", re.MULTILINE)


def untyped_member_reads(source: str) -> list[int]:
    """The line numbers in `source` that hide a request attribute from mypy or define a local
    `_membership(request)` helper."""
    lines = source.splitlines()
    found = [number for number, line in enumerate(lines, start=1) if _HIDDEN.search(line)]
    found += [source.count("\n", 0, match.start()) + 1 for match in _HELPER.finditer(source)]
    return sorted(found)


def test_the_check_finds_an_ignored_membership_and_a_local_helper() -> None:
    source = (
        "def _membership(request: HttpRequest) -> Membership:\n"
        "    return request.membership  # type: ignore[attr-defined]\n"
        "def view(request: MemberRequest) -> HttpResponse:\n"
        "    if request.htmx:  # type: ignore[attr-defined]\n"
        "        return render(request, 'a.html', {'m': request.membership})\n"
    )
    assert untyped_member_reads(source) == [1, 2, 4]


def test_the_check_accepts_a_typed_view() -> None:
    source = "def view(request: MemberRequest) -> HttpResponse:\n    return go(request.membership, request.htmx)\n"
    assert untyped_member_reads(source) == []


def test_every_view_reads_the_member_through_a_typed_request() -> None:
    offenders = {}
    for path in sorted(KONTOR.rglob("*.py")):
        name = path.relative_to(KONTOR).as_posix()
        if name in NOT_YET_TYPED or "/migrations/" in name:
            continue
        lines = untyped_member_reads(path.read_text(encoding="utf-8"))
        if lines:
            offenders[name] = lines
    assert offenders == {}, "annotate the view with MemberRequest (see docs/development.md)"


def test_the_not_yet_typed_list_names_only_files_that_exist() -> None:
    assert [name for name in sorted(NOT_YET_TYPED) if not (KONTOR / name).exists()] == []
