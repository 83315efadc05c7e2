"""Typed readers for Kontor's environment variables.

Configuration is environment variables only. Each helper fails loudly with the variable's name
when a value cannot be used, so a typo stops the start instead of surfacing as odd behaviour.
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_path(name: str, default: str) -> Path:
    return Path(env_str(name, default)).expanduser().resolve()


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


def listening_base_url() -> str:
    """The address of the web server as `kontor run` and `kontor web` start it (PORT, KONTOR_BIND):
    the base URL for links in mails, invitations and the calendar feed when KONTOR_BASE_URL is not
    set, so that a trial on another port links to that port. A server bound to every interface
    (0.0.0.0, ::) is linked as 127.0.0.1; behind a proxy or on a network, set KONTOR_BASE_URL."""
    host = env_str("KONTOR_BIND", "127.0.0.1") or "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    port = env_int("PORT", 8000)
    if not 0 < port < 65536:
        raise ConfigError(f"PORT must be a port number, not {port}")
    return f"http://{host}:{port}"
