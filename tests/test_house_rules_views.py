"""House rule for the views, checked by reading their sources: a views module fetches nothing itself.

Single objects come through the helpers in kontor/records/access.py (which filter by the account,
so another account's object is a 404 like a missing one), lists and counts through the app's
queries module. A bare `Model.objects.filter(...)` or `Model.objects.get(...)` in a views module (also
after the manager's own methods, `Record.objects.alive().filter(...)`) is how a lookup without the
account slips in, so none is allowed. The API (kontor/api) has its own
check.
"""

from __future__ import annotations

import ast
from pathlib import Path

KONTOR = Path(__file__).resolve().parent.parent / "kontor"

# Named like a views module but holding no views: the saved list views (a model's actions and
# reads, and the decorator that opens a list's default view).
NOT_VIEWS = frozenset({"records/saved_views.py"})


def views_modules() -> list[Path]:
    """Every views module outside the API: views.py and *_views.py."""
    found = [path for path in KONTOR.rglob("*.py") if path.name == "views.py" or path.name.endswith("_views.py")]
    return sorted(path for path in found
                  if path.relative_to(KONTOR).parts[0] != "api"
                  and path.relative_to(KONTOR).as_posix() not in NOT_VIEWS)


def _on_a_manager(node: ast.expr) -> bool:
    """Whether the expression is `<model>.objects`, or a chain of calls started from it
    (`Record.objects.alive()`, `Membership.objects.active().filter(...)`). A method named
    `objects` (`kind.objects(membership)`, already scoped to the account) is no manager."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr == "objects":
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "objects":
                return False
            node = node.func
        else:
            return False


def bare_lookups(source: str, filename: str = "<views>") -> list[int]:
    """The line numbers of `.filter(...)` and `.get(...)` calls on a model's manager: directly
    (`Company.objects.filter(...)`) or after its own methods (`Record.objects.alive().filter(...)`)."""
    lines = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"filter", "get"} and _on_a_manager(node.func.value)):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_the_check_finds_a_bare_filter_and_get_and_passes_other_calls():
    source = (
        "a = Company.objects.filter(account=account, pk=pk).first()\n"
        "b = Person.objects.get(pk=pk)\n"
        "c = access_company(membership, pk)\n"
        "d = request.GET.get('q')\n"
        "e = obj.positions.filter(is_former=False)\n"
        "f = Record.objects.alive().filter(entries=entry).first()\n"
        "g = queries.own_membership_in(user, account_id)\n"
        "h = kind.objects(membership).filter(pk__in=ids)\n"
    )
    assert bare_lookups(source) == [1, 2, 6]


def test_the_views_modules_are_found():
    names = {path.relative_to(KONTOR).as_posix() for path in views_modules()}
    assert {"views.py", "contacts/views.py", "history/comment_views.py"} <= names
    assert not any(name.startswith("api/") for name in names)


def test_no_views_module_outside_the_api_calls_objects_filter_or_get():
    offenders = {
        path.relative_to(KONTOR).as_posix(): lines
        for path in views_modules()
        if (lines := bare_lookups(path.read_text(encoding="utf-8"), str(path)))
    }
    assert offenders == {}, (
        "Views fetch single objects through kontor/records/access.py and lists through the app's "
        f"queries.py; bare lookups at (file: lines) {offenders}")
