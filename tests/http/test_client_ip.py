"""Which address a request comes from: the peer, or a trusted proxy's X-Forwarded-For."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from smscd.http.client_ip import ClientAddresses, parse_address

PROXIES = "10.0.0.0/8, 2001:db8:ffff::/48"


def scope(peer: str | None, *forwarded: str) -> dict[str, object]:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"client": (peer, 1234) if peer else None, "headers": headers}


def test_without_trusted_proxies_the_header_is_ignored():
    assert ClientAddresses("").of(scope("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_from_an_untrusted_peer_the_header_is_ignored():
    assert ClientAddresses(PROXIES).of(scope("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client():
    assert ClientAddresses(PROXIES).of(scope("10.1.2.3", "198.51.100.1")) == "198.51.100.1"


def test_entries_the_client_wrote_itself_are_ignored():
    # The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the address it saw.
    addresses = ClientAddresses(PROXIES)
    assert addresses.of(scope("10.1.2.3", "1.1.1.1, 198.51.100.1")) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    addresses = ClientAddresses(PROXIES)
    assert addresses.of(scope("10.0.0.1", "1.1.1.1, 198.51.100.1, 10.9.9.9")) == "198.51.100.1"
    assert addresses.of(scope("10.0.0.1", "198.51.100.1", "10.9.9.9")) == "198.51.100.1"


def test_ipv6_and_mapped_addresses():
    addresses = ClientAddresses(PROXIES)
    assert addresses.of(scope("2001:db8:ffff::1", "2001:db8:1::7")) == "2001:db8:1::7"
    assert addresses.of(scope("::ffff:10.1.1.1", "198.51.100.1")) == "198.51.100.1"


def test_garbage_from_a_proxy_is_no_address_not_the_proxys():
    addresses = ClientAddresses(PROXIES)
    assert addresses.of(scope("10.1.2.3", "not-an-address")) is None
    assert addresses.of(scope("10.1.2.3", "198.51.100.1, junk, 10.2.2.2")) is None
    # Garbage left of the client is the client's own doing, and never read.
    assert addresses.of(scope("10.1.2.3", "junk, 198.51.100.1")) == "198.51.100.1"


def test_entries_with_a_port():
    addresses = ClientAddresses(PROXIES)
    assert addresses.of(scope("10.1.2.3", "198.51.100.1:5678")) == "198.51.100.1"
    assert addresses.of(scope("10.1.2.3", "[2001:db8:1::7]:443")) == "2001:db8:1::7"
    assert addresses.of(scope("10.1.2.3", "10.9.9.9:80, 198.51.100.2:1")) == "198.51.100.2"


def test_no_header_from_a_proxy_is_the_proxy():
    assert ClientAddresses(PROXIES).of(scope("10.1.2.3")) == "10.1.2.3"


def test_no_peer_is_no_address():
    assert ClientAddresses(PROXIES).of(scope(None, "198.51.100.1")) is None


ADDRESSES = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
    st.sampled_from(["", "junk", "10.0.0.1", "999.1.1.1", " 10.2.3.4 "]),
)


@given(peer=st.ip_addresses().map(str), hops=st.lists(ADDRESSES, max_size=6))
def test_the_answer_is_the_peer_or_an_entry_never_made_up(peer, hops):
    found = ClientAddresses(PROXIES).of(scope(peer, ", ".join(hops)))
    known = {peer} | {str(a) for a in map(parse_address, [peer, *hops]) if a is not None}
    assert found is None or found in known


@given(peer=st.ip_addresses().map(str), hops=st.lists(ADDRESSES, max_size=6))
def test_an_untrusted_peer_always_stands_for_itself(peer, hops):
    untrusted = ClientAddresses("192.0.2.0/24")
    if ipaddress.ip_address(peer) not in ipaddress.ip_network("192.0.2.0/24"):
        assert untrusted.of(scope(peer, ", ".join(hops))) == peer
