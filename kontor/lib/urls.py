"""URLs of rows in a page's loops, without a `reverse()` per row.

`reverse()` walks the URL resolver on every call (tens of microseconds); a person page with 25
history entries asked it about 180 times. `id_url("history:edit", record.pk, entry.pk)` reverses a
name once per process (and script prefix) with stand-in numbers and then only fills in the ids. It
serves names whose arguments are all integer ids (`<int:...>` in the pattern); anything else goes
through `reverse()` as usual.
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, reverse

# Stand-ins that no real id or path reaches; each is replaced by its argument.
_STAND_INS = tuple(str(987_654_321_000 + number) for number in range(4))


@functools.lru_cache(maxsize=512)
def _pattern(name: str, arity: int, prefix: str) -> tuple[str, ...]:
    """The URL cut at its ids: parts[0] id parts[1] id ... parts[arity]."""
    url = reverse(name, args=_STAND_INS[:arity])
    parts: list[str] = []
    for stand_in in _STAND_INS[:arity]:
        head, _sep, url = url.partition(stand_in)
        parts.append(head)
    parts.append(url)
    return tuple(parts)


def id_url(name: str, *ids: int | str) -> str:
    """reverse(name, args=ids) for integer ids, at the cost of a string join (other arguments go
    through reverse())."""
    if len(ids) > len(_STAND_INS) or not all(type(value) is int for value in ids):
        return reverse(name, args=ids)
    parts = _pattern(name, len(ids), get_script_prefix())
    pieces = [parts[0]]
    for value, part in zip(ids, parts[1:], strict=True):
        pieces.append(str(value))
        pieces.append(part)
    return "".join(pieces)


class IdURL:
    """id_url for one name with one id, for a page of rows: `detail = IdURL("people:detail")` once,
    then `detail(pk)` per row, at the cost of an f-string (a path of fixed parts and digits,
    nothing in it to escape)."""

    def __init__(self, name: str) -> None:
        stand_in = _STAND_INS[0]
        self.head, _sep, self.tail = id_url(name, int(stand_in)).partition(stand_in)

    def __call__(self, object_id: int) -> str:
        return f"{self.head}{int(object_id)}{self.tail}"
