"""IP addresses and networks as the API's settings and accounts write them.

Allowed-IP lists (accounts), trusted proxies (http/client_ip.py) and IP blocks (limits) all
read addresses through these two functions, so that all three agree on what an address is.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=4096)
def networks(text: str) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 2001:db8::1"`` as networks (an address is a network of one)."""
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) for item in text.split(",") if item.strip()
    )


def parse_address(text: str) -> Address | None:
    """An IPv4 or IPv6 address (an IPv4-mapped IPv6 address as the IPv4 one), or None."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def within(address: Address, listed: tuple[Network, ...]) -> bool:
    return any(address in network for network in listed)
