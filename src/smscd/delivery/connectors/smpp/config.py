"""An SMPP connector's settings (``smscd connectors add smpp NAME --host ...``), stored as
JSON. The password is never stored: the config holds a reference, ``env:VAR``, to the
environment of the processes that deliver (docs/carriers.md says why there is no
encrypted form in this version)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

BIND_MODES = ("transceiver", "transmitter+receiver")


class SmppConfigError(ValueError):
    """Settings an SMPP connector cannot run with; the message says why."""


@dataclass(frozen=True, slots=True)
class SmppConfig:
    host: str
    port: int
    system_id: str
    password: str  # a reference: env:VAR
    system_type: str = ""
    bind: str = "transceiver"
    window: int = 10  # submit_sm awaiting their response, per bind
    tps: int = 100  # submit_sm per second, per bind
    binds: int = 1
    enquire_link: float = 30.0  # seconds of silence before an enquire_link
    response_timeout: float = 30.0
    reconnect_max: float = 30.0  # the longest wait between two connection attempts

    @classmethod
    def parse(cls, text: str) -> SmppConfig:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SmppConfigError(f"SMPP settings are a JSON object: {exc}") from exc
        if not isinstance(raw, dict):
            raise SmppConfigError("SMPP settings are a JSON object")
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise SmppConfigError(f"unknown SMPP settings: {', '.join(sorted(unknown))}")
        try:
            config = cls(**raw)
            config = cls(
                host=str(config.host), port=int(config.port), system_id=str(config.system_id),
                password=str(config.password), system_type=str(config.system_type),
                bind=str(config.bind), window=int(config.window), tps=int(config.tps),
                binds=int(config.binds), enquire_link=float(config.enquire_link),
                response_timeout=float(config.response_timeout),
                reconnect_max=float(config.reconnect_max),
            )  # fmt: skip
        except (TypeError, ValueError) as exc:
            raise SmppConfigError(f"SMPP settings: {exc}") from exc
        config.check()
        return config

    def check(self) -> None:
        if not self.host:
            raise SmppConfigError("--host is required")
        if not 0 < self.port < 65536:
            raise SmppConfigError("--port is 1-65535")
        if not 0 < len(self.system_id) <= 15:
            raise SmppConfigError("--system-id is 1-15 characters")
        if len(self.system_type) > 12:
            raise SmppConfigError("--system-type is at most 12 characters")
        if not self.password.startswith("env:") or len(self.password) < 5:
            raise SmppConfigError(
                "--password is a reference to the environment, env:VAR (the password itself"
                " is never stored)"
            )
        if self.bind not in BIND_MODES:
            raise SmppConfigError(f"--bind is one of {', '.join(BIND_MODES)}")
        if not 1 <= self.window <= 1000 or not 1 <= self.tps <= 100_000:
            raise SmppConfigError("--window is 1-1000 and --tps 1-100000")
        if not 1 <= self.binds <= 32:
            raise SmppConfigError("--binds is 1-32")
        if self.enquire_link <= 0 or self.response_timeout <= 0 or self.reconnect_max <= 0:
            raise SmppConfigError("intervals are positive")

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    def secret(self) -> str:
        """The password, from the environment of this process ('' if the variable is
        unset: the bind then fails and is retried)."""
        # The one read of the environment outside settings.py: the variable's name is the
        # operator's, per connector, so it cannot be a setting (docs/carriers.md).
        return os.environ.get(self.password[4:], "")
