"""Which requests count against which limit, and how many each login may make.

compat.md, "Rate limits": history more than 3 identical requests a minute or more than 30 an
hour; incoming, tariffs and short links more than 3 identical a minute; statistics more than 3
a minute whatever the parameters; the operator more than 3 identical or more than 100 of any
kind a minute; every endpoint fifteen or more requests at once. sending.md adds send.php,
status.php and balance.php's (below, ``SEND_IDENTICAL`` ...). Every number is a setting
(``SMSCD_LIMIT_<NAME>``) and can be overridden per account (``smscd limits set``); 0 means no
limit. docs/protection.md is the user's page.

"Identical" **[ours]**: same login, same action, same parameters after normalisation: names
in any order, values stripped, empty values dropped. Compared are the action's flag, ``fmt``
and the parameters the action declares (http/endpoint.py passes only those): not the
credentials or ``charset``, which do not change what is asked for, and not names the action
never reads (``&nonce=N`` does not make a request new).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from smscd.errors import AdminError
from smscd.settings import Settings

IDENTICAL_PER_MINUTE = "identical_per_minute"
HISTORY_PER_HOUR = "history_per_hour"
STAT_PER_MINUTE = "stat_per_minute"
OPERATOR_PER_MINUTE = "operator_per_minute"
SEND_IDENTICAL_PER_MINUTE = "send_identical_per_minute"
COST_IDENTICAL_PER_MINUTE = "cost_identical_per_minute"
STATUS_IDENTICAL_PER_MINUTE = "status_identical_per_minute"
STATUS_LIST_PER_MINUTE = "status_list_per_minute"
BALANCE_PER_MINUTE = "balance_per_minute"
IN_FLIGHT = "in_flight"

LIMIT_NAMES = (
    IDENTICAL_PER_MINUTE,
    HISTORY_PER_HOUR,
    STAT_PER_MINUTE,
    OPERATOR_PER_MINUTE,
    SEND_IDENTICAL_PER_MINUTE,
    COST_IDENTICAL_PER_MINUTE,
    STATUS_IDENTICAL_PER_MINUTE,
    STATUS_LIST_PER_MINUTE,
    BALANCE_PER_MINUTE,
    IN_FLIGHT,
)


@dataclass(frozen=True, slots=True)
class Window:
    """A limit on requests counted over a sliding window of ``seconds``."""

    name: str  # the limit's name: the setting ``limit_<name>`` and the per-account key
    seconds: float
    identical: bool  # count only requests identical to this one, or every request


IDENTICAL = Window(IDENTICAL_PER_MINUTE, 60.0, identical=True)
HISTORY = Window(HISTORY_PER_HOUR, 3600.0, identical=False)
STAT = Window(STAT_PER_MINUTE, 60.0, identical=False)
OPERATOR = Window(OPERATOR_PER_MINUTE, 60.0, identical=False)
# The sending side (sending.md): the same send more than once a minute, the same cost
# request more than 5 times, the same message's status more than 5 times, more than one
# status list, more than 10 balance requests a minute.
SEND_IDENTICAL = Window(SEND_IDENTICAL_PER_MINUTE, 60.0, identical=True)
COST_IDENTICAL = Window(COST_IDENTICAL_PER_MINUTE, 60.0, identical=True)
STATUS_IDENTICAL = Window(STATUS_IDENTICAL_PER_MINUTE, 60.0, identical=True)
STATUS_LIST = Window(STATUS_LIST_PER_MINUTE, 60.0, identical=False)
BALANCE = Window(BALANCE_PER_MINUTE, 60.0, identical=False)

# Which windows an action counts against is the action's own declaration (its ``windows``,
# http/endpoint.py); a new action names its windows there and never edits this module.


@dataclass(frozen=True, slots=True)
class Counter:
    """One sliding window a request is counted in: a key shared by the requests it counts."""

    key: str
    limit: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Ticket:
    """What a backend checks and counts for one request."""

    account_id: int
    in_flight: int  # the most requests of the account at once; 0: no cap
    counters: tuple[Counter, ...]


def fingerprint(action: str, values: Mapping[str, str]) -> str:
    """The same text for identical requests, another for any other request (``values``:
    the compared parameters only)."""
    compared = sorted((name, value.strip()) for name, value in values.items() if value.strip())
    text = "\x00".join(f"{name}\x01{value}" for name, value in compared)
    digest = hashlib.blake2b(f"{action}\x00{text}".encode("utf-8", "surrogatepass"), digest_size=12)
    return digest.hexdigest()


class OverridesError(AdminError):
    """Per-account limits that cannot be stored; the message says why."""


@lru_cache(maxsize=4096)
def parse_overrides(text: str) -> Mapping[str, int]:
    """An account's stored overrides (``accounts.rate_limits``, a JSON object)."""
    if not text:
        return MappingProxyType({})
    loaded = json.loads(text)
    return MappingProxyType({name: int(loaded[name]) for name in LIMIT_NAMES if name in loaded})


def format_overrides(overrides: Mapping[str, int]) -> str:
    """The stored form of ``overrides``, checked: known names, whole numbers from 0."""
    for name, value in overrides.items():
        if name not in LIMIT_NAMES:
            raise OverridesError(f"unknown limit {name!r}; the limits: {', '.join(LIMIT_NAMES)}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise OverridesError(f"{name} must be a whole number from 0 (0: no limit)")
    return json.dumps(dict(sorted(overrides.items())), separators=(",", ":")) if overrides else ""


class Limits:
    """The deployment's limits (settings), each account's with its overrides on top."""

    def __init__(self, settings: Settings) -> None:
        self.defaults: Mapping[str, int] = MappingProxyType(
            {name: int(getattr(settings, f"limit_{name}")) for name in LIMIT_NAMES}
        )

    def of(self, overrides: str) -> Mapping[str, int]:
        """Every limit of an account whose stored overrides are ``overrides``."""
        return self._merged(overrides) if overrides else self.defaults

    @lru_cache(maxsize=4096)  # noqa: B019 -- one Limits per worker, held for its life
    def _merged(self, overrides: str) -> Mapping[str, int]:
        return MappingProxyType({**self.defaults, **parse_overrides(overrides)})

    def ticket(
        self,
        account_id: int,
        overrides: str,
        action: str,
        windows: Sequence[Window],
        values: Mapping[str, str],
    ) -> Ticket:
        """What a request of ``action`` (counted in ``windows``) with ``values`` counts
        against."""
        limits = self.of(overrides)
        counters = []
        for window in windows:
            limit = limits[window.name]
            if not limit:
                continue
            if window.identical:
                key = f"{account_id}:same:{fingerprint(action, values)}"
            else:
                key = f"{account_id}:{window.name}"
            counters.append(Counter(key, limit, window.seconds))
        return Ticket(account_id, limits[IN_FLIGHT], tuple(counters))
