"""The kinds of connector this version runs: what each carries, how its configuration is
checked, and how a worker builds one. A new kind (a carrier protocol) is one entry here
and its own module beside this one; nothing else in delivery/ names kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from smscd.db.gateway import Database
from smscd.delivery.connectors.base import Connector, Sink
from smscd.delivery.connectors.provider import Provider, ProviderConfig, ProviderConfigError
from smscd.delivery.connectors.simulator import Rules, RulesError, Simulator
from smscd.delivery.connectors.smpp.config import SmppConfig, SmppConfigError
from smscd.delivery.connectors.smpp.connector import SmppConnector
from smscd.delivery.connectors.smtp import Smtp, SmtpConfig, SmtpConfigError
from smscd.formats import MessageFormat
from smscd.settings import Settings


class ConfigError(ValueError):
    """A connector configuration this kind cannot run with; the message says why."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a worker gives a connector it builds."""

    name: str
    config: str  # as stored (the output of the kind's ``check``)
    db: Database
    sink: Sink
    clock: Callable[[], float]
    settings: Settings


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    carries: frozenset[int]  # message formats (smscd/formats.py)
    check: Callable[[str], str]  # the operator's config → the stored form; ConfigError
    build: Callable[[Context], Connector]


def _checked(parse: Callable[[str], object], refusal: type[Exception]) -> Callable[[str], str]:
    """A kind's ``check``: ``parse(text).to_json()``, its own refusal raised as ConfigError."""

    def check(text: str) -> str:
        try:
            return str(parse(text).to_json())  # type: ignore[attr-defined]
        except refusal as exc:
            raise ConfigError(str(exc)) from exc

    return check


_simulator_config = _checked(Rules.parse, RulesError)


def _simulator(context: Context) -> Connector:
    return Simulator(context.name, Rules.parse(context.config), context.db, context.sink,
                     context.clock)  # fmt: skip


SIMULATOR = Kind(
    "simulator",
    frozenset(
        {
            MessageFormat.SMS,
            MessageFormat.FLASH,
            MessageFormat.WAP_PUSH,
            MessageFormat.HLR,
            MessageFormat.BINARY,
            MessageFormat.BINARY_HEX,
            MessageFormat.PING,
        }
    ),
    _simulator_config,
    _simulator,
)


_smtp_config = _checked(SmtpConfig.parse, SmtpConfigError)


def _smtp(context: Context) -> Connector:
    return Smtp(context.name, SmtpConfig.parse(context.config),
                context.settings.secret_key.get_secret_value(), context.db, context.sink,
                context.clock)  # fmt: skip


# E-mail over SMTP (connectors/smtp.py): only format 8.
SMTP = Kind("smtp", frozenset({MessageFormat.EMAIL}), _smtp_config, _smtp)


_http_config = _checked(ProviderConfig.parse, ProviderConfigError)


def _http(context: Context) -> Connector:
    return Provider(context.name, ProviderConfig.parse(context.config),
                    context.settings.secret_key.get_secret_value(), context.clock)  # fmt: skip


# An HTTP-speaking provider (connectors/provider.py; receipts come to delivery/intake.py):
# SMS, flash and binary messages, as the simulator's text formats.
HTTP = Kind(
    "http",
    frozenset({MessageFormat.SMS, MessageFormat.FLASH, MessageFormat.BINARY,
               MessageFormat.BINARY_HEX}),
    _http_config,
    _http,
)  # fmt: skip


_smpp_config = _checked(SmppConfig.parse, SmppConfigError)


def _smpp(context: Context) -> Connector:
    return SmppConnector(context.name, SmppConfig.parse(context.config), context.db,
                         context.sink, context.clock)  # fmt: skip


# An upstream SMSC over SMPP 3.4 (docs/carriers.md, "SMPP"): texts, flash.
SMPP = Kind("smpp", frozenset({MessageFormat.SMS, MessageFormat.FLASH}), _smpp_config, _smpp)

KINDS: dict[str, Kind] = {kind.name: kind for kind in (SIMULATOR, SMPP, SMTP, HTTP)}
