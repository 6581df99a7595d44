"""Behind a trusted reverse proxy the client is who X-Forwarded-For says; from anyone else the
header changes nothing: blocks and allowed-IP lists judge the socket peer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smscd.accounts.service import set_allowed_ips
from tests.limits.conftest import limited_settings
from tests.limits.harness import AUTHORISE, BLOCKED, LiveApp, error_text, new_address

PROXY = "192.0.2.10"


@pytest.fixture(scope="module")
def behind_proxy(backend, clock) -> Iterator[LiveApp]:
    with LiveApp(limited_settings(backend.url, trusted_proxies=f"{PROXY}/32"), clock) as live:
        yield live


def via_proxy(client: str) -> dict[str, object]:
    return {"client": PROXY, "headers": {"x-forwarded-for": f"203.0.113.250, {client}"}}


def test_failures_behind_the_proxy_block_the_client_not_the_proxy(behind_proxy, make_account):
    account, attacker, bystander = make_account(), new_address(), new_address()
    for _ in range(5):
        behind_proxy.history(account, psw="wrong", **via_proxy(attacker))
    assert error_text(behind_proxy.history(account, **via_proxy(attacker))) == BLOCKED
    assert error_text(behind_proxy.history(account, **via_proxy(bystander))) != BLOCKED


def test_the_header_from_an_untrusted_peer_is_ignored(behind_proxy, make_account):
    account, peer = make_account(), new_address()
    headers = {"x-forwarded-for": new_address()}
    for _ in range(5):
        behind_proxy.history(account, client=peer, headers=headers, psw="wrong")
    # A new forged address every time would not help: the peer itself is blocked.
    other = {"x-forwarded-for": new_address()}
    assert error_text(behind_proxy.history(account, client=peer, headers=other)) == BLOCKED


def test_allowed_ip_lists_judge_the_client_behind_the_proxy(behind_proxy, backend, make_account):
    account, office = make_account(), new_address()
    with backend.engine.begin() as conn:
        set_allowed_ips(conn, account.login, office)
    assert error_text(behind_proxy.history(account, **via_proxy(office))) != AUTHORISE
    assert error_text(behind_proxy.history(account, **via_proxy(new_address()))) == AUTHORISE
    # The proxy's own address is not the office's, whatever a client claims to it.
    forged = {"x-forwarded-for": office}
    assert (
        error_text(behind_proxy.history(account, client=new_address(), headers=forged)) == AUTHORISE
    )
