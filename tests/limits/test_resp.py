"""The pipelined Redis client of the limits (limits/resp.py): replies parsed whatever the
chunks they arrive in, matched to their commands in order, errors and lost connections
reported, against the real Redis where one is configured."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
from collections.abc import Iterator

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st

from smscd.components import Periodic, started
from smscd.errors import TooManyConcurrentError
from smscd.limits.in_redis import RedisBackend
from smscd.limits.policy import Ticket
from smscd.limits.resp import Pipe, ReplyError, Script, Unavailable, encode, parse
from smscd.limits.service import block_policy, make_guard
from tests.limits.conftest import REDIS_URL, forget, limited_settings


def reply_bytes(value) -> bytes:
    """What a Redis server writes for ``value`` (the test's own encoder of replies)."""
    if value is None:
        return b"$-1\r\n"
    if isinstance(value, int):
        return b":%d\r\n" % value
    if isinstance(value, bytes):
        return b"$%d\r\n%s\r\n" % (len(value), value)
    if isinstance(value, ReplyError):
        return b"-%s\r\n" % str(value).encode()
    return b"*%d\r\n" % len(value) + b"".join(reply_bytes(item) for item in value)


def same(left, right) -> bool:
    if isinstance(left, ReplyError):
        return isinstance(right, ReplyError) and str(left) == str(right)
    if isinstance(left, list):
        return isinstance(right, list) and len(left) == len(right) and all(map(same, left, right))
    return left == right


REPLIES = st.recursive(
    st.none()
    | st.integers(-(2**63), 2**63 - 1)
    | st.binary(max_size=30)
    | st.from_regex(r"[A-Z]+ [a-z ]{0,20}", fullmatch=True).map(ReplyError),
    lambda inner: st.lists(inner, max_size=5),
    max_leaves=20,
)


@given(replies=st.lists(REPLIES, min_size=1, max_size=6), cuts=st.lists(st.integers(0, 400)))
def test_replies_are_read_whatever_chunks_they_arrive_in(replies, cuts):
    stream = b"".join(map(reply_bytes, replies))
    buffer, found, pos = bytearray(), [], 0
    bounds = sorted({min(cut, len(stream)) for cut in cuts} | {len(stream)})
    start = 0
    for end in bounds:
        buffer += stream[start:end]
        start = end
        while (parsed := parse(buffer, pos)) is not None:
            reply, pos = parsed
            found.append(reply)
    assert len(found) == len(replies) and all(map(same, found, replies))


def test_commands_are_arrays_of_bulk_strings():
    assert encode(["SET", "k", 12, b"\x00\xff"]) == (
        b"*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n12\r\n$2\r\n\x00\xff\r\n"
    )


def test_an_unreachable_server_is_unavailable():
    async def scenario():
        pipe = Pipe("redis://127.0.0.1:1/0", timeout=1.0)
        with pytest.raises(Unavailable):
            await pipe.call("PING")

    asyncio.run(scenario())


def test_a_server_that_does_not_answer_is_unavailable_after_the_timeout():
    async def scenario():
        done = asyncio.Event()

        async def silent(reader, writer):
            try:
                await reader.read(1 << 16)  # reads, never answers
                await done.wait()
            finally:
                writer.close()

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        pipe = Pipe(f"redis://127.0.0.1:{port}/0", timeout=0.2)
        try:
            with pytest.raises(Unavailable):
                await pipe.call("PING")
        finally:
            await pipe.close()
            done.set()
            server.close()
            await server.wait_closed()

    asyncio.run(asyncio.wait_for(scenario(), 30))


redis_only = pytest.mark.skipif(not REDIS_URL, reason="needs SMSCD_TEST_REDIS_URL")


@redis_only
def test_concurrent_commands_get_their_own_replies():
    key = f"smscd-test-resp-{secrets.token_hex(4)}"

    async def scenario():
        pipe = Pipe(REDIS_URL, timeout=5.0)
        try:
            replies = await asyncio.gather(
                *(pipe.call("ECHO", f"value {n}") for n in range(500)),
                pipe.call("INCRBY", key, 7),
            )
            await pipe.call("DEL", key)
        finally:
            await pipe.close()
        return replies

    replies = asyncio.run(scenario())
    assert replies[:500] == [f"value {n}".encode() for n in range(500)]
    assert replies[500] == 7


@redis_only
def test_an_unanswered_command_still_runs_before_the_next_one():
    key = f"smscd-test-resp-{secrets.token_hex(4)}"

    async def scenario():
        pipe = Pipe(REDIS_URL, timeout=5.0)
        try:
            await pipe.send("SET", key, "sent")
            value = await pipe.call("GET", key)
            await pipe.call("DEL", key)
        finally:
            await pipe.close()
        return value

    assert asyncio.run(scenario()) == b"sent"


@redis_only
def test_error_replies_raise_and_the_connection_goes_on():
    async def scenario():
        pipe = Pipe(REDIS_URL, timeout=5.0)
        try:
            with pytest.raises(ReplyError, match="unknown command"):
                await pipe.call("NO-SUCH-COMMAND")
            return await pipe.call("PING")
        finally:
            await pipe.close()

    assert asyncio.run(scenario()) == b"PONG"


@redis_only
def test_a_script_the_server_does_not_know_is_sent_whole_once():
    script = Script(f"return {{'{secrets.token_hex(4)}', #KEYS, ARGV[1]}}")

    async def scenario():
        pipe = Pipe(REDIS_URL, timeout=5.0)
        try:
            first = await pipe.evalsha(script, ["a", "b"], ["x"])
            second = await pipe.call("EVALSHA", script.sha, 0, "y")  # cached by now
        finally:
            await pipe.close()
        return first, second

    first, second = asyncio.run(scenario())
    assert first[1:] == [2, b"x"] and second[1:] == [0, b"y"]


@redis_only
def test_a_lost_connection_fails_its_commands_and_the_next_one_reconnects():
    async def scenario():
        pipe = Pipe(REDIS_URL, timeout=5.0)
        try:
            name = f"smscd-test-{secrets.token_hex(4)}"
            await pipe.call("CLIENT", "SETNAME", name)
            with redis.Redis.from_url(REDIS_URL) as admin:
                for client in admin.client_list():
                    if client.get("name") == name:
                        admin.client_kill_filter(_id=client["id"])
            with pytest.raises(Unavailable):
                await pipe.call("PING")
            return await pipe.call("PING")
        finally:
            await pipe.close()

    assert asyncio.run(scenario()) == b"PONG"


@redis_only
def test_the_database_of_the_url_is_selected():
    key = f"smscd-test-resp-{secrets.token_hex(4)}"
    base = REDIS_URL.rsplit("/", 1)[0]

    async def scenario():
        pipe = Pipe(f"{base}/5", timeout=5.0)
        try:
            await pipe.call("SET", key, "in five", "EX", 60)
        finally:
            await pipe.close()

    asyncio.run(scenario())
    with redis.Redis.from_url(f"{base}/5") as five, redis.Redis.from_url(f"{base}/0") as zero:
        assert five.get(key) == b"in five" and zero.get(key) is None
        five.delete(key)


REDIS_SERVER = shutil.which("redis-server")


@pytest.fixture
def private_redis(tmp_path) -> Iterator[str]:
    """A redis-server of the test's own on a Unix socket, with a password."""
    socket_path = tmp_path / "redis.sock"
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", "0", "--unixsocket", str(socket_path), "--save", "",
         "--appendonly", "no", "--requirepass", "s3cret"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    try:
        for line in server.stdout:  # ready when it says so (its own log, not a sleep)
            if "ready to accept connections" in line.lower():
                break
        else:
            raise AssertionError("redis-server did not start")
        yield f"unix://:s3cret@{socket_path}?db=2"
    finally:
        server.terminate()
        server.wait(30)
        server.stdout.close()


@pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server")
def test_unix_sockets_passwords_and_databases_from_the_url(private_redis):
    async def scenario():
        pipe = Pipe(private_redis, timeout=5.0)
        try:
            await pipe.call("SET", "k", "v")
            return await pipe.call("CLIENT", "INFO")
        finally:
            await pipe.close()

    assert b" db=2 " in asyncio.run(scenario())

    async def refused():
        pipe = Pipe(private_redis.replace("s3cret", "wrong"), timeout=5.0)
        try:
            with pytest.raises(ReplyError):
                await pipe.call("PING")
        finally:
            await pipe.close()

    asyncio.run(refused())


class SilentRedis:
    """A server that reads RESP commands and answers none: what a hung Redis looks like.
    It counts the connections it is given and keeps every command it reads."""

    def __init__(self) -> None:
        self.connections = 0
        self.commands: list[list[bytes]] = []
        self.arrived = asyncio.Event()
        self._done = asyncio.Event()

    async def _serve(self, reader, writer) -> None:
        self.connections += 1
        buffer = bytearray()
        try:
            while data := await reader.read(1 << 16):
                buffer += data
                while (found := parse(buffer)) is not None:
                    command, end = found
                    del buffer[:end]
                    self.commands.append(command)
                    self.arrived.set()
        finally:
            writer.close()

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return f"redis://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/0"

    async def __aexit__(self, *_exc) -> None:
        self._server.close()
        await self._server.wait_closed()


def test_callers_waiting_for_a_hung_redis_share_one_connection_attempt():
    async def scenario():
        silent = SilentRedis()
        async with silent as url:
            pipe = Pipe(url.replace("redis://", "redis://:pw@"), timeout=0.2)  # AUTH hangs
            results = await asyncio.gather(
                *(pipe.call("PING") for _ in range(10)), return_exceptions=True
            )
            await pipe.close()
        return silent.connections, results

    connections, results = asyncio.run(asyncio.wait_for(scenario(), 30))
    assert connections == 1
    assert all(isinstance(result, Unavailable) for result in results)


def test_a_request_cancelled_while_admitted_gives_its_slot_back(backend):
    """The admission script may run after its caller has gone (the reply still on its way):
    the slot it took is given back on the same connection, after the script."""

    async def scenario():
        silent = SilentRedis()
        async with silent as url:
            settings = limited_settings(backend.url, "p:").model_copy(update={"redis_url": url})
            limiter = RedisBackend(settings, block_policy(settings), lambda: 0.0)
            admitting = asyncio.create_task(limiter.admit(Ticket(7, 3, ()), None, 0.0))
            await silent.arrived.wait()  # the script has left for Redis
            admitting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await admitting
            while len(silent.commands) < 2:  # the slot's release follows it
                silent.arrived.clear()
                await silent.arrived.wait()
            await limiter.stop()
        return silent.commands

    evalsha, release = asyncio.run(asyncio.wait_for(scenario(), 30))
    token = evalsha[6]  # EVALSHA sha 2 block-key in-flight-key now token ...
    assert evalsha[0] == b"EVALSHA" and release == [b"ZREM", b"p:inflight:7", token]


@redis_only
def test_with_redis_the_guard_comes_with_a_lease_renewal_job(backend):
    """The renewal is a component of its own (limits/service.py), every third of a lease;
    a tick extends the leases of the requests in flight."""
    lease = 30.0

    async def scenario() -> tuple[float, bool, bool]:
        settings = limited_settings(
            backend.url, f"smscd-test-renew-{secrets.token_hex(4)}:",
            limit_in_flight_lease_seconds=lease,
        )  # fmt: skip
        clock = [1000.0]
        guard, parts = make_guard(settings, None, lambda: clock[0])  # type: ignore[arg-type]
        [renewal] = [part for part in parts if isinstance(part, Periodic)]
        held = guard.backend  # type: ignore[attr-defined]
        try:
            async with started(parts):
                await held.admit(Ticket(7, 1, ()), None, clock[0])  # the cap: one at a time
                clock[0] += 20
                await renewal.run_now()  # the lease now ends at 1020 + 30
                later = RedisBackend(settings, block_policy(settings), lambda: clock[0])
                try:
                    before_end = await _admitted(later, 1000 + lease + 5)
                    after_end = await _admitted(later, 1020 + lease + 1)
                finally:
                    await later.stop()
        finally:
            forget(settings.redis_prefix)
        return renewal.seconds, before_end, after_end

    seconds, before_end, after_end = asyncio.run(scenario())
    assert seconds == lease / 3
    assert (before_end, after_end) == (False, True)


async def _admitted(backend: RedisBackend, now: float) -> bool:
    try:
        await backend.admit(Ticket(7, 1, ()), None, now)
    except TooManyConcurrentError:
        return False
    return True
