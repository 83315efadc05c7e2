"""Where a webhook may be sent (SSRF protection): pure functions, no Django.

A webhook URL names a host on the internet. Without a check, anyone who may subscribe could make
Kontor's worker post to the machines around it (the database, a cloud's metadata service at
169.254.169.254, an admin page on 127.0.0.1). So:

  1. only http and https, with a host and without user:password@;
  2. the host is resolved, and every address it resolves to must be public: no private, loopback,
     link-local, multicast, reserved, unspecified or shared (carrier-grade NAT) address, also not
     hidden in an IPv6 form (IPv4-mapped ::ffff:10.0.0.1, 6to4, NAT64, Teredo);
  3. the delivery connects to an address checked in step 2, never resolves the name again, so a
     name that answers with a public address for the check and 127.0.0.1 a second later (DNS
     rebinding) gains nothing.

`allow_private` (KONTOR_WEBHOOKS_ALLOW_PRIVATE) lifts rule 2 for targets on the own network."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

# (host, port) -> the addresses the host resolves to; tests pass their own.
Resolver = Callable[[str, int], list[str]]

PRINTABLE_ASCII = "".join(chr(code) for code in range(0x21, 0x7F))
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class UrlRefused(ValueError):
    """The URL may not be used; `reason` is one of the keys of REASONS (the caller words it)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to one of `addresses`, send `host` in the Host header (and TLS)."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of `host` as the operating system resolves them (DNS, /etc/hosts)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).partition("%")[0] for info in infos))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in network for network in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """Whether a webhook may go to this address (see the module's docstring)."""
    try:
        ip = ipaddress.ip_address(address.partition("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public(str(embedded)):
            return False
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of a webhook URL, or UrlRefused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UrlRefused("invalid") from None
    scheme = parts.scheme.lower()
    if not scheme or not parts.netloc:
        raise UrlRefused("invalid")
    if scheme not in ("http", "https"):
        raise UrlRefused("scheme")
    if not parts.hostname:
        raise UrlRefused("invalid")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("credentials")
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        raise UrlRefused("invalid") from None
    if not host or any(c.isspace() or c in "/\\@" for c in host):
        raise UrlRefused("invalid")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # The request line is ASCII without spaces: anything else in the path travels percent-encoded.
    path = quote(path, safe=PRINTABLE_ASCII)
    return scheme, host, port or (443 if scheme == "https" else 80), path


def check(url: str, *, resolve: Resolver | None = None, allow_private: bool = False) -> Target:
    """The URL checked by rules 1 and 2; raises UrlRefused ("unresolvable" when the name has no
    address, "private" naming the first address that is not allowed)."""
    scheme, host, port, path = parse(url)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = (resolve or system_resolver)(host, port)
        except (OSError, UnicodeError):
            raise UrlRefused("unresolvable") from None
    if not addresses:
        raise UrlRefused("unresolvable")
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise UrlRefused("private", address)
    return Target(scheme, host, port, path, tuple(addresses))
