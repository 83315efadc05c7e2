"""Sizes in bytes as operators write them: "10G", "500M", "1.5T", "25MB", "26214400".

Units are binary (1K = 1024 bytes, 1G = 1024³ bytes), as Kontor's other limits count megabytes;
"GiB" and "GB" mean the same here."""

from __future__ import annotations

import os
import re

from kontor.config import ConfigError

UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?", re.IGNORECASE)


def parse_size(text: str) -> int:
    """The number of bytes `text` names; ValueError for anything else (negative, unknown unit)."""
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a size: {text!r}")
    number, unit = match.groups()
    return int(float(number) * UNITS[unit.upper()])


def env_size(name: str, default: int) -> int:
    """A size from the environment ("10G"), or `default` when the variable is unset or empty."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse_size(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a size such as 500M or 10G (or a number of bytes), not {raw!r}") from None
