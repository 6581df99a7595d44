"""``smscd limits show|set|unset`` and ``smscd ip unblock`` through Typer's runner."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import select
from typer.testing import CliRunner

from smscd.cli.main import app
from smscd.limits.in_redis import block_key, failures_key
from smscd.limits.service import per_process_warning
from smscd.limits.tables import ip_unblocks
from smscd.settings import load_settings
from tests.limits.conftest import REDIS_URL
from tests.limits.harness import new_address

runner = CliRunner()


def smscd(*args: str, env: dict[str, str] | None = None, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    assert result.exit_code == code, result.output
    return result.output


def limit_rows(output: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
        if len(cells) == 3 and cells[0].endswith(("minute", "hour", "flight")):
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def test_limits_set_show_and_unset(backend, make_account):
    login = make_account().login
    db = ("--database", backend.url)
    assert limit_rows(smscd("limits", "show", login, *db))["identical_per_minute"] == (
        "3",
        "deployment",
    )
    smscd("limits", "set", login, "identical_per_minute", "20", *db)
    smscd("limits", "set", login, "in_flight", "0", *db)
    rows = limit_rows(smscd("limits", "show", login, *db))
    assert rows["identical_per_minute"] == ("20", "account")
    assert rows["in_flight"] == ("0", "account")
    assert rows["history_per_hour"] == ("30", "deployment")
    smscd("limits", "unset", login, "identical_per_minute", *db)
    rows = limit_rows(smscd("limits", "show", login, *db))
    assert rows["identical_per_minute"] == ("3", "deployment")
    assert rows["in_flight"] == ("0", "account")


def test_show_follows_the_deployment_settings(backend, make_account):
    login = make_account().login
    output = smscd(
        "limits", "show", login, "--database", backend.url,
        env={"SMSCD_LIMIT_HISTORY_PER_HOUR": "120"},
    )  # fmt: skip
    assert limit_rows(output)["history_per_hour"] == ("120", "deployment")


@pytest.mark.parametrize(
    "args",
    [
        ("limits", "set", "{login}", "per_fortnight", "3"),
        ("limits", "set", "{login}", "identical_per_minute", "-1"),
        ("limits", "unset", "{login}", "per_fortnight"),
        ("limits", "show", "nobody-such"),
        ("limits", "set", "nobody-such", "in_flight", "3"),
    ],
)
def test_bad_limit_commands_fail_plainly(backend, make_account, args):
    login = make_account().login
    argv = [arg.format(login=login) for arg in args]
    result = runner.invoke(app, [*argv, "--database", backend.url])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_ip_unblock_records_the_request(backend):
    address = new_address()
    assert f"unblocked {address}" in smscd("ip", "unblock", address, "--database", backend.url)
    with backend.engine.connect() as conn:
        subjects = conn.execute(select(ip_unblocks.c.subject)).scalars().all()
    assert address in subjects


def test_ip_unblock_of_an_ipv6_address_lifts_its_network(backend):
    output = smscd("ip", "unblock", "2001:db8:5:6:7::1", "--database", backend.url)
    assert "unblocked 2001:db8:5:6::/64" in output


def test_ip_unblock_refuses_what_is_no_address(backend):
    output = smscd("ip", "unblock", "10.0.0.300", "--database", backend.url, code=1)
    assert "not an IP address" in output


@pytest.mark.skipif(not REDIS_URL, reason="needs SMSCD_TEST_REDIS_URL")
def test_ip_unblock_deletes_the_block_from_redis(backend, redis_prefix):
    address, prefix = new_address(), f"{redis_prefix}cli:"
    with redis.Redis.from_url(REDIS_URL) as conn:
        conn.set(block_key(prefix, address), "9999999999")
        conn.zadd(failures_key(prefix, address), {"a": 1})
        env = {"SMSCD_REDIS_URL": REDIS_URL, "SMSCD_REDIS_PREFIX": prefix}
        smscd("ip", "unblock", address, "--database", backend.url, env=env)
        assert conn.exists(block_key(prefix, address), failures_key(prefix, address)) == 0


def test_serve_warns_when_workers_count_on_their_own():
    several = load_settings(workers=2, rate_limits=True, redis_url="")
    assert "per process" in (per_process_warning(several) or "")
    assert per_process_warning(several.model_copy(update={"redis_url": "redis://r/0"})) is None
    assert per_process_warning(several.model_copy(update={"workers": 1})) is None
    assert per_process_warning(several.model_copy(update={"rate_limits": False})) is None
