"""bench/smpp.py's optional second baseline: aiosmpplib 0.7.4 (issue 11's candidate
library) submitting ``count`` submit_sm to the peer, as fast as it sends them (it has no
submit window: its sender writes what its queue yields). Runs in a venv of its own with
only aiosmpplib in it, never smscd's::

    python3 -m venv /tmp/aio && /tmp/aio/bin/pip install aiosmpplib==0.7.4
    .venv/bin/python bench/smpp.py --aiosmpplib-python /tmp/aio/bin/python

Usage: python smpp_aiosmpplib.py HOST PORT COUNT BINDS. It exits once the peer answered
``count`` submit_sm (its hook counts the responses); the figure is the peer's.
"""

import asyncio
import logging
import sys

from aiosmpplib import ESME, PhoneNumber, SubmitSm
from aiosmpplib.broker import SimpleBroker
from aiosmpplib.hook import AbstractHook


class Counter(AbstractHook):
    def __init__(self, count: int, done: asyncio.Event) -> None:
        self.left = count
        self.done = done

    async def sending(self, smpp_message: object, pdu: bytes, client_id: str) -> None:
        return None

    async def received(self, smpp_message: object, pdu: bytes, client_id: str) -> None:
        if type(smpp_message).__name__ == "SubmitSmResp":
            self.left -= 1
            if self.left <= 0:
                self.done.set()

    async def send_error(self, smpp_message: object, error: Exception, client_id: str) -> None:
        raise RuntimeError(f"aiosmpplib could not send: {error!r}")


async def main(host: str, port: int, count: int, binds: int) -> None:
    done = asyncio.Event()
    hook = Counter(count, done)
    esmes = []
    for n in range(binds):
        broker = SimpleBroker(maxsize=count + 1)
        for i in range(n, count, binds):
            await broker.enqueue(SubmitSm(
                short_message="Benchmark", source=PhoneNumber("SMSC.RU"),
                destination=PhoneNumber(f"49151{i:08d}"), log_id=str(i),
            ))  # fmt: skip
        esmes.append(ESME(host, port, "bench", "bench-pw", broker=broker, hook=hook,
                          log_level=logging.ERROR, client_id=f"aio{n}"))  # fmt: skip
    tasks = [asyncio.create_task(esme.start()) for esme in esmes]
    await asyncio.wait_for(done.wait(), 300)
    for esme in esmes:
        await esme.stop()
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
