"""Which address a request comes from: the socket peer, or what a trusted proxy says.

Allowed-IP lists (error 2) and IP blocking (error 4) both judge this address, so it must not
be something a client can choose. ``X-Forwarded-For`` is therefore read only when the socket
peer is one of ``SMSCD_TRUSTED_PROXIES``, and from the right: each trusted proxy appends the
address it received the request from, so the first entry from the right that is not itself a
trusted proxy is the client (entries further left are whatever the client sent, and are
ignored). docs/protection.md, "Client addresses".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from smscd.addresses import networks, parse_address, within


class ClientAddresses:
    """The client address of a request under one deployment's list of trusted proxies."""

    def __init__(self, trusted_proxies: str) -> None:
        self._trusted = networks(trusted_proxies)

    def of(self, scope: Mapping[str, Any]) -> str | None:
        """The client address of an ASGI ``scope`` (None when the server gives no peer)."""
        client = scope.get("client")
        peer: str | None = client[0] if client else None
        if peer is None or not self._trusted:
            return peer
        current = parse_address(peer)
        if current is None or not within(current, self._trusted):
            return peer
        for hop in reversed(_forwarded_for(scope.get("headers", ()))):
            address = parse_address(_without_port(hop))
            if address is None:
                # A trusted proxy passed on something that is no address: the client is
                # unknown. Not the proxy's own address, which would put every client behind
                # it under one block; no address is never blocked, and fails allowed-IP
                # lists (docs/protection.md, "Client addresses").
                return None
            current = address
            if not within(address, self._trusted):
                break
        return str(current)


def _without_port(hop: str) -> str:
    """``1.2.3.4:5678`` → ``1.2.3.4``; ``[2001:db8::1]:443`` → ``2001:db8::1`` (some load
    balancers write the client's port too)."""
    if hop.startswith("["):
        return hop[1:].split("]", 1)[0]
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    return hop


def _forwarded_for(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    """Every ``X-Forwarded-For`` entry, in order (several headers are one list, RFC 7230)."""
    hops: list[str] = []
    for name, value in headers:
        if name.lower() == b"x-forwarded-for":
            hops += [hop.strip() for hop in value.decode("latin-1").split(",") if hop.strip()]
    return hops
