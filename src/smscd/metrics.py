"""The process's Prometheus metrics: what is counted where it happens, and the scrape.

Every metric is declared here, on smscd's own registry (not the library's default one, so
that ``/metrics`` shows exactly the names docs/operations.md lists; a test compares them).
The request path (http/observe.py, http/endpoint.py) and the delivery worker
(delivery/queue.py) count into them; ``/metrics`` (operations/metrics_page.py) adds what it
reads from the database at scrape time and calls :func:`exposition`.

**Several worker processes** (``smscd serve --workers N``): prometheus-client's
multiprocess mode. ``smscd serve`` gives the workers a directory (``SMSCD_METRICS_DIR`` and
``PROMETHEUS_MULTIPROC_DIR``, fresh for each run); each worker writes its values to its own
memory-mapped files there, and a scrape, whichever worker answers it, sums the files of all
of them. Counters of a worker that died stay in the sum (they are what it counted); its
live gauges are dropped at the next scrape (:func:`forget_dead_workers`, the library's
``mark_process_dead``). granian forks its workers from a process that has imported this
module already, when the library chose its in-memory values: :func:`configure` switches a
worker to the files before any value exists (every metric here has labels, so none does
before its first ``labels()``; the library's own tests switch it the same way).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

__all__ = ["CONTENT_TYPE", "REGISTRY", "configure", "exposition"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
REGISTRY = CollectorRegistry(auto_describe=True)

# -- the request path (http/observe.py, http/endpoint.py) --
REQUESTS = Counter(
    "smscd_requests_total",
    "HTTP requests, by action and result (ok, error_N for API error N, http_NNN).",
    ["action", "result"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "smscd_request_duration_seconds",
    "Time from a request's arrival to the end of its reply, by action and result.",
    ["action", "result"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
AUTH_FAILURES = Counter(
    "smscd_auth_failures_total",
    "Failed authentications (error 2, or 4 for an address blocked by them), by action.",
    ["action"],
    registry=REGISTRY,
)
LIMIT_REFUSALS = Counter(
    "smscd_limit_refusals_total",
    "Requests refused by a limit: in_flight, window (rate windows, identical requests) or "
    "ip_block; by limit and action.",
    ["limit", "action"],
    registry=REGISTRY,
)

# -- delivery (delivery/queue.py) --
SUBMISSIONS = Counter(
    "smscd_delivery_submissions_total",
    "Messages handed to a connector, by connector and result (accepted, temporary, "
    "throttled, rejected, malformed, link_down).",
    ["connector", "result"],
    registry=REGISTRY,
)
RECEIPTS = Counter(
    "smscd_delivery_receipts_total",
    "Receipts that settled a message, by connector and final state (delivered, failed, expired).",
    ["connector", "state"],
    registry=REGISTRY,
)
CONNECTOR_BOUND = Gauge(
    "smscd_connector_bound",
    "Bound links of a connector, summed over the live worker processes (its health()).",
    ["connector", "kind"],
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
CONNECTOR_SUBMITTED = Counter(
    "smscd_connector_submitted_total",
    "Messages a connector reports it has submitted (its health()); throughput is its rate().",
    ["connector"],
    registry=REGISTRY,
)

# Read from the database at scrape time (operations/metrics_page.py): declared here so that
# the list of names is one list; their values are built by :func:`gauge`.
SCRAPED = {
    "smscd_queue_messages": "Messages in each open state of the delivery queue (counted up "
    "to a cap: docs/operations.md).",
    "smscd_queue_oldest_age_seconds": "Seconds since the oldest message of each open state "
    "last changed status (accepted, or handed to the carrier).",
    "smscd_callbacks_pending": "Callback notices waiting to be posted (counted up to a cap).",
    "smscd_callbacks_oldest_due_seconds": "Seconds the oldest pending callback notice has "
    "been due (0: none is due).",
}

_directory: str | None = None
_LIVE_FILE = re.compile(r"gauge_live\w*_(\d+)\.db")


def configure(directory: str) -> None:
    """Keep this process's values in files under ``directory`` (a ``smscd serve`` worker),
    or in memory when it is empty. Called once, before anything is counted."""
    global _directory
    if not directory:
        return
    _directory = directory
    values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]
    forget_dead_workers(directory)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def forget_dead_workers(directory: str) -> list[int]:
    """Drop the live gauges of worker processes that are gone (prometheus-client: call
    ``mark_process_dead`` when a worker exits; granian does not tell, so a scrape looks);
    the process ids dropped."""
    dead = set()
    for path in Path(directory).glob("gauge_live*.db"):
        found = _LIVE_FILE.fullmatch(path.name)
        if found and not _alive(int(found[1])):
            dead.add(int(found[1]))
    for pid in dead:
        multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
    return sorted(dead)


def prepare_directory(directory: str) -> None:
    """Empty ``directory`` (made if missing) for a new run of the server: values of an
    earlier run must not be summed into this one's."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.db"):
        old.unlink()


@contextmanager
def run_directory(configured: str) -> Iterator[str]:
    """The metric files' directory for one run of ``smscd serve``: ``configured``, emptied,
    or a fresh temporary one, removed when the run ends."""
    directory = configured or tempfile.mkdtemp(prefix="smscd-metrics-")
    prepare_directory(directory)
    try:
        yield directory
    finally:
        if not configured:
            shutil.rmtree(directory, ignore_errors=True)


class _Families:
    """A collector of metric families already made (a scrape's own)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)

    def describe(self) -> list[Metric]:
        return []


def exposition(scraped: Iterable[Metric] = ()) -> bytes:
    """The text a scrape gets: the counted metrics (this process's, or every worker's in
    multiprocess mode) and ``scraped``, the families read for this scrape."""
    registry = CollectorRegistry(auto_describe=False)
    if _directory is not None:
        forget_dead_workers(_directory)
        multiprocess.MultiProcessCollector(registry, path=_directory)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Families(REGISTRY.collect()))
    registry.register(_Families(scraped))
    return generate_latest(registry)


def gauge(name: str, label: str, samples: Iterable[tuple[str, float]]) -> Metric:
    """One of the ``SCRAPED`` families, with a sample for each (label value, value)."""
    family = GaugeMetricFamily(name, SCRAPED[name], labels=[label] if label else [])
    for value_of_label, value in samples:
        family.add_metric([value_of_label] if label else [], value)
    return family


def names() -> set[str]:
    """Every metric family name ``/metrics`` can show (docs/operations.md lists them)."""
    counted = {metric.name for metric in REGISTRY.collect()}
    # The library names a counter's family without its ``_total``; the text shows it with.
    types = {metric.name: metric.type for metric in REGISTRY.collect()}
    shown = {f"{n}_total" if types[n] == "counter" else n for n in counted}
    return shown | set(SCRAPED)
