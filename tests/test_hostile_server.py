"""The hostile-input campaign against the real server (`smscd serve`, granian, two workers,
limits on): generated requests over TCP, malformed HTTP among them, and after each one the
server still answers. The oracle is tests/http/hostile.py's."""

from __future__ import annotations

import contextlib
import http.client
import socket
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smscd.app import API
from smscd.demo import seed
from tests.http import hostile
from tests.servers import ServerProcess, demo_server

ACTIONS = [(path, action) for path, actions in API.items() for action in actions]
# Half the in-process campaign's examples per action (CI: 50; the release profile: 1000).
CAMPAIGN = settings(
    max_examples=settings.default.max_examples // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # Limits on, as deployed, but with no windows: a refusal would answer most of the
    # campaign's requests without looking at them (and replay differently when Hypothesis
    # shrinks). Every request is its own client behind the loopback "proxy", so that IP
    # blocks do not stop the campaign after its first failures either.
    windows = ("identical_per_minute", "history_per_hour", "stat_per_minute", "operator_per_minute")
    env = {"SMSCD_TRUSTED_PROXIES": "127.0.0.1"}
    env |= {f"SMSCD_LIMIT_{name.upper()}": "0" for name in windows}
    with demo_server(tmp_path_factory.mktemp("hostile"), 500, 11, env=env) as process:
        yield process


def port_of(server: ServerProcess) -> int:
    return int(server.url.rsplit(":", 1)[1])


def still_serving(server: ServerProcess) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=30)
    try:
        conn.request("GET", "/healthz")
        assert conn.getresponse().read() == b"OK"
    finally:
        conn.close()


_clients = iter(range(1, 10**9))
REQUEST_LINE_MAX = 65536  # granian's limit: a longer request line is answered 414


@pytest.mark.parametrize(("path", "action"), ACTIONS, ids=[a.name for _, a in ACTIONS])
def test_generated_requests_over_tcp(server, path, action):
    key = seed.demo_api_key(11)

    @CAMPAIGN
    @given(request=hostile.requests(path, action, "demo", "demo", key))
    def campaign(request: hostile.Hostile) -> None:
        n = next(_clients)
        headers = {**request.headers(), "x-forwarded-for": f"10.9.{n >> 8 & 255}.{n & 255}"}
        conn = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=30)
        try:
            body = request.body_bytes() if request.body else None
            target = f"{path}?{request.query_string()}"
            conn.request(request.method, target, body, headers)
            reply = conn.getresponse()
            content = reply.read()
            if len(f"{request.method} {target} HTTP/1.1") > REQUEST_LINE_MAX:
                # granian refuses the request line itself, before the app (docs/protection.md)
                assert reply.status == 414, (reply.status, content[:200])
                return
            hostile.judge(request, reply.status, reply.getheader("content-type", ""), content)
        finally:
            conn.close()

    campaign()
    still_serving(server)


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET /sys/get.php?get_messages=1&\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /sys/get.php?" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /sys/get.php HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 100_000 + b"\r\n\r\n",
    b"POST /sys/get.php HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
    b"POST /sys/get.php HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /sys/get.php HTTP/9.9\r\n\r\n",
    b"\x00\x01\x02\x03",
]


@pytest.mark.parametrize("raw", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_http_never_gets_a_server_error(server, raw):
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=5) as sock:
        sock.sendall(raw)
        with contextlib.suppress(OSError):  # the server may have closed first (ENOTCONN)
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    status = answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/") else b""
    assert not status.startswith(b"5"), answer[:200]
    still_serving(server)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.binary(min_size=1, max_size=300))
def test_random_bytes_on_the_socket_never_stop_the_server(server, raw):
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=5) as sock:
        sock.sendall(raw + b"\r\n\r\n")
        with contextlib.suppress(OSError):  # the server may have closed first (ENOTCONN)
            sock.shutdown(socket.SHUT_WR)
        try:
            answer = sock.recv(200)
        except (TimeoutError, ConnectionResetError):
            answer = b""
    assert not answer.startswith((b"HTTP/1.1 5", b"HTTP/1.0 5"))
    still_serving(server)


def raw_exchange(server: ServerProcess, raw: bytes) -> bytes:
    """Send ``raw``, close the sending side, and read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=5) as sock:
        sock.sendall(raw)
        with contextlib.suppress(OSError):  # the server may have closed first (ENOTCONN)
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return answer


@pytest.mark.parametrize(
    "body",
    [
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",  # not a chunk size
        b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n\r\n",  # the second is not
        b"Content-Length: 100\r\n\r\nget_messages=1",  # ends early
    ],
)
def test_a_malformed_or_cut_body_is_error_1(server, body):
    """granian reports a malformed chunked body as a client that went away: error 1 (the
    body cannot be read), not error 9."""
    answer = raw_exchange(server, b"POST /sys/get.php?fmt=1 HTTP/1.1\r\nHost: x\r\n" + body)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    assert answer.endswith(b"\r\n\r\n0,-1"), answer[-200:]
    still_serving(server)
