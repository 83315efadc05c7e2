"""The address of the client behind a request, believing X-Forwarded-For only from trusted proxies.

Behind a reverse proxy every request comes from the proxy's address; the proxy names the real
client in X-Forwarded-For. Anyone can send that header, so it is read only when REMOTE_ADDR is one
of settings.TRUSTED_PROXIES (KONTOR_TRUSTED_PROXIES: IPs or CIDR networks), and then from the
right: each trusted proxy appends the address it saw, so the rightmost hop that is not a trusted
proxy is the client. Entries further left were written by the client itself and are never used.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"KONTOR_TRUSTED_PROXIES: {entry!r} is no IP address or network (e.g. 10.0.0.1, 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    """settings.TRUSTED_PROXIES parsed; raises ImproperlyConfigured naming a bad entry."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # "[2001:db8::1]:443"
        address = address[1:address.index("]")]
    elif address.count(":") == 1:  # "192.0.2.1:443"
        address = address.split(":")[0]
    try:
        parsed = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        return parsed.ipv4_mapped
    return parsed


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in trusted_networks())


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address as text ("" when unknown).

    1. REMOTE_ADDR is the client, unless it is a trusted proxy.
    2. Then walk X-Forwarded-For from the right, skipping trusted proxies; the first other hop is
       the client. A hop that is no valid address ends the walk: whoever wrote it is not trusted,
       so the last trusted hop's peer (the address before it) cannot be known better than that.
    3. If every hop is a trusted proxy, the leftmost one is the best we know."""
    if request is None:
        return ""
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return ""
    networks = trusted_networks()
    if not networks or not any(remote in network for network in networks):
        return str(remote)
    hops = [hop for hop in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            break
        client = parsed
        if not any(parsed in network for network in networks):
            break
    return str(client)
