"""The throughput figures beside the page timings: how fast mail comes in and is filed, how fast
files are read and imported, how fast a list is exported. Each module's `measure(say)` returns
rows {"name", "value", "unit", "target"}; a target is a floor for rates ("/s") and a ceiling for
times ("ms", "s")."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bench import bulk, exports, imports, mail, transfer_parse

GROUPS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "mail": mail.measure,
    "parsing": transfer_parse.measure,
    "import": imports.measure,
    "export": exports.measure,
    "bulk": bulk.measure,
}


def meets(row: dict[str, Any]) -> bool | None:
    target = row.get("target")
    if target is None:
        return None
    return row["value"] >= target if str(row.get("unit", "")).endswith("/s") else row["value"] <= target


def run(say: Callable[[str], None], only: list[str] | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, measure in GROUPS.items():
        if only and name not in only:
            continue
        say(f"{name}:")
        for row in measure(lambda text: say(f"  {text}")):
            rows.append({**row, "group": name, "meets_target": meets(row)})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'throughput':<52} {'value':>12} {'unit':<10} {'target':>10}  ok", "-" * 92]
    for row in rows:
        target = "" if row.get("target") is None else f"{row['target']:g}"
        ok = {True: "yes", False: "NO", None: ""}[row["meets_target"]]
        lines.append(f"{row['name']:<52} {row['value']:>12.1f} {row.get('unit', ''):<10} {target:>10}  {ok}")
    return "\n".join(lines)


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2, default=str)
