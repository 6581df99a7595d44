"""End to end: the real `smscd serve` with two granian workers, scraped as Prometheus would
scrape it, and its request log read from its output (docs/operations.md)."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from smscd.demo import seed
from tests.servers import ServerProcess, demo_server

TOKEN = secrets.token_hex(32)
SAMPLE = re.compile(r"^(\w+)(\{[^}]*\})? (\S+)$")


@pytest.fixture(scope="module")
def metrics_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("metrics")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, metrics_dir: Path) -> Iterator[ServerProcess]:
    env = {
        "SMSCD_METRICS_ALLOW": "",  # the token alone opens /metrics
        "SMSCD_METRICS_TOKEN_SHA256": hashlib.sha256(TOKEN.encode()).hexdigest(),
        "SMSCD_METRICS_DIR": str(metrics_dir),
        "SMSCD_RATE_LIMITS": "false",
    }
    directory = tmp_path_factory.mktemp("observed")
    with demo_server(directory, messages=300, seed_value=7, env=env) as process:
        yield process


def scrape(url: str) -> dict[tuple[str, str], float]:
    reply = httpx.get(f"{url}/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain; version=")
    samples = {}
    for line in reply.text.splitlines():
        if line and not line.startswith("#"):
            found = SAMPLE.match(line)
            assert found, line
            samples[(found[1], found[2] or "")] = float(found[3])
    return samples


def requests_of(samples: dict[tuple[str, str], float], action: str, result: str) -> float:
    return samples.get(("smscd_requests_total", f'{{action="{action}",result="{result}"}}'), 0.0)


def test_counters_add_up_across_the_two_workers(server, metrics_dir):
    before = scrape(server.url)
    key = seed.demo_api_key(7)
    for _ in range(40):  # a connection each: granian hands connections to either worker
        with httpx.Client() as client:
            reply = client.get(f"{server.url}/sys/balance.php", params={"apikey": key, "fmt": 3})
            assert reply.status_code == 200 and "balance" in reply.json()
    for _ in range(5):
        with httpx.Client() as client:
            client.get(f"{server.url}/sys/balance.php", params={"login": "demo", "psw": "no"})
    after = scrape(server.url)
    assert requests_of(after, "balance", "ok") - requests_of(before, "balance", "ok") == 40
    assert requests_of(after, "balance", "error_2") - requests_of(before, "balance", "error_2") == 5
    failures = ("smscd_auth_failures_total", '{action="balance"}')
    assert after[failures] - before.get(failures, 0.0) == 5
    histogram = ("smscd_request_duration_seconds_count", '{action="balance",result="ok"}')
    assert after[histogram] == requests_of(after, "balance", "ok")
    # Each worker wrote its own files, and a scrape summed both.
    pids = {re.sub(r"\D", "", path.name) for path in metrics_dir.glob("counter_*.db")}
    assert len(pids) == 2, sorted(metrics_dir.iterdir())


def test_the_database_and_connectors_are_read_on_scrape(server):
    samples = scrape(server.url)
    for state in ("queued", "sending", "submitted"):
        assert ("smscd_queue_messages", f'{{state="{state}"}}') in samples
        assert ("smscd_queue_oldest_age_seconds", f'{{state="{state}"}}') in samples
    assert ("smscd_callbacks_pending", "") in samples
    # Both workers run the demo's simulator; each reports its link bound (health()).
    bound = ("smscd_connector_bound", '{connector="simulator",kind="simulator"}')
    assert samples[bound] == 2


def test_metrics_need_the_token_when_no_address_is_allowed(server):
    assert httpx.get(f"{server.url}/metrics").status_code == 401
    wrong = {"authorization": f"Bearer {secrets.token_hex(32)}"}
    assert httpx.get(f"{server.url}/metrics", headers=wrong).status_code == 401
    right = {"authorization": f"Bearer {TOKEN}"}
    assert httpx.get(f"{server.url}/metrics", headers=right).status_code == 200


def test_readyz_names_its_checks(server):
    reply = httpx.get(f"{server.url}/readyz")
    assert reply.status_code == 200
    assert reply.json() == {
        "ready": True,
        "checks": {"database": "ok", "connector:simulator": "ok"},
        "failed": [],
    }
    assert httpx.get(f"{server.url}/healthz").text == "OK"


def access_line(server: ServerProcess, marker: str) -> dict:
    line = server.wait_for_line(lambda line: '"smscd.access"' in line and marker in line)
    return json.loads(line)


def test_one_log_line_per_request_and_no_secret_in_it(server):
    password = f"pw{secrets.token_hex(8)}"
    key = f"key{secrets.token_hex(8)}"
    marker = f"who{secrets.token_hex(4)}"
    httpx.get(
        f"{server.url}/sys/get.php",
        params={"get_messages": 1, "login": marker, "psw": password, "apikey": key},
    )
    httpx.post(
        f"{server.url}/sys/send.php?token={TOKEN}",
        data={"login": marker, "psw": password, "apikey": key, "phones": "79161234567"},
        headers={"authorization": f"Bearer {TOKEN}"},
    )
    first = access_line(server, marker)
    second = access_line(server, marker)
    assert first["action"] == "get_messages" and first["result"] == "error_2"
    assert second["action"] == "send" and second["path"] == "/sys/send.php"
    assert first["client"] == "127.0.0.1" and first["duration_ms"] >= 0
    # Everything the server printed, the two lines included, holds no secret.

    printed = "".join(server.output)
    for secret in (password, key, TOKEN):
        assert secret not in printed


def test_a_client_that_hangs_up_mid_body_is_logged_without_a_traceback(server):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST /sys/get.php?fmt=1 HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
            b"get_messages=1&login=hangup"
        )
    line = access_line(server, "body ended")
    assert line["level"] == "info" and line["result"] == "error_1"
    assert "Traceback" not in "".join(server.output)
    assert '"level":"error"' not in "".join(server.output)
